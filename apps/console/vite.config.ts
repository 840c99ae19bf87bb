import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web console (spec §10): built into dist/console, which the gateway serves at `/`
 * (apps/gateway/src/console/console-static.ts). `npm run dev:console` serves it with Vite and
 * forwards the API to a gateway on :8080 (`GATEWAY_URL` to change it).
 */
export default defineConfig({
  root,
  base: '/',
  // JSX through Oxc's automatic runtime: the production build needs no React plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // ECharts is most of the bundle; it is a chunk of its own, loaded by the pages that draw.
    chunkSizeWarningLimit: 700,
    sourcemap: false,
    rolldownOptions: {
      // React's "use client" marks (TanStack Table's files) mean nothing in a browser-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/docs', '/health'].map((path) => [path, process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080']),
    ),
  },
});
