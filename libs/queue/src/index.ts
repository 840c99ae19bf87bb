export * from './queue-names';
export * from './job-payloads';
export * from './job-options';
export * from './publish-topics';
export * from './redis-connection';
export * from './worker-options';
