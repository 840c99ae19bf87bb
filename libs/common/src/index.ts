// Three separate parts that never import each other: the contract's error vocabulary (errors/),
// structured logging (logging/, which reads @sluice/config) and crypto helpers (crypto/).
export * from './crypto';
export * from './errors';
export * from './logging';
