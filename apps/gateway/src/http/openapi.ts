import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';

/** Adds what Nest's scanner cannot see (plain Fastify routes) to the generated document. */
export type OpenApiFragment = (document: OpenAPIObject) => OpenAPIObject;

/** The fragments route modules contribute; read once, when the document is built. */
@Injectable()
export class OpenApiRegistry {
  private readonly fragments: OpenApiFragment[] = [];

  add(fragment: OpenApiFragment): void {
    this.fragments.push(fragment);
  }

  apply(document: OpenAPIObject): OpenAPIObject {
    return this.fragments.reduce((doc, fragment) => fragment(doc), document);
  }
}

@Module({ providers: [OpenApiRegistry], exports: [OpenApiRegistry] })
export class OpenApiModule {}

/** OpenAPI at /docs (UI) and /docs-json, with the three ways to authenticate. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Sluice')
    .setDescription(
      'Event-ingestion gateway: connectors publish events, metrics, topology and heartbeats; ' +
        'ITSM tools close the loop. Error bodies always carry a `message`.',
    )
    .setVersion('0.1.0')
    .addBasicAuth()
    .addBearerAuth()
    .addCookieAuth('access_token', { type: 'apiKey', in: 'cookie', name: 'access_token' }, 'access_token')
    .addCookieAuth('refresh_token', { type: 'apiKey', in: 'cookie', name: 'refresh_token' }, 'refresh_token')
    // Spec §8.1: an API key as X-API-Key (also accepted as Bearer, and as the Basic password).
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .build();
  const extraModels = [EventRecord, MetricRecord, EntityRecord, ServiceRecord, HeartbeatRecord];
  const generated = SwaggerModule.createDocument(app, config, { extraModels });
  const document = app.get(OpenApiRegistry, { strict: false }).apply(generated);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
