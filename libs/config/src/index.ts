export * from './defaults';
export * from './environment';
export * from './password-hashing';
export * from './sluice-config';
export * from './config.module';
