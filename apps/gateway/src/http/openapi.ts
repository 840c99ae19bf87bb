import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { EntityRecord, EventRecord, HeartbeatRecord, MetricRecord, ServiceRecord } from '@sluice/contracts';
import { addPublishRoutes } from '../publish/publish.docs';

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
    .build();
  const document = addPublishRoutes(
    SwaggerModule.createDocument(app, config, { extraModels: [EventRecord, MetricRecord, EntityRecord, ServiceRecord, HeartbeatRecord] }),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
