import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContractError, Errors } from '@sluice/common';
import { PrismaService } from '@sluice/database';
import { AccessCache } from '../auth/access-cache';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { SuperadminGuard } from '../auth/role.guards';
import { CreateCustomerDto, UpdateCustomerDto } from './admin.dto';
import { PageQueryDto } from '../http/page-query.dto';
import { customerView } from './admin.views';
import { prismaCode } from '../http/prisma-errors';

@ApiTags('admin')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard, SuperadminGuard)
@Controller('api/v1/admin/customers')
export class CustomersController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessCache,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer (tenant); 409 if the id exists' })
  async create(@Body() dto: CreateCustomerDto) {
    const id = dto.id ?? `cust-${randomUUID()}`;
    try {
      const customer = await this.prisma.customer.create({
        data: { id, name: dto.name, active: dto.active ?? true, organizationId: dto.organizationId },
      });
      this.access.forgetCustomer(id);
      return customerView(customer);
    } catch (err) {
      if (prismaCode(err) === 'P2002') throw Errors.conflict(`Customer ${id} already exists`);
      if (prismaCode(err) === 'P2003') {
        throw Errors.invalidPayload([{ field: 'organizationId', error: 'organizationId names no organization' }]);
      }
      throw err;
    }
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename, activate or deactivate a customer' })
  async update(@Param('id') id: string, @Body() dto: UpdateCustomerDto) {
    try {
      const customer = await this.prisma.customer.update({ where: { id }, data: { name: dto.name, active: dto.active } });
      this.access.forgetCustomer(id);
      return customerView(customer);
    } catch (err) {
      if (prismaCode(err) === 'P2025') throw new ContractError(404, { message: 'Customer not found' });
      throw err;
    }
  }

  @Get()
  @ApiOperation({ summary: 'List customers' })
  async list(@Query() page: PageQueryDto) {
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.customer.findMany({
        orderBy: { id: 'asc' },
        skip: (page.pageNum - 1) * page.itemsPerPage,
        take: page.itemsPerPage,
      }),
      this.prisma.customer.count(),
    ], { isolationLevel: 'RepeatableRead' });
    return { results: rows.map(customerView), totalCount };
  }
}
