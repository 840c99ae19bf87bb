import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Authenticated } from '../auth/authenticated.decorator';
import { PageQueryDto } from '../http/page-query.dto';
import { OrganizationRepository } from '../persistence/organization.repository';
import { CreateOrganizationDto } from './admin.dto';

@ApiTags('admin')
@Authenticated({ role: 'superadmin' })
@Controller('api/v1/admin/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationRepository) {}

  @Post()
  @ApiOperation({ summary: 'Create an organization' })
  async create(@Body() dto: CreateOrganizationDto) {
    const org = await this.organizations.create(dto.name);
    return { id: org.id, name: org.name };
  }

  @Get()
  @ApiOperation({ summary: 'List organizations' })
  async list(@Query() page: PageQueryDto) {
    const { results, totalCount } = await this.organizations.list(page);
    return { results: results.map((o) => ({ id: o.id, name: o.name })), totalCount };
  }
}
