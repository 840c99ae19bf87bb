import 'reflect-metadata';

import { setFlagsFromString } from 'node:v8';

import { answerClusterPrimary } from '@sluice/common';
import type { SluiceConfig } from '@sluice/config';
import { SLUICE_CONFIG } from '@sluice/config';
import { exitOnStartFailure } from '@sluice/database';

import { runAsClusterPrimary } from './cluster';
import { createGateway } from './gateway.app';

// V8 lets the old generation grow to about four times the live heap before a full collection;
// the gateway's live heap is small (~50 MB) and its garbage short-lived, so a growth factor of
// 1.5 keeps the RSS down at no measurable cost in throughput (see BENCHMARKS.md).
setFlagsFromString('--heap-growing-percent=50');
// Prisma's query compiler is WebAssembly; V8's optimising tier for it keeps ~40 MB of compiled
// code that the gateway, which runs few and mostly cached queries, has no use for. The baseline
// compiler alone keeps the RSS down at no measurable cost (see BENCHMARKS.md).
setFlagsFromString('--liftoff-only');

async function main(): Promise<void> {
  if (runAsClusterPrimary()) return;
  answerClusterPrimary();
  const app = await createGateway();
  const config = app.get<SluiceConfig>(SLUICE_CONFIG);
  await app.listen({ port: config.port, host: config.host });
}

// PostgreSQL unreachable at start: one line naming it, exit 1 (a supervisor restarts the gateway).
main().catch(exitOnStartFailure('gateway'));
