import type { OpenAPIObject } from '@nestjs/swagger';

import { Messages } from '@sluice/common';

import type { IngestFormatName } from './formats';
import { INGEST_FORMATS } from './formats';

type PathItem = OpenAPIObject['paths'][string];

const FORMATS: Record<IngestFormatName, { summary: string; body: string; success: [number, string] }> = {
  alertmanager: {
    summary: 'Prometheus Alertmanager webhook (version 4): one event per alert',
    body: '`{"version": "4", "groupKey", "status", "receiver", "alerts": [{"status", "labels", "annotations", "startsAt", "endsAt", "fingerprint", "generatorURL"}], ...}`',
    success: [200, `{"message": "${Messages.published}", "count", "requestId"}`],
  },
  collectd: {
    summary: 'collectd write_http (Format "JSON"): one metric sample per value',
    body: '`[{"values", "dstypes", "dsnames", "time", "interval", "host", "plugin", "plugin_instance", "type", "type_instance"}]`',
    success: [200, `{"message": "${Messages.published}", "count", "requestId"}`],
  },
  pagerduty: {
    summary: 'PagerDuty Events API v2: trigger, acknowledge, resolve by dedup_key',
    body: '`{"routing_key", "event_action": "trigger" | "acknowledge" | "resolve", "dedup_key"?, "payload": {"summary", "source", "severity", ...}}`; `routing_key` may be the API key',
    success: [
      202,
      '`{"status": "success", "message": "Event processed", "dedup_key"}` (dedup_key generated when absent)',
    ],
  },
  servicenow: {
    summary: 'ServiceNow Event Management records: one event per record',
    body: '`{"records": [{"source", "node", "type", "resource", "metric_name", "severity": "0".."5", "message_key"?, "description"?, "time_of_event"?, "additional_info"?}]}`',
    success: [200, `{"message": "${Messages.published}", "count", "requestId"}`],
  },
};

/** OpenAPI of the ingest routes (ingest.routes.ts: plain Fastify routes, unseen by Nest's scanner). */
function ingestOperation(format: IngestFormatName): PathItem {
  const { summary, body, success } = FORMATS[format];
  return {
    post: {
      tags: ['ingest'],
      operationId: `ingest_${format}`,
      summary,
      description: `Spec §8.2: the tool's own body, unmodified: ${body}. Mapped to Sluice's records (README, "Ingest adapters"), then checked and queued exactly as the publish routes; a 2xx means queued.`,
      security: [{ apiKey: [] }, { bearer: [] }, { basic: [] }],
      parameters: [{ name: 'customerId', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: format === 'collectd' ? 'array' : 'object' } } },
      },
      responses: {
        [success[0]]: { description: success[1] },
        400: {
          description: `"${Messages.invalidPayload}" with errors [{index?, field, error}], or "${Messages.inactiveCustomer}"`,
        },
        401: {
          description: `"${Messages.missingAccessToken}" (with \`WWW-Authenticate: Basic realm="sluice"\`), "${Messages.invalidAccessToken}" or "${Messages.notAssociated}"`,
        },
        403: { description: `"${Messages.accessDenied}": a key without the publish scope, or a UI user` },
        413: { description: `"${Messages.payloadTooLarge}"` },
        503: { description: 'Throttled or the queue cannot take data now, with Retry-After (never 429 here)' },
      },
    },
  };
}

export function addIngestRoutes(document: OpenAPIObject): OpenAPIObject {
  for (const format of INGEST_FORMATS) {
    const path = `/ingest/${format}/{customerId}`;
    document.paths[path] = { ...document.paths[path], ...ingestOperation(format) };
  }
  return document;
}
