import type { SluiceConfig } from '@sluice/config';
import { configFromEnv } from '@sluice/config';

/**
 * The configuration of an app in a test: the run's environment (test/setup/global-setup.ts) with
 * the test's own values on top (undefined: unset). Built from an object; process.env is only read.
 */
export function testConfig(overrides: Record<string, string | undefined>): SluiceConfig {
  return configFromEnv({ ...process.env, ...overrides });
}
