import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Mock receivers for the notification channels (spec §9, research/formats.md §A): one real HTTP
 * server per service on 127.0.0.1 (port 0, node:http), each checking what the real service
 * checks — path, method, the credential where that service takes it, the required body fields —
 * and answering as it does:
 *
 * - PagerDuty Events v2 `POST /v2/enqueue`: `routing_key`, `event_action`, `payload.summary/
 *   source/severity` on a trigger; 202 `{status: "success", dedup_key}`; keeps each dedup key's state;
 * - Slack `POST /api/chat.postMessage`: `Authorization: Bearer`, `channel`, `text` or `blocks`, a
 *   known `thread_ts`; 200 `{ok: true, channel, ts}` or 200 `{ok: false, error}`;
 * - Datadog `POST /api/v1/events`: `DD-API-KEY`, `title`, `text`; 202 `{status: "ok", event}`;
 * - New Relic `POST /v1/accounts/{id}/events`: `X-Insert-Key` or `Api-Key`, an array of events with
 *   `eventType`; 200 `{success: true, uuid}`;
 * - Opsgenie `POST /v2/alerts`, `POST /v2/alerts/{id}/acknowledge|close?identifierType=alias`:
 *   `Authorization: GenieKey`, `message` ≤ 130; 202 `{result, took, requestId}`; keeps each alias's state;
 * - VictorOps `POST /integrations/generic/20131114/alert/{apiKey}/{routingKey}`: the key in the
 *   path, `message_type`; 200 `{result: "success", entity_id}`; keeps each entity's state;
 * - a webhook receiver (any path): records the request, answers 204 (the test verifies signatures).
 *
 * Each records every request with what it answered, and fails on demand: the next N requests
 * answer a given status (with Retry-After, a body), or answer only after a delay.
 */

export type ChannelService = 'PAGER_DUTY' | 'SLACK' | 'DATADOG' | 'NEW_RELIC' | 'OPS_GENIE' | 'VICTOR_OPS' | 'WEBHOOK';

export interface ChannelCall {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  status: number;
  response: unknown;
}

export interface InjectedFailure {
  /** Answered instead of the normal answer; absent with `delayMs`: the normal answer, late. */
  status?: number;
  retryAfter?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Milliseconds before answering (a slow receiver). */
  delayMs?: number;
}

/** The credentials a mock accepts (what the integration's configuration must carry). */
export interface ChannelCredentials {
  pagerDutyRoutingKey: string;
  slackToken: string;
  datadogApiKey: string;
  newRelicAccountId: string;
  newRelicInsertKey: string;
  opsGenieKey: string;
  victorOpsApiKey: string;
  victorOpsRoutingKey: string;
}

/** Fresh credentials for every mock (random, so that a test can look for them in logs and answers). */
export function channelCredentials(): ChannelCredentials {
  const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
  return {
    pagerDutyRoutingKey: secret('pdkey'),
    slackToken: `xoxb-${secret('slack')}`,
    datadogApiKey: secret('ddkey'),
    newRelicAccountId: '4455667',
    newRelicInsertKey: secret('nrinsert'),
    opsGenieKey: secret('ogkey'),
    victorOpsApiKey: secret('vokey'),
    victorOpsRoutingKey: secret('vorouting'),
  };
}

/** The secret values of `creds` (the account id is not one). */
export const credentialSecrets = (creds: ChannelCredentials): string[] =>
  Object.entries(creds)
    .filter(([k]) => k !== 'newRelicAccountId')
    .map(([, v]) => v);

export interface MockChannel {
  service: ChannelService;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request, oldest first (a copy). */
  readonly calls: ChannelCall[];
  /** State of each incident by its key (PagerDuty dedup_key, Opsgenie alias, VictorOps entity_id). */
  readonly incidents: Map<string, string>;
  /** Slack: the messages posted, with their ts and thread. */
  readonly messages: { channel: string; ts: string; thread_ts?: string; text: string }[];
  failNext(n: number, failure: InjectedFailure): void;
  close(): Promise<void>;
}

type Answer = [number, unknown];
type Handler = (call: {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}) => Answer;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const json = (headers: IncomingHttpHeaders) => /^application\/json/i.test(headers['content-type'] ?? '');

