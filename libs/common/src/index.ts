export * from './errors/contract-error';
export * from './errors/contract-exception.filter';
export * from './logging/redaction';
export * from './logging/logger.module';
export * from './crypto/secret-box';
