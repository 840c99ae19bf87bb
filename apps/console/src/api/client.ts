/**
 * The console's one way to call the gateway. The tokens stay in the HttpOnly cookies that the token
 * API sets (spec §1); the page never sees them. A 401 is answered by one refresh (shared by every
 * request that meets it at the same time, and across tabs through a Web Lock, because presenting
 * a refresh token twice ends the session) and the request is sent again; if the refresh fails
 * too, the session has ended and the console asks the user to sign in again.
 */

export interface Profile {
  email: string;
  name: string;
  isSuperadmin: boolean;
}

/** An answer other than 2xx, with the API's own message (`message`, or the token API's `detail`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The fields a 400 names (`errors: [{field, error}]`), if any. */
  get fieldErrors(): { field?: string; error?: string; index?: number }[] {
    const errors = (this.body as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? (errors as { field?: string; error?: string; index?: number }[]) : [];
  }
}

/** The session has ended (no refresh possible): the user must sign in again. */
export class SessionExpiredError extends ApiError {
  constructor() {
    super(401, 'Your session has expired — sign in again', null);
    this.name = 'SessionExpiredError';
  }
}

/** The gateway could not be reached at all. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Cannot reach the gateway — check the connection and try again', { cause });
    this.name = 'NetworkError';
  }
}

type Listener = () => void;
const expiryListeners = new Set<Listener>();
const profileListeners = new Set<(profile: Profile) => void>();

/** Called when a refresh fails: the session is over. */
export function onSessionExpired(listener: Listener): () => void {
  expiryListeners.add(listener);
  return () => expiryListeners.delete(listener);
}

/** Called with the user of each new token pair (sign-in and refresh answer who it is). */
export function onProfile(listener: (profile: Profile) => void): () => void {
  profileListeners.add(listener);
  return () => profileListeners.delete(listener);
}

interface TokenAnswer {
  data?: { email?: string; name?: string; is_superadmin?: boolean };
}

function profileOf(body: unknown): Profile | undefined {
  const data = (body as TokenAnswer | null)?.data;
  if (!data || typeof data.email !== 'string') return undefined;
  return { email: data.email, name: data.name ?? data.email, isSuperadmin: data.is_superadmin === true };
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function messageOf(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const { message, detail, reason } = body as { message?: unknown; detail?: unknown; reason?: unknown };
    for (const text of [message, detail, reason]) if (typeof text === 'string' && text) return text;
  }
  if (typeof body === 'string' && body.length > 0 && body.length < 200) return body;
  return `The gateway answered ${status}`;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin' });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError(err);
  }
}

let refreshing: Promise<boolean> | undefined;

/** One refresh at a time in this tab, and one at a time across tabs where Web Locks exist. */
function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const attempt = async () => {
      const res = await send('/api/v1/user/token/refresh', { method: 'POST', headers: { accept: 'application/json' } });
      const body = await bodyOf(res);
      const profile = res.ok ? profileOf(body) : undefined;
      if (profile) for (const listener of profileListeners) listener(profile);
      return res.ok;
    };
    return navigator.locks ? navigator.locks.request('sluice-console-refresh', attempt) : attempt();
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls the API; resolves with the parsed JSON of a 2xx, rejects with an ApiError otherwise. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  };
  let res = await send(path, init);
  if (res.status === 401) {
    if (!(await refreshSession())) throw expired();
    res = await send(path, init);
    if (res.status === 401) throw expired();
  }
  const body = await bodyOf(res);
  if (!res.ok) throw new ApiError(res.status, messageOf(res.status, body), body);
  return body as T;
}

function expired(): SessionExpiredError {
  for (const listener of expiryListeners) listener();
  return new SessionExpiredError();
}

/** `Basic` credentials of UTF-8 text (btoa alone takes Latin-1 only). */
function basic(email: string, password: string): string {
  const bytes = new TextEncoder().encode(`${email}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Spec §1: HTTP Basic for a token pair, set as cookies by the gateway; the body names the user. */
export async function signIn(email: string, password: string): Promise<Profile> {
  const res = await send('/api/v1/user/token', {
    method: 'POST',
    headers: { accept: 'application/json', authorization: basic(email, password) },
  });
  const body = await bodyOf(res);
  if (!res.ok) throw new ApiError(res.status, messageOf(res.status, body), body);
  const profile = profileOf(body);
  if (!profile) throw new ApiError(res.status, 'The gateway did not say who signed in', body);
  return profile;
}

/** Spec §1: ends the session (its refresh token family) and clears both cookies. */
export async function signOut(): Promise<void> {
  await send('/api/v1/user/logout', { method: 'POST', headers: { accept: 'application/json' } });
}

/** A query string of the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
