export * from './redactor';
export * from './secret-box';
export * from './sha256';
