import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ContractError, Errors } from '@sluice/common';
import { PrismaService } from '@sluice/database';
import type { Principal } from '../auth/principal';

/**
 * Spec §4: integrations of a tenant are for superadmins and that tenant's admins (API users with
 * isAdmin mapped to it). Others get 403 whether or not the tenant exists; a superadmin asking for
 * a tenant that does not exist gets 404.
 */
@Injectable()
export class TenantAdminGuard implements CanActivate {
  constructor(private readonly prisma: PrismaService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<{ user: Principal; params: { tenantId: string } }>();
    const { user, params } = req;
    // Spec §5: UI users (superadmins among them) get 403 on §2–§4.
    const allowed = user.type === 'API' && (user.isSuperadmin || (user.isAdmin && user.customerIds.has(params.tenantId)));
    if (!allowed) throw Errors.accessDenied();
    const tenant = await this.prisma.customer.findUnique({ where: { id: params.tenantId }, select: { id: true } });
    if (!tenant) throw new ContractError(404, { message: 'Tenant not found' });
    return true;
  }
}
