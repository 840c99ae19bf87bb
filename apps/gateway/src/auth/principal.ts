import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is calling, as every guard and handler after authentication sees it. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  type: 'API' | 'UI';
  isSuperadmin: boolean;
  isAdmin: boolean;
  /** Ids of the customers the user is mapped to (a superadmin may use every customer). */
  customerIds: ReadonlySet<string>;
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().user,
);

export function mayUseCustomer(principal: Principal, customerId: string): boolean {
  return principal.isSuperadmin || principal.customerIds.has(customerId);
}
