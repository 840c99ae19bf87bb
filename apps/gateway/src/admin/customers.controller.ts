import { randomUUID } from 'node:crypto';

import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Errors } from '@sluice/common';

import { AccessCache } from '../auth/access-cache.service';
import { Authenticated } from '../auth/authenticated.decorator';
import { PageQueryDto } from '../http/page-query.dto';
import { mapPrismaError } from '../http/prisma-errors';
import { CustomerRepository } from '../persistence/customer.repository';
import { CreateCustomerDto, UpdateCustomerDto } from './admin.dto';
import { customerView } from './admin.views';

@ApiTags('admin')
@Authenticated({ role: 'superadmin' })
@Controller('api/v1/admin/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly access: AccessCache,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer (tenant); 409 if the id exists' })
  async create(@Body() dto: CreateCustomerDto) {
    const id = dto.id ?? `cust-${randomUUID()}`;
    try {
      const customer = await this.customers.create({
        id,
        name: dto.name,
        active: dto.active ?? true,
        organizationId: dto.organizationId,
      });
      await this.access.forgetCustomer(id);
      return customerView(customer);
    } catch (err) {
      throw mapPrismaError(err, {
        P2002: Errors.conflict(`Customer ${id} already exists`),
        P2003: Errors.invalidPayload([{ field: 'organizationId', error: 'organizationId names no organization' }]),
      });
    }
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename, activate or deactivate a customer' })
  async update(@Param('id') id: string, @Body() dto: UpdateCustomerDto) {
    try {
      const customer = await this.customers.update(id, { name: dto.name, active: dto.active });
      await this.access.forgetCustomer(id);
      return customerView(customer);
    } catch (err) {
      throw mapPrismaError(err, { P2025: Errors.notFound('Customer not found') });
    }
  }

  @Get()
  @ApiOperation({ summary: 'List customers' })
  async list(@Query() page: PageQueryDto) {
    const { results, totalCount } = await this.customers.list(page);
    return { results: results.map(customerView), totalCount };
  }
}
