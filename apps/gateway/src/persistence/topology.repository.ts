import { Injectable } from '@nestjs/common';

import { PrismaService } from '@sluice/database';

export interface Edge {
  source: string;
  target: string;
  type: string;
}

/** A customer's topology as the read API shows it (the worker writes it). */
@Injectable()
export class TopologyRepository {
  constructor(private readonly prisma: PrismaService) {}

  async graph(envcustomerid: string) {
    // One snapshot: a topology job changes nodes and edges together. An edge with an end that is
    // a tombstone is not shown (spec §2.3: a deleted entity leaves nothing behind); the row stays,
    // since it is the other end's record, and shows again if a newer record revives the entity.
    const [entities, services, relations, members, dependencies] = await this.prisma.$transaction(
      [
        this.prisma.topologyEntity.findMany({ where: { envcustomerid, deleted: false }, orderBy: { entityid: 'asc' } }),
        this.prisma.topologyService.findMany({
          where: { envcustomerid, deleted: false },
          orderBy: { serviceid: 'asc' },
        }),
        this.prisma.$queryRaw<Edge[]>`
        SELECT r.source_entityid AS source, r.target_entityid AS target, r.relationtype AS type FROM entity_relations r
         WHERE r.envcustomerid = ${envcustomerid}
           AND NOT EXISTS (SELECT 1 FROM topology_entities e WHERE e.envcustomerid = r.envcustomerid AND e.deleted
                              AND e.entityid IN (r.source_entityid, r.target_entityid))
         ORDER BY r.source_entityid, r.target_entityid, r.relationtype`,
        this.prisma.$queryRaw<Edge[]>`
        SELECT m.serviceid AS source, m.entityid AS target, 'contains' AS type FROM service_members m
         WHERE m.envcustomerid = ${envcustomerid}
           AND NOT EXISTS (SELECT 1 FROM topology_entities e WHERE e.envcustomerid = m.envcustomerid AND e.entityid = m.entityid AND e.deleted)
           AND NOT EXISTS (SELECT 1 FROM topology_services s WHERE s.envcustomerid = m.envcustomerid AND s.serviceid = m.serviceid AND s.deleted)
         ORDER BY m.serviceid, m.entityid`,
        this.prisma.$queryRaw<Edge[]>`
        SELECT d.serviceid AS source, d.depends_on AS target, 'depends_on' AS type FROM service_dependencies d
         WHERE d.envcustomerid = ${envcustomerid}
           AND NOT EXISTS (SELECT 1 FROM topology_services s WHERE s.envcustomerid = d.envcustomerid AND s.deleted
                              AND s.serviceid IN (d.serviceid, d.depends_on))
         ORDER BY d.serviceid, d.depends_on`,
      ],
      { isolationLevel: 'RepeatableRead' },
    );
    return { entities, services, edges: [...relations, ...members, ...dependencies] };
  }
}
