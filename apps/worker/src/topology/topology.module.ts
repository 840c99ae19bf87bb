import { Module } from '@nestjs/common';

import { EntityWriter } from './entity.writer';
import { ServiceWriter } from './service.writer';
import { EntityTopologyProcessor, ServiceTopologyProcessor } from './topology.processors';

/** Spec §2.3 and §2.4: entity and service topology, newest record per key. */
@Module({ providers: [EntityWriter, ServiceWriter, EntityTopologyProcessor, ServiceTopologyProcessor] })
export class TopologyModule {}
