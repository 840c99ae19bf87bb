import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

@ValidatorConstraint({ name: 'isTicketState' })
class IsTicketState implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.trim().length > 0 && value.length <= 256)
    );
  }

  defaultMessage(): string {
    return 'state must be the ITSM state, a number or a non-empty string';
  }
}

/** Spec §3: what an ITSM tool sends when a ticket changes. */
export class TicketUpdateDto {
  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string' }], example: 6, description: "The ITSM's state value" })
  @Validate(IsTicketState)
  state: number | string;

  @ApiProperty({ example: '9d385017c611228701d22104cc95c371' })
  @IsString()
  @MaxLength(256)
  @Matches(/\S/, { message: 'sysid must not be blank' })
  sysid: string;

  @ApiPropertyOptional({ example: 'INC0010001' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  number?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  comments?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  resolvedby?: string;
}
