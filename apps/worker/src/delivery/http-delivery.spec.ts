import { UnrecoverableError } from 'bullmq';

import { deliveryBackoff } from './delivery-backoff';
import { classifyStatus, failureOf, parseRetryAfter, PermanentCallError, RetryableCallError } from './http-delivery';

describe('delivery engine: classification', () => {
  it('2xx delivered; 429 and 5xx retryable; any other status (3xx, 4xx) permanent', () => {
    expect([200, 201, 202, 204].map(classifyStatus)).toEqual(['success', 'success', 'success', 'success']);
    expect([429, 500, 502, 503, 504].map(classifyStatus)).toEqual(Array(5).fill('retryable'));
    expect([301, 400, 401, 403, 404, 410, 422].map(classifyStatus)).toEqual(Array(7).fill('permanent'));
  });

  it('reads Retry-After as seconds or as an HTTP date, never negative', () => {
    const now = Date.parse('2026-12-07T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Mon, 07 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('a retryable outcome throws a RetryableCallError, a permanent one an UnrecoverableError (BullMQ: no retry)', () => {
    const retry = failureOf({ kind: 'retryable', status: 429, retryAfterMs: 5000, error: 'POST x answered 429' });
    expect(retry).toBeInstanceOf(RetryableCallError);
    expect(retry).not.toBeInstanceOf(UnrecoverableError);
    expect(retry).toMatchObject({ message: 'POST x answered 429', retryAfterMs: 5000, status: 429 });
    const final = failureOf({ kind: 'permanent', status: 400, error: 'POST x answered 400', detail: '{"e":1}' });
    expect(final).toBeInstanceOf(PermanentCallError);
    expect(final).toBeInstanceOf(UnrecoverableError);
    expect(final).toMatchObject({ message: 'POST x answered 400: {"e":1}', status: 400 });
  });

  it('backs off exponentially from the base, or as long as the receiver asked', () => {
    expect([1, 2, 3, 4].map((n) => deliveryBackoff(n, 100))).toEqual([100, 200, 400, 800]);
    expect(deliveryBackoff(3, 100, new RetryableCallError('429', 7000))).toBe(7000);
    expect(deliveryBackoff(3, 100, new RetryableCallError('503'))).toBe(400);
    expect(deliveryBackoff(2, 100, new Error('other'))).toBe(200);
  });
});