function pagerDuty(creds: ChannelCredentials, incidents: Map<string, string>): Handler {
  const invalid = (error: string): Answer => [
    400,
    { status: 'invalid event', message: 'Event object is invalid', errors: [error] },
  ];
  return ({ method, path, headers, body }) => {
    if (method !== 'POST' || path !== '/v2/enqueue') return [404, { status: 'not found' }];
    if (!json(headers) || !isObject(body))
      return [
        400,
        { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] },
      ];
    if (body.routing_key !== creds.pagerDutyRoutingKey) return invalid("'routing_key' is invalid");
    const action = body.event_action;
    if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve')
      return invalid("'event_action' is invalid");
    const dedupKey = typeof body.dedup_key === 'string' ? body.dedup_key : randomUUID();
    if (dedupKey.length > 255) return invalid("'dedup_key' is too long");
    if (action === 'trigger') {
      const p = body.payload;
      if (!isObject(p)) return invalid("'payload' is missing");
      if (typeof p.summary !== 'string' || !p.summary || p.summary.length > 1024)
        return invalid("'payload.summary' is missing or too long");
      if (typeof p.source !== 'string' || !p.source) return invalid("'payload.source' is missing");
      if (!['critical', 'error', 'warning', 'info'].includes(p.severity as string))
        return invalid("'payload.severity' is invalid");
      incidents.set(dedupKey, 'triggered');
    } else if (incidents.has(dedupKey)) {
      // Unknown keys are dropped by PagerDuty, but still answered 202.
      incidents.set(dedupKey, action === 'acknowledge' ? 'acknowledged' : 'resolved');
    }
    return [202, { status: 'success', message: 'Event processed', dedup_key: dedupKey }];
  };
}

function slack(creds: ChannelCredentials, messages: MockChannel['messages']): Handler {
  let tsCounter = 0;
  const channelId = (name: string) =>
    /^C[A-Z0-9]+$/.test(name) ? name : `C${Buffer.from(name).toString('hex').slice(0, 10).toUpperCase()}`;
  return ({ method, path, headers, body }) => {
    if (path !== '/api/chat.postMessage') return [404, 'unknown_method'];
    if (method !== 'POST') return [200, { ok: false, error: 'invalid_request' }];
    const auth = headers.authorization;
    if (!auth) return [200, { ok: false, error: 'not_authed' }];
    if (auth !== `Bearer ${creds.slackToken}`) return [200, { ok: false, error: 'invalid_auth' }];
    if (!json(headers) || !isObject(body)) return [200, { ok: false, error: 'invalid_json' }];
    if (typeof body.channel !== 'string' || !body.channel) return [200, { ok: false, error: 'channel_not_found' }];
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return [200, { ok: false, error: 'no_text' }];
    const channel = channelId(body.channel);
    const thread = body.thread_ts;
    if (thread !== undefined && !messages.some((m) => m.ts === thread && m.channel === channel))
      return [200, { ok: false, error: 'thread_not_found' }];
    const ts = `${1765000000 + ++tsCounter}.000${100 + tsCounter}`;
    messages.push({
      channel,
      ts,
      ...(typeof thread === 'string' && { thread_ts: thread }),
      text: typeof body.text === 'string' ? body.text : '',
    });
    return [
      200,
      {
        ok: true,
        channel,
        ts,
        message: { type: 'message', text: body.text, ts, ...(thread ? { thread_ts: thread } : {}) },
      },
    ];
  };
}

function datadog(creds: ChannelCredentials): Handler {
  let id = 1000;
  return ({ method, path, headers, body }) => {
    if (method !== 'POST' || path !== '/api/v1/events') return [404, { errors: ['Not found'] }];
    if (headers['dd-api-key'] !== creds.datadogApiKey) return [403, { errors: ['Forbidden'] }];
    if (!isObject(body)) return [400, { errors: ['Invalid JSON'] }];
    if (typeof body.title !== 'string' || !body.title) return [400, { errors: ["Event 'title' is required"] }];
    if (typeof body.text !== 'string') return [400, { errors: ["Event 'text' is required"] }];
    return [
      202,
      { status: 'ok', event: { id: ++id, title: body.title, text: body.text, date_happened: body.date_happened } },
    ];
  };
}

function newRelic(creds: ChannelCredentials): Handler {
  return ({ method, path, headers, body }) => {
    const m = /^\/v1\/accounts\/([^/]+)\/events$/.exec(path);
    if (method !== 'POST' || !m) return [404, { success: false, error: 'Not found' }];
    const key = headers['x-insert-key'] ?? headers['api-key'];
    if (decodeURIComponent(m[1]) !== creds.newRelicAccountId || key !== creds.newRelicInsertKey)
      return [403, { success: false, error: 'Invalid license key or account' }];
    if (!Array.isArray(body) || body.length === 0)
      return [400, { success: false, error: 'Body must be an array of events' }];
    if (!body.every((e) => isObject(e) && typeof e.eventType === 'string' && /^[A-Za-z0-9_:]+$/.test(e.eventType)))
      return [400, { success: false, error: 'Every event needs an eventType' }];
    return [200, { success: true, uuid: randomUUID() }];
  };
}

