import { Errors, MAX_LISTED_ERRORS } from './contract-error';

const list = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, field: 'f', error: 'bad' }));

describe('Errors.invalidPayload', () => {
  it('lists up to MAX_LISTED_ERRORS errors as they are', () => {
    expect(Errors.invalidPayload(list(MAX_LISTED_ERRORS)).body).toEqual({
      message: 'Invalid payload',
      errors: list(MAX_LISTED_ERRORS),
    });
  });

  it('past it, lists the first ones with the count and a note', () => {
    const { body } = Errors.invalidPayload(list(250));
    expect(body).toEqual({
      message: 'Invalid payload',
      errors: list(100),
      errorCount: 250,
      note: 'only the first 100 of 250 errors are listed',
    });
  });

  it('takes the count from a collector that kept only the first ones', () => {
    const { body } = Errors.invalidPayload(list(100), 100_000);
    expect(body.errorCount).toBe(100_000);
    expect(body.errors).toHaveLength(100);
    expect(body.note).toBe('only the first 100 of 100000 errors are listed');
  });
});
