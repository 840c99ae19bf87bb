import type { PipeTransform } from '@nestjs/common';
import { Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';
import type { ChannelTypeName } from '@sluice/contracts';
import { CHANNEL_TYPES } from '@sluice/contracts';

const KNOWN: ReadonlySet<string> = new Set(CHANNEL_TYPES);

/**
 * The path's INTEGRATION-TYPE. An unknown one is a 400 naming the accepted values (not a 404:
 * GET's 404 means "none of this type configured", and a typo should not read as that).
 */
@Injectable()
export class ChannelTypePipe implements PipeTransform<string, ChannelTypeName> {
  transform(value: string): ChannelTypeName {
    if (KNOWN.has(value)) return value as ChannelTypeName;
    throw Errors.invalidPayload([
      { field: 'integrationType', error: `integrationType must be one of ${CHANNEL_TYPES.join(', ')}` },
    ]);
  }
}
