import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, Principal } from '../auth/principal';
import { TopologyRepository } from '../persistence/topology.repository';
import { oneCustomer } from './customer-scope';
import { GraphQueryDto } from './query.dto';

@ApiTags('read')
@Authenticated({ scope: 'read' })
@Controller('api/v1/topology')
export class TopologyController {
  constructor(private readonly topology: TopologyRepository) {}

  @Get('graph')
  @ApiOperation({
    summary: "A customer's topology: entities and services as nodes; relations, members and dependencies as edges",
  })
  async graph(@CurrentUser() user: Principal, @Query() q: GraphQueryDto) {
    const { entities, services, edges } = await this.topology.graph(oneCustomer(user, q.customerid));
    return {
      nodes: [
        ...entities.map((e) => ({
          id: e.entityid,
          name: e.name,
          type: e.type,
          kind: 'entity' as const,
          attributes: e.attributes,
        })),
        ...services.map((s) => ({
          id: s.serviceid,
          name: s.name,
          type: s.type,
          kind: 'service' as const,
          attributes: s.attributes,
        })),
      ],
      edges,
    };
  }
}
