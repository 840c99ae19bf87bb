export * from './metrics-endpoint';
export * from './telemetry.module';
export * from './within';
