import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

import type { AlertAction } from '@sluice/contracts';
import { ALERT_ACTIONS, MAX_ACTION_NOTE_LENGTH } from '@sluice/contracts';

export class AlertActionDto {
  @ApiProperty({ enum: ALERT_ACTIONS, example: 'ack' })
  @IsIn(ALERT_ACTIONS, { message: `action must be one of ${ALERT_ACTIONS.join(', ')}` })
  action: AlertAction;

  @ApiPropertyOptional({
    description: 'Required for `note`; kept in the history row of any other action',
    example: 'Disk replaced, watching it',
  })
  @ValidateIf((o: AlertActionDto) => o.action === 'note' || o.note !== undefined)
  @IsString({ message: 'note must be text (and is required for the note action)' })
  @Matches(/\S/, { message: 'note must not be blank' })
  @MaxLength(MAX_ACTION_NOTE_LENGTH)
  note?: string;
}
