import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { validateEnvironment } from './environment';
import { buildConfig, SluiceConfig } from './sluice-config';

/** Injection token of the typed configuration. */
export const SLUICE_CONFIG = Symbol('SLUICE_CONFIG');

/** Reads and validates the environment once, at start-up; a bad value stops the process. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      load: [() => ({ sluice: buildConfig(validateEnvironment(process.env)) })],
    }),
  ],
  providers: [
    {
      provide: SLUICE_CONFIG,
      inject: [ConfigService],
      useFactory: (config: ConfigService): SluiceConfig => config.getOrThrow<SluiceConfig>('sluice'),
    },
  ],
  exports: [SLUICE_CONFIG],
})
export class SluiceConfigModule {}
