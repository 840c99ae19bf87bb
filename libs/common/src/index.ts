// Four separate parts that never import each other: the contract's error vocabulary (errors/),
// structured logging (logging/, which reads @sluice/config), crypto helpers (crypto/) and the
// Prometheus endpoint (telemetry/, which reads @sluice/config).
export * from './crypto';
export * from './errors';
export * from './logging';
export * from './telemetry';
