import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';

import { callItsm } from './itsm-http';
import { Notifier, secretsOf } from './notifier-config.service';

interface CachedToken {
  /** The notifier settings and secrets the token was fetched with: a token never outlives them. */
  config: string;
  headers: Record<string, string>;
  expiresAt: number;
  refreshToken?: string;
}
type FetchedToken = Omit<CachedToken, 'config'>;

const EARLY_REFRESH_MS = 30_000;
const JWT_TOKEN_LIFETIME_MS = 10 * 60_000;
/** minSeverity aside, any change of the notifier (URLs, credentials, grant) makes its tokens stale. */
const configOf = (n: Notifier) =>
  createHash('sha256')
    .update(JSON.stringify([{ ...n.settings, minSeverity: undefined }, n.secrets]))
    .digest('hex');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A value at a dotted path of a JSON answer (`rest_access.access_key`). */
function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/**
 * The Authorization (or other) headers of resource calls for each notifier auth type of seed 000
 * and §4.1. OAuth2 and JWT tokens are cached per integration until shortly before they expire;
 * `invalidate` drops one after a 401 so the next call fetches a new one.
 */
@Injectable()
export class NotifierAuth {
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests under way: jobs of one integration running at once share one request. */
  private readonly fetching = new Map<string, Promise<FetchedToken>>();

  async headers(n: Notifier, allowPrivate: boolean): Promise<Record<string, string>> {
    const { settings, secrets } = n;
    if (settings.authType === 'NONE') return {};
    if (settings.authType === 'BASIC') return { authorization: basic(settings.userName!, secrets.password!) };
    const config = configOf(n);
    const stored = this.tokens.get(n.integrationId);
    // A token (or refresh token) of an earlier configuration may belong to another ITSM: dropped.
    const cached = stored?.config === config ? stored : undefined;
    if (cached && cached.expiresAt > Date.now()) return cached.headers;
    const key = `${n.integrationId}:${config}`;
    let fetching = this.fetching.get(key);
    if (!fetching) {
      fetching = (
        settings.authType === 'OAUTH2' ? this.oauth2(n, allowPrivate, cached?.refreshToken) : this.jwt(n, allowPrivate)
      )
        .then((fresh) => {
          this.tokens.set(n.integrationId, { ...fresh, config });
          return fresh;
        })
        .finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetching);
    }
    return (await fetching).headers;
  }

  invalidate(integrationId: string): void {
    const cached = this.tokens.get(integrationId);
    if (cached) this.tokens.set(integrationId, { ...cached, expiresAt: 0 });
  }

  /** Seed 003: POST accessTokenURL, Basic apiKey:apiSecret, a form body with the grant. */
  private async oauth2(n: Notifier, allowPrivate: boolean, knownRefreshToken?: string): Promise<FetchedToken> {
    const { settings, secrets } = n;
    const form = new URLSearchParams();
    const refreshToken = knownRefreshToken ?? secrets.refreshToken;
    if (settings.grantType === 'CLIENT_CREDENTIALS') {
      form.set('grant_type', 'client_credentials');
    } else if (settings.grantType === 'REFRESH_TOKEN' && refreshToken) {
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', refreshToken);
    } else {
      // PASSWORD, and REFRESH_TOKEN before Sluice holds a refresh token: log in with the user.
      form.set('grant_type', 'password');
      form.set('username', settings.userName ?? '');
      form.set('password', secrets.password ?? '');
    }
    let answer: unknown;
    try {
      answer = await callItsm(
        settings.accessTokenURL!,
        {
          method: 'POST',
          headers: {
            authorization: basic(settings.apiKey!, secrets.apiSecret!),
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: form.toString(),
        },
        allowPrivate,
        secretsOf(n).with([refreshToken]),
      );
    } catch (err) {
      // A refresh token that stopped working: start again from the user's credentials.
      if (form.get('grant_type') === 'refresh_token' && settings.userName && secrets.password)
        return this.oauth2({ ...n, secrets: { ...secrets, refreshToken: undefined } }, allowPrivate, undefined);
      throw err;
    }
    const token = at(answer, 'access_token');
    if (typeof token !== 'string' || !token)
      throw new UnrecoverableError(`token endpoint ${settings.accessTokenURL} answered without access_token`);
    const expiresIn = Number(at(answer, 'expires_in'));
    const newRefresh = at(answer, 'refresh_token');
    return {
      headers: { authorization: `Bearer ${token}` },
      expiresAt:
        Date.now() +
        (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 - EARLY_REFRESH_MS : JWT_TOKEN_LIFETIME_MS),
      refreshToken: typeof newRefresh === 'string' ? newRefresh : refreshToken,
    };
  }

  /**
   * Seed 000's JWT: POST tokenURL with tokenHeaders and tokenPayload; each tokensPath entry names
   * a token found at a dotted path of the answer; resourceAuthHeaders carry them as `$name`.
   */
  private async jwt(n: Notifier, allowPrivate: boolean): Promise<FetchedToken> {
    const { settings, secrets } = n;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    for (const h of secrets.tokenHeaders ?? []) headers[h.key.toLowerCase()] = h.value;
    const payload = secrets.tokenPayload;
    const answer = await callItsm(
      settings.tokenURL!,
      {
        method: 'POST',
        headers,
        body: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
      },
      allowPrivate,
      secretsOf(n),
    );
    const found: Record<string, string> = {};
    for (const p of settings.tokensPath ?? []) {
      const value = at(answer, p.value);
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new UnrecoverableError(
          `token answer of ${settings.tokenURL} has nothing at ${p.value} (tokensPath ${p.key})`,
        );
      }
      found[p.key] = String(value);
    }
    const resource: Record<string, string> = {};
    for (const h of secrets.resourceAuthHeaders ?? []) {
      resource[h.key.toLowerCase()] = h.value.replace(
        /\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (whole: string, name: string) => found[name] ?? whole,
      );
    }
    return { headers: resource, expiresAt: Date.now() + JWT_TOKEN_LIFETIME_MS };
  }
}
