import 'reflect-metadata';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { runAsClusterPrimary } from './cluster';
import { createGateway } from './gateway.app';

async function main(): Promise<void> {
  if (runAsClusterPrimary()) return;
  const app = await createGateway();
  const config = app.get<SluiceConfig>(SLUICE_CONFIG);
  await app.listen({ port: config.port, host: config.host });
}

void main();
