export * from './secret-box';
export * from './sha256';