function opsGenie(creds: ChannelCredentials, incidents: Map<string, string>): Handler {
  const accepted = (): Answer => [202, { result: 'Request will be processed', took: 0.01, requestId: randomUUID() }];
  return ({ method, path, query, headers, body }) => {
    if (headers.authorization !== `GenieKey ${creds.opsGenieKey}`)
      return [401, { message: 'Could not authenticate', took: 0, requestId: randomUUID() }];
    if (method === 'POST' && path === '/v2/alerts') {
      if (!isObject(body) || typeof body.message !== 'string' || !body.message)
        return [422, { message: 'Request body is not valid', errors: { message: 'Message can not be empty.' } }];
      if (body.message.length > 130)
        return [422, { message: 'Request body is not valid', errors: { message: 'Message is longer than 130' } }];
      if (typeof body.alias === 'string' && body.alias.length > 512)
        return [422, { message: 'Request body is not valid', errors: { alias: 'too long' } }];
      if (body.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(body.priority as string))
        return [422, { message: 'Request body is not valid', errors: { priority: 'invalid' } }];
      if (typeof body.alias === 'string') incidents.set(body.alias, 'open');
      return accepted();
    }
    const m = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(path);
    if (method === 'POST' && m) {
      // Without identifierType=alias Opsgenie reads the identifier as its own alert id.
      if (query.identifierType !== 'alias')
        return [404, { message: 'Alert does not exist', took: 0, requestId: randomUUID() }];
      const alias = decodeURIComponent(m[1]);
      if (incidents.has(alias)) incidents.set(alias, m[2] === 'acknowledge' ? 'acknowledged' : 'closed');
      return accepted();
    }
    return [404, { message: 'Not found' }];
  };
}

function victorOps(creds: ChannelCredentials, incidents: Map<string, string>): Handler {
  return ({ method, path, body }) => {
    const m = /^\/integrations\/generic\/20131114\/alert\/([^/]+)\/([^/]+)$/.exec(path);
    if (method !== 'POST' || !m) return [404, { result: 'failure', message: 'Not found' }];
    if (decodeURIComponent(m[1]) !== creds.victorOpsApiKey)
      return [403, { result: 'failure', message: 'Invalid API key' }];
    if (decodeURIComponent(m[2]) !== creds.victorOpsRoutingKey)
      return [200, { result: 'failure', message: 'Unknown routing key' }];
    if (!isObject(body)) return [400, { result: 'failure', message: 'Invalid JSON' }];
    const type = body.message_type;
    if (!['CRITICAL', 'WARNING', 'ACKNOWLEDGEMENT', 'INFO', 'RECOVERY'].includes(type as string))
      return [400, { result: 'failure', message: 'message_type is missing or invalid' }];
    const entity = typeof body.entity_id === 'string' ? body.entity_id : randomUUID();
    if (type === 'CRITICAL' || type === 'WARNING') incidents.set(entity, 'triggered');
    else if (type === 'ACKNOWLEDGEMENT' && incidents.has(entity)) incidents.set(entity, 'acknowledged');
    else if (type === 'RECOVERY' && incidents.has(entity)) incidents.set(entity, 'resolved');
    return [200, { result: 'success', entity_id: entity }];
  };
}

const webhook =
  (): Handler =>
  ({ method }) =>
    method === 'POST' ? [204, undefined] : [405, { error: 'POST only' }];

export async function startMockChannel(service: ChannelService, creds: ChannelCredentials): Promise<MockChannel> {
  const calls: ChannelCall[] = [];
  const incidents = new Map<string, string>();
  const messages: MockChannel['messages'] = [];
  const failures: InjectedFailure[] = [];
  const handler: Handler = {
    PAGER_DUTY: () => pagerDuty(creds, incidents),
    SLACK: () => slack(creds, messages),
    DATADOG: () => datadog(creds),
    NEW_RELIC: () => newRelic(creds),
    OPS_GENIE: () => opsGenie(creds, incidents),
    VICTOR_OPS: () => victorOps(creds, incidents),
    WEBHOOK: webhook,
  }[service]();
  let seq = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const method = (req.method ?? 'GET').toUpperCase();
        const query = Object.fromEntries(url.searchParams);
        let body: unknown;
        try {
          body = rawBody ? JSON.parse(rawBody) : undefined;
        } catch {
          body = rawBody;
        }
        const failure = failures.shift();
        if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
        let status: number;
        let response: unknown;
        const headers: Record<string, string> = { 'content-type': 'application/json', ...failure?.headers };
        if (failure?.status !== undefined) {
          status = failure.status;
          response = failure.body ?? { error: `injected failure ${failure.status}` };
          if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
        } else {
          [status, response] = handler({ method, path: url.pathname, query, headers: req.headers, body });
        }
        calls.push({
          seq: ++seq,
          at: Date.now(),
          method,
          path: url.pathname,
          query,
          headers: req.headers,
          rawBody,
          body,
          status,
          response,
        });
        if (res.destroyed) return;
        res.writeHead(status, response === undefined ? {} : headers);
        res.end(
          response === undefined ? undefined : typeof response === 'string' ? response : JSON.stringify(response),
        );
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    service,
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return [...calls];
    },
    incidents,
    messages,
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One mock per service, all accepting `creds`. */
export async function startMockChannels(creds: ChannelCredentials): Promise<Record<ChannelService, MockChannel>> {
  const services: ChannelService[] = [
    'PAGER_DUTY',
    'SLACK',
    'DATADOG',
    'NEW_RELIC',
    'OPS_GENIE',
    'VICTOR_OPS',
    'WEBHOOK',
  ];
  const started = await Promise.all(services.map((s) => startMockChannel(s, creds)));
  return Object.fromEntries(started.map((m) => [m.service, m])) as Record<ChannelService, MockChannel>;
}
