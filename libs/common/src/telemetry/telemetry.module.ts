import { DynamicModule, Module } from '@nestjs/common';

import { MetricsApp, MetricsEndpoint } from './metrics-endpoint';

/** Spec §10: the process's `/metrics` endpoint (its figures are defined where they are counted). */
@Module({})
export class TelemetryModule {
  static forApp(app: MetricsApp): DynamicModule {
    return {
      module: TelemetryModule,
      providers: [{ provide: 'METRICS_APP', useValue: app }, MetricsEndpoint],
    };
  }
}
