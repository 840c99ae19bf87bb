import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { SuperadminGuard } from '../auth/role.guards';
import { CreateUserDto, UpdateUserDto } from './admin.dto';
import { PageQueryDto } from '../http/page-query.dto';
import { UsersService } from './users.service';
import { ContractError } from '@sluice/common';

const userId = new ParseUUIDPipe({ exceptionFactory: () => new ContractError(404, { message: 'User not found' }) });

@ApiTags('admin')
@ApiCookieAuth('access_token')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard, SuperadminGuard)
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
    return this.users.list(page.pageNum, page.itemsPerPage);
  }
}
