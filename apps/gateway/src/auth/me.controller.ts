import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CustomerRepository } from '../persistence/customer.repository';
import { Authenticated } from './authenticated.decorator';
import { CurrentUser, Principal } from './principal';

/** A superadmin sees every customer: the answer lists the first this many (the admin API pages them all). */
export const ME_CUSTOMERS_LIMIT = 1000;

/**
 * Who the caller is and which customers they may see: what a client (the console) needs to offer
 * the right customers and the right pages. Any user with a session (the access token); an API
 * key with `read` sees its user.
 */
@ApiTags('tokens')
@Controller('api/v1/user')
export class MeController {
  constructor(private readonly customers: CustomerRepository) {}

  @Get('me')
  @Authenticated({ scope: 'read' })
  @ApiOperation({ summary: 'The calling user: name, type, roles and the customers they may see' })
  @ApiOkResponse({
    description:
      '{id, email, name, type, isSuperadmin, isAdmin, customers: [{id, name, active}]}; a superadmin gets the first 1,000 customers',
  })
  async me(@CurrentUser() user: Principal) {
    const customers = await this.customers.visible(
      user.isSuperadmin ? 'all' : [...user.customerIds],
      ME_CUSTOMERS_LIMIT,
    );
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      type: user.type,
      isSuperadmin: user.isSuperadmin,
      isAdmin: user.isAdmin,
      customers,
    };
  }
}
