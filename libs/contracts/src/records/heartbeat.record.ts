import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

import { IsCustomerId, IsIsoDateTime, IsNumberMap, IsText, LIMITS } from '../validation/decorators';

export const ADAPTER_STATUSES = ['UP', 'DOWN', 'DEGRADED'] as const;
export type AdapterStatus = (typeof ADAPTER_STATUSES)[number];

/** Spec §2.5: a heartbeat of a connector/adapter. */
export class HeartbeatRecord {
  @ApiProperty({ example: 'acme' })
  @IsCustomerId()
  envcustomerid: string;

  @ApiProperty({ example: 'nifi-flow-1' })
  @IsText(LIMITS.id)
  adapterid: string;

  @ApiProperty({ example: 'NiFi events flow' })
  @IsText(LIMITS.name)
  adaptername: string;

  @ApiPropertyOptional({ example: 'nifi' })
  @IsOptional()
  @IsText(LIMITS.id)
  adaptertype?: string;

  @ApiProperty({ enum: ADAPTER_STATUSES })
  @IsIn(ADAPTER_STATUSES, { message: '$property must be one of UP, DOWN, DEGRADED' })
  status: AdapterStatus;

  @ApiProperty({ example: '2024-05-01T12:00:00Z' })
  @IsIsoDateTime()
  timestamp: string;

  @ApiPropertyOptional({ example: 300, description: 'Seconds between heartbeats (default 300)' })
  @IsOptional()
  @IsInt({ message: '$property must be a whole number of seconds' })
  @Min(1)
  @Max(86_400)
  interval?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsText(LIMITS.text)
  message?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { processed: 120, failed: 2 },
  })
  @IsOptional()
  @IsNumberMap()
  stats?: Record<string, number>;
}
