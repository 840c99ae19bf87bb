export * from './config.module';
export * from './defaults';
export * from './dev-secrets';
export * from './environment';
export * from './password-hashing';
export * from './sluice-config';
