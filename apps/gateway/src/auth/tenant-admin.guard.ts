import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';

import { CustomerRepository } from '../persistence/customer.repository';
import { assertApiUser, mayUseCustomer, Principal } from './principal';

/**
 * Spec §4 and §9: integrations of a tenant are for superadmins and that tenant's admins (API users
 * with isAdmin mapped to it). Others get 403 whether or not the tenant exists; a superadmin asking
 * for a tenant that does not exist gets 404. The path names the tenant `tenantId` (§4) or
 * `customerId` (§9).
 */
@Injectable()
export class TenantAdminGuard implements CanActivate {
  constructor(private readonly customers: CustomerRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context
      .switchToHttp()
      .getRequest<{ user: Principal; params: { tenantId?: string; customerId?: string } }>();
    const { user, params } = req;
    const tenantId = params.tenantId ?? params.customerId ?? '';
    // Spec §5: UI users (superadmins among them) get 403 on §2–§4 (and §9, "as in §4").
    assertApiUser(user);
    if (!user.isSuperadmin && !(user.isAdmin && mayUseCustomer(user, tenantId))) throw Errors.accessDenied();
    if (!(await this.customers.exists(tenantId))) throw Errors.notFound('Tenant not found');
    return true;
  }
}
