/**
 * A record class as class-validator keys its metadata: the constructor the decorators were applied
 * to, abstract or not. It is only looked up by identity, never called, hence `never[]` arguments.
 */
export type RecordClass = abstract new (...args: never[]) => object;
