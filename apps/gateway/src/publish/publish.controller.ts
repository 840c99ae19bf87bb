import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Messages } from '@sluice/common';

/** Spec §2: the unauthenticated health check. The POST routes are in publish.routes.ts. */
@ApiTags('publish')
@Controller('publish')
export class PublishController {
  @Get('healthcheck')
  @ApiOperation({ summary: 'Is the publish API up? No authentication.' })
  @ApiOkResponse({ description: `{"message": "${Messages.apiRunning}"}` })
  healthcheck() {
    return { message: Messages.apiRunning };
  }
}
