import type { ContractError } from '@sluice/common';

import type { ChannelConfig } from './channel-merge';
import { mergeChannel } from './channel-merge';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e5f2a';
const stored = (over: Partial<ChannelConfig> = {}): ChannelConfig => ({
  settings: {},
  secrets: { serviceKey: KEY },
  region: 'EU',
  minSeverity: 2,
  enabled: false,
  ...over,
});

/** The field errors of the 400 that `run` throws. */
function errorsOf(run: () => unknown): { field: string; error: string }[] {
  try {
    run();
  } catch (err) {
    const e = err as ContractError;
    expect(e.getStatus()).toBe(400);
    return e.body.errors as { field: string; error: string }[];
  }
  throw new Error('no 400');
}

describe('mergeChannel', () => {
  it('a new integration takes the defaults: region US, minSeverity 4, enabled', () => {
    expect(mergeChannel('PAGER_DUTY', undefined, { type: 'PAGER_DUTY', serviceKey: KEY })).toEqual({
      config: { settings: {}, secrets: { serviceKey: KEY }, region: 'US', minSeverity: 4, enabled: true },
      secretsChanged: true,
    });
  });

  it('names every required field that is missing, and region where the type needs it', () => {
    expect(errorsOf(() => mergeChannel('NEW_RELIC', undefined, { type: 'NEW_RELIC', accountId: '1' }))).toEqual([
      { field: 'licenseKey', error: 'licenseKey is required for NEW_RELIC' },
      { field: 'writeToken', error: 'writeToken is required for NEW_RELIC' },
      { field: 'readToken', error: 'readToken is required for NEW_RELIC' },
    ]);
    expect(errorsOf(() => mergeChannel('DATADOG', undefined, { type: 'DATADOG', apiKey: KEY }))).toEqual([
      { field: 'region', error: 'region is required for DATADOG: US or EU' },
    ]);
  });

  it('an update keeps what it does not carry, the secrets unchanged (nothing to seal again)', () => {
    const { config, secretsChanged } = mergeChannel('PAGER_DUTY', stored(), { type: 'PAGER_DUTY', minSeverity: 5 });
    expect(config).toEqual({ ...stored(), minSeverity: 5 });
    expect(secretsChanged).toBe(false);
  });

  it('a secret sent back as its redaction is unchanged; another redaction is refused', () => {
    expect(mergeChannel('PAGER_DUTY', stored(), { type: 'PAGER_DUTY', serviceKey: '****5f2a' })).toEqual({
      config: stored(),
      secretsChanged: false,
    });
    expect(
      errorsOf(() => mergeChannel('PAGER_DUTY', stored(), { type: 'PAGER_DUTY', serviceKey: '****0000' })),
    ).toEqual([expect.objectContaining({ field: 'serviceKey' })]);
    // Without a stored secret, a redaction is never taken for one.
    expect(
      errorsOf(() => mergeChannel('PAGER_DUTY', undefined, { type: 'PAGER_DUTY', serviceKey: '****5f2a' })),
    ).toEqual([expect.objectContaining({ field: 'serviceKey', error: expect.stringContaining('redacted') })]);
  });

  it('a new secret replaces the stored one', () => {
    const { config, secretsChanged } = mergeChannel('PAGER_DUTY', stored(), { type: 'PAGER_DUTY', serviceKey: 'new' });
    expect(config.secrets).toEqual({ serviceKey: 'new' });
    expect(secretsChanged).toBe(true);
  });

  it('null or "" clears an optional field; the same value is no change', () => {
    const vo = stored({ secrets: { apiKey: KEY, routingKey: 'database-team' } });
    const cleared = mergeChannel('VICTOR_OPS', vo, { type: 'VICTOR_OPS', routingKey: null });
    expect(cleared).toEqual({ config: { ...vo, secrets: { apiKey: KEY } }, secretsChanged: true });
    expect(mergeChannel('VICTOR_OPS', vo, { type: 'VICTOR_OPS', routingKey: 'database-team' }).secretsChanged).toBe(
      false,
    );
    const slack = stored({ secrets: { apiToken: KEY }, settings: { teamName: 't', channelName: '#ops' } });
    expect(mergeChannel('SLACK', slack, { type: 'SLACK', channelName: '' }).config.settings).toEqual({ teamName: 't' });
  });
});
