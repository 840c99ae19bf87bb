import type { OpenAPIObject } from '@nestjs/swagger';
import { getSchemaPath } from '@nestjs/swagger';

import { Messages } from '@sluice/common';
import type { PublishRoute } from '@sluice/queue';
import { PUBLISH_TOPICS } from '@sluice/queue';

type PathItem = OpenAPIObject['paths'][string];

const answer = (description: string) => ({ description });

/** Each publish route's one-line summary. */
const SUMMARIES: Record<PublishRoute, string> = {
  allevents: 'Publish events',
  metrics: 'Publish metric samples',
  entity: 'Publish entity topology',
  service: 'Publish service topology',
  healthcheck: 'Publish connector heartbeats',
};

/**
 * OpenAPI for the publish routes (publish.routes.ts): plain Fastify routes, which Nest's scanner
 * does not see, so their description is written here; the record schemas still come from the
 * record classes' decorators (`extraModels` in openapi.ts).
 */
function publishOperation(route: PublishRoute): PathItem {
  const ref = { $ref: getSchemaPath(PUBLISH_TOPICS[route].record) };
  return {
    post: {
      tags: ['publish'],
      operationId: `publish_${route}`,
      summary: SUMMARIES[route],
      description:
        'One record (JSON object) or a batch (JSON array of 1 to 1000). gzip, deflate and br bodies are accepted.',
      security: [{ access_token: [] }, { bearer: [] }, { apiKey: [] }],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { oneOf: [ref, { type: 'array', items: ref, minItems: 1, maxItems: 1000 }] } },
        },
      },
      responses: {
        200: answer(
          `{"message": "${Messages.published}", "count": n, "requestId": "..."}: every record is durably queued`,
        ),
        400: answer(
          `"${Messages.invalidPayload}" with errors [{index, field, error}], or "${Messages.inactiveCustomer}"`,
        ),
        401: answer(
          `"${Messages.missingAccessToken}", "${Messages.invalidAccessToken}" or "${Messages.notAssociated}"`,
        ),
        403: answer(`"${Messages.accessDenied}": a UI user`),
        413: answer(`"${Messages.payloadTooLarge}"`),
        429: answer(`"${Messages.tooManyRequests}", with Retry-After`),
        503: answer(`"${Messages.unavailable}", with Retry-After: the queue cannot take data now`),
      },
    },
  };
}

/** Adds the POST operations of the five publish routes to a generated document. */
export function addPublishRoutes(document: OpenAPIObject): OpenAPIObject {
  for (const route of Object.keys(PUBLISH_TOPICS) as PublishRoute[]) {
    const path = `/publish/${route}`;
    document.paths[path] = { ...document.paths[path], ...publishOperation(route) };
  }
  return document;
}
