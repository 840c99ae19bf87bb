// ESLint flat config. Formatting belongs to Prettier (eslint-config-prettier turns off the rules
// that would disagree with it); import order belongs to simple-import-sort, which --fix applies.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'coverage/', 'node_modules/', 'libs/database/src/generated/', 'bench/results/'],
  },

  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': [
        'error',
        {
          // Side-effect imports ('reflect-metadata') first and in place, then node:, then packages,
          // then the @sluice/* libraries, then relative paths.
          groups: [['^\\u0000'], ['^node:'], ['^@?\\w'], ['^@sluice(/.*|$)'], ['^\\.']],
        },
      ],
      'simple-import-sort/exports': 'error',
    },
  },

  // TypeScript: type-aware rules through tsconfig.json (apps, libs, test, bench/**/*.ts), and
  // apps/console/tsconfig.json for the web console.
  {
    files: ['**/*.ts', 'apps/console/**/*.tsx'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['prisma.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // Files with decorators keep their value imports: with emitDecoratorMetadata, Nest's DI reads
      // constructor parameter types at run time, and typescript-eslint skips those files for this rule.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `async` without `await` is how a method meets a Promise-returning interface (ThrottlerStorage,
      // test doubles); dropping `async` would turn a thrown error into a synchronous throw.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // The web console runs in the browser; React's rules of hooks.
  {
    files: ['apps/console/**/*.{ts,tsx}'],
    ignores: ['apps/console/vite.config.ts'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: { ...globals.browser } },
  },

  // Tests read HTTP response bodies (`res.json()` is `any` in light-my-request) and raw rows, and
  // assert on their shape; typing every body would restate the contract the assertions already check.
  // The other type-aware rules, no-explicit-any included, stay on.
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain CommonJS scripts: benchmarks, start script, Jest config. No type information.
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
  },

  // This file.
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  prettier,
);
