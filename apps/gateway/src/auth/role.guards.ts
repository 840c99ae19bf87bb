import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';

import { assertApiUser, Principal } from './principal';

const principalOf = (context: ExecutionContext): Principal =>
  context.switchToHttp().getRequest<{ user: Principal }>().user;

/** Spec §5: only `API` users may call §2–§4; a UI (organization) user gets 403. */
@Injectable()
export class ApiUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    assertApiUser(principalOf(context));
    return true;
  }
}

/** Spec §5: admin routes are for superadmins only. */
@Injectable()
export class SuperadminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!principalOf(context).isSuperadmin) throw Errors.accessDenied();
    return true;
  }
}
