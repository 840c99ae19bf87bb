import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { CUSTOMER_ID_PATTERN, IsIsoDateTime } from '@sluice/contracts';

import { PageQueryDto } from '../http/page-query.dto';
import { Aggregate, AGGREGATES } from '../persistence/metric.repository';

const CUSTOMER_MESSAGE = '$property must be 1-64 characters of A-Z a-z 0-9 _ . : -';

/** A page of one customer's rows, or of every customer the user may see. */
export class CustomerPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'One customer; by default every customer of the user' })
  @IsOptional()
  @Matches(CUSTOMER_ID_PATTERN, { message: CUSTOMER_MESSAGE })
  customerid?: string;
}

export class AlertListQueryDto extends CustomerPageQueryDto {
  @ApiPropertyOptional({ enum: ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] })
  @IsOptional()
  @IsIn(['OPEN', 'ACKNOWLEDGED', 'RESOLVED'])
  state?: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  entityid?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5)
  minseverity?: number;
}

// Time bounds take what record timestamps take (the same parser, time-range.ts): ISO-8601 forms
// that the parser and PostgreSQL agree on, no zone meaning UTC.
export class TimeRangeQueryDto extends CustomerPageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  entityid?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, exclusive' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;
}

export class MetricListQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  parameterid?: string;
}

export class SeriesQueryDto {
  @ApiProperty()
  @Matches(CUSTOMER_ID_PATTERN, { message: CUSTOMER_MESSAGE })
  customerid: string;

  @ApiProperty()
  @IsString()
  @MaxLength(256)
  entityid: string;

  @ApiProperty()
  @IsString()
  @MaxLength(256)
  parameterid: string;

  @ApiPropertyOptional({ description: 'ISO-8601, inclusive; default: `to` minus 24 h' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, exclusive; default: now' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({ default: 60, description: 'Bucket width in seconds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  step = 60;

  @ApiPropertyOptional({ enum: AGGREGATES, default: 'avg' })
  @IsOptional()
  @IsIn(AGGREGATES)
  agg: Aggregate = 'avg';
}

export class GraphQueryDto {
  @ApiProperty()
  @Matches(CUSTOMER_ID_PATTERN, { message: CUSTOMER_MESSAGE })
  customerid: string;
}

export class TicketDto {
  @ApiProperty({ example: 'a1b2c3d4e5f6' })
  @IsString()
  @MaxLength(256)
  @Matches(/\S/, { message: 'sysid must not be blank' })
  sysid: string;

  @ApiPropertyOptional({ example: 'INC0010001' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  number?: string;
}
