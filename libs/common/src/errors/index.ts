export * from './contract-error';
