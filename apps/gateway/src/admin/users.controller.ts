import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Errors } from '@sluice/common';

import { Authenticated } from '../auth/authenticated.decorator';
import { PageQueryDto } from '../http/page-query.dto';
import { CreateUserDto, UpdateUserDto } from './admin.dto';
import { USER_NOT_FOUND, UsersService } from './users.service';

const userId = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound(USER_NOT_FOUND) });

@ApiTags('admin')
@Authenticated({ role: 'superadmin' })
@Controller('api/v1/admin/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user; 409 if the email exists. The answer never carries a password.' })
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a user; a new password or disabling ends its sessions' })
  update(@Param('id', userId) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(id, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List users' })
  list(@Query() page: PageQueryDto) {
    return this.users.list(page);
  }
}
