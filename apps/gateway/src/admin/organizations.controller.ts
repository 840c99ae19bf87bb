import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@sluice/database';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { SuperadminGuard } from '../auth/role.guards';
import { CreateOrganizationDto } from './admin.dto';
import { PageQueryDto } from '../http/page-query.dto';

@ApiTags('admin')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard, SuperadminGuard)
@Controller('api/v1/admin/organizations')
export class OrganizationsController {
  constructor(private readonly prisma: PrismaService) {}

  @Post()
  @ApiOperation({ summary: 'Create an organization' })
  async create(@Body() dto: CreateOrganizationDto) {
    const org = await this.prisma.organization.create({ data: { name: dto.name } });
    return { id: org.id, name: org.name };
  }

  @Get()
  @ApiOperation({ summary: 'List organizations' })
  async list(@Query() page: PageQueryDto) {
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.organization.findMany({
        orderBy: { createdAt: 'asc' },
        skip: (page.pageNum - 1) * page.itemsPerPage,
        take: page.itemsPerPage,
      }),
      this.prisma.organization.count(),
    ], { isolationLevel: 'RepeatableRead' });
    return { results: rows.map((o) => ({ id: o.id, name: o.name })), totalCount };
  }
}
