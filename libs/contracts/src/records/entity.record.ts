import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

import { IsCustomerId, IsIsoDateTime, IsPlainObject, IsRelationList, IsText, LIMITS } from '../validation/decorators';
import { IndexKeys, textPart } from '../validation/key-size';

export class EntityRelation {
  @ApiProperty({ example: 'host-1' })
  targetentityid: string;

  @ApiProperty({ example: 'runs_on', description: 'runs_on, depends_on, connected_to, contains or another string' })
  relationtype: string;
}

/** Spec §2.3: an entity of the topology and its outgoing relations; the newest record wins. */
@IndexKeys<EntityRecord>({
  label: 'envcustomerid, entityid, targetentityid and relationtype of a relation',
  keys: (r) =>
    (r.relations ?? []).map((rel, i) => [
      textPart('envcustomerid', r.envcustomerid),
      textPart('entityid', r.entityid),
      textPart(`relations.${i}.targetentityid`, rel.targetentityid),
      textPart(`relations.${i}.relationtype`, rel.relationtype),
    ]),
})
export class EntityRecord {
  @ApiProperty({ example: 'acme' })
  @IsCustomerId()
  envcustomerid: string;

  @ApiProperty({ example: 'app-7' })
  @IsText(LIMITS.id)
  entityid: string;

  @ApiProperty({ example: 'billing-api' })
  @IsText(LIMITS.name)
  entity: string;

  @ApiProperty({ example: 'application' })
  @IsText(LIMITS.id)
  entitytype: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsPlainObject()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [EntityRelation], description: "Replace the entity's outgoing relations" })
  @IsOptional()
  @IsRelationList()
  relations?: EntityRelation[];

  @ApiProperty({ example: '2024-05-01T12:00:00Z' })
  @IsIsoDateTime()
  timestamp: string;

  @ApiPropertyOptional({ description: 'true removes the entity and its relations' })
  @IsOptional()
  @IsBoolean()
  deleted?: boolean;
}
