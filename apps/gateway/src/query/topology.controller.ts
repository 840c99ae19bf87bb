import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@sluice/database';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentUser, Principal } from '../auth/principal';
import { customerScope } from './customer-scope';
import { GraphQueryDto } from './query.dto';

@ApiTags('read')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('api/v1/topology')
export class TopologyController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('graph')
  @ApiOperation({ summary: "A customer's topology: entities and services as nodes; relations, members and dependencies as edges" })
  async graph(@CurrentUser() user: Principal, @Query() q: GraphQueryDto) {
    customerScope(user, q.customerid);
    const envcustomerid = q.customerid;
    // One snapshot: a topology job changes nodes and edges together.
    const [entities, services, relations, members, dependencies] = await this.prisma.$transaction([
      this.prisma.topologyEntity.findMany({ where: { envcustomerid, deleted: false }, orderBy: { entityid: 'asc' } }),
      this.prisma.topologyService.findMany({ where: { envcustomerid, deleted: false }, orderBy: { serviceid: 'asc' } }),
      this.prisma.entityRelation.findMany({ where: { envcustomerid }, orderBy: [{ sourceEntityid: 'asc' }, { targetEntityid: 'asc' }, { relationtype: 'asc' }] }),
      this.prisma.serviceMember.findMany({ where: { envcustomerid }, orderBy: [{ serviceid: 'asc' }, { entityid: 'asc' }] }),
      this.prisma.serviceDependency.findMany({ where: { envcustomerid }, orderBy: [{ serviceid: 'asc' }, { dependsOn: 'asc' }] }),
    ], { isolationLevel: 'RepeatableRead' });
    return {
      nodes: [
        ...entities.map((e) => ({ id: e.entityid, name: e.name, type: e.type, kind: 'entity' as const, attributes: e.attributes })),
        ...services.map((s) => ({ id: s.serviceid, name: s.name, type: s.type, kind: 'service' as const, attributes: s.attributes })),
      ],
      edges: [
        ...relations.map((r) => ({ source: r.sourceEntityid, target: r.targetEntityid, type: r.relationtype })),
        ...members.map((m) => ({ source: m.serviceid, target: m.entityid, type: 'contains' })),
        ...dependencies.map((d) => ({ source: d.serviceid, target: d.dependsOn, type: 'depends_on' })),
      ],
    };
  }
}
