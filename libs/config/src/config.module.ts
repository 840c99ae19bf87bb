import { Global, Module } from '@nestjs/common';

import { configFromEnv } from './sluice-config';

/** Injection token of the typed configuration. */
export const SLUICE_CONFIG = Symbol('SLUICE_CONFIG');

/**
 * Reads and validates `process.env` once, at start-up; a bad value stops the process. Tests give
 * an app a configuration of their own by overriding SLUICE_CONFIG (test/helpers/gateway.ts).
 */
@Global()
@Module({
  providers: [{ provide: SLUICE_CONFIG, useFactory: () => configFromEnv(process.env) }],
  exports: [SLUICE_CONFIG],
})
export class SluiceConfigModule {}
