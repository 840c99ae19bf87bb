import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Authenticated } from '../auth/authenticated.decorator';
import { PageQueryDto } from '../http/page-query.dto';
import { InstallIntegrationDto, UpdateIntegrationDto } from './integration.dto';
import { IntegrationsService } from './integrations.service';

@ApiTags('integrations')
@Authenticated({ role: 'tenantAdmin' })
@Controller('api/v2/tenants/:tenantId/integrations/installed')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @ApiOperation({ summary: 'Install an integration; a WEBHOOK inbound answer carries its token, shown this once' })
  install(@Param('tenantId') tenantId: string, @Body() dto: InstallIntegrationDto) {
    return this.integrations.install(tenantId, dto);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's installed integrations (secrets never shown)" })
  list(@Param('tenantId') tenantId: string, @Query() page: PageQueryDto) {
    return this.integrations.list(tenantId, page);
  }

  @Get(':installedIntgId')
  @ApiOperation({ summary: 'One installed integration (secrets never shown)' })
  get(@Param('tenantId') tenantId: string, @Param('installedIntgId') id: string) {
    return this.integrations.get(tenantId, id);
  }

  @Post(':installedIntgId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update: changes the fields the request carries and keeps the others' })
  update(@Param('tenantId') tenantId: string, @Param('installedIntgId') id: string, @Body() dto: UpdateIntegrationDto) {
    return this.integrations.update(tenantId, id, dto);
  }

  @Put(':installedIntgId')
  @ApiOperation({ summary: 'Same as POST on the integration' })
  replace(
    @Param('tenantId') tenantId: string,
    @Param('installedIntgId') id: string,
    @Body() dto: UpdateIntegrationDto,
  ) {
    return this.integrations.update(tenantId, id, dto);
  }

  @Delete(':installedIntgId')
  @ApiOperation({ summary: 'Uninstall' })
  async remove(@Param('tenantId') tenantId: string, @Param('installedIntgId') id: string) {
    await this.integrations.remove(tenantId, id);
    return { message: 'Integration deleted' };
  }

  @Post(':installedIntgId/token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Regenerate the WEBHOOK token; the old one stops working; the new one is shown this once' })
  regenerate(@Param('tenantId') tenantId: string, @Param('installedIntgId') id: string) {
    return this.integrations.regenerateToken(tenantId, id);
  }
}
