/** The read API's shapes (spec §6, §9, §10), as far as the console reads them. */

export type AlertState = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
export const ALERT_STATES: readonly AlertState[] = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'];

/** Spec §2.1: severities 0..5. */
export const SEVERITY_NAMES = ['clear', 'indeterminate', 'warning', 'minor', 'major', 'critical'] as const;

export interface Page<T> {
  results: T[];
  totalCount: number;
}

export interface Alert {
  id: string;
  envcustomerid: string;
  entityid: string;
  entity: string;
  parametercategory: string | null;
  parameterid: string;
  parametername?: string;
  splitby: string | null;
  severity: number;
  previousSeverity?: number | null;
  state: AlertState;
  count: number;
  firstoccurrence: string;
  lastoccurrence: string;
  resolvedAt?: string | null;
  description?: string | null;
  source?: string | null;
  ticket: { sysid: string; number: string | null } | null;
}

export interface HistoryEntry {
  at: string;
  kind: string;
  fromState: AlertState | null;
  toState: AlertState | null;
  fromSeverity: number | null;
  toSeverity: number | null;
  ieventid: string | null;
  actor: string | null;
  source: string | null;
  note: string | null;
}

export interface AlertWithHistory extends Alert {
  history: HistoryEntry[];
}

/** Spec §10: what `POST /api/v1/alerts/{id}/actions` takes. */
export type AlertAction = 'ack' | 'unack' | 'resolve' | 'reopen' | 'note';

export type AdapterStatus = 'UP' | 'DOWN' | 'DEGRADED' | 'STALE';

export interface Adapter {
  envcustomerid: string;
  adapterid: string;
  adaptername: string;
  adaptertype?: string | null;
  status: AdapterStatus;
  lastseen: string;
  interval?: number;
  message?: string | null;
}

export interface GraphNode {
  id: string;
  name: string | null;
  type: string | null;
  kind: 'entity' | 'service';
}

export interface GraphEdge {
  source: string;
  target: string;
  type: string | null;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface MetricSample {
  envcustomerid: string;
  entityid: string;
  entity?: string | null;
  parameterid: string;
  parametername?: string | null;
  value: number;
  unit?: string | null;
  timestamp: string;
}

export interface SeriesPoint {
  t: string;
  value: number | null;
}

export interface Customer {
  id: string;
  name: string;
  active: boolean;
}

/** `GET /api/v1/user/me`: who is signed in, their roles and the customers they may see. */
export interface Me {
  id: string;
  email: string;
  name: string;
  type: 'API' | 'UI';
  isSuperadmin: boolean;
  isAdmin: boolean;
  /** By id; a superadmin's are the first ME_CUSTOMERS_LIMIT of all. */
  customers: Customer[];
}

/** How many customers `GET /api/v1/user/me` lists at most (a superadmin may have more). */
export const ME_CUSTOMERS_LIMIT = 1000;

export interface FailedJob {
  queue: string;
  id: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
  receivedAt: string | null;
  records: number | null;
}

export interface Channel {
  type: string;
  enabled?: boolean;
  minSeverity?: number;
  region?: string;
  [field: string]: unknown;
}

export interface Delivery {
  id: string;
  alertId: string | null;
  change: string;
  attempt: number;
  status: string;
  responseCode: number | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Spec §8.1: what an API key may do: `publish` (§2, the ingest adapters), `read` (§6). */
export type ApiKeyScope = 'publish' | 'read';
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['publish', 'read'];

/** A row of `GET /api/v1/apikeys` (never the key itself). */
export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The answer of `POST /api/v1/apikeys`: the only one that holds the key. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}
