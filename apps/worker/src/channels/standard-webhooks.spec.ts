import { Webhook } from 'standardwebhooks';

import { signWebhook, webhookKey } from './standard-webhooks';

/** Sluice's signatures checked by the scheme's published verifier (npm `standardwebhooks`), not by Sluice. */
describe('Standard Webhooks signing', () => {
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const body = '{"test": 2432232314}';

  it('a whsec_ secret: its base64 part is the key, verified by the standardwebhooks package', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook(secret, id, timestamp, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ test: 2432232314 });
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook('whsec_' + Buffer.from('another key').toString('base64')).verify(body, headers)).toThrow();
  });

  it('any other secret is its UTF-8 bytes: a raw key for the verifier', () => {
    const secret = 'mon secret partagé';
    expect(webhookKey(secret)).toEqual(Buffer.from(secret, 'utf8'));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secret, id, timestamp, body),
    };
    expect(new Webhook(new Uint8Array(Buffer.from(secret, 'utf8')), { format: 'raw' }).verify(body, headers)).toEqual({
      test: 2432232314,
    });
  });
});
