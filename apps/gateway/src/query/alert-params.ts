import { ParseUUIDPipe } from '@nestjs/common';

import { Errors } from '@sluice/common';

export const ALERT_NOT_FOUND = 'Alert not found';

/** An alert's id in a path: anything that is not a UUID names no alert (404, as an unknown one). */
export const alertIdPipe = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound(ALERT_NOT_FOUND) });
