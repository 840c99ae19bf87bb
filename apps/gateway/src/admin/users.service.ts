import { Injectable } from '@nestjs/common';

import { Errors } from '@sluice/common';

import { AccessCache } from '../auth/access-cache.service';
import { PasswordService } from '../auth/password.service';
import { RefreshTokenService } from '../auth/refresh-token.service';
import type { Page } from '../http/page-query.dto';
import { mapPrismaError } from '../http/prisma-errors';
import { CustomerRepository } from '../persistence/customer.repository';
import { UserRepository } from '../persistence/user.repository';
import { CreateUserDto, UpdateUserDto } from './admin.dto';
import { userView } from './admin.views';

export const USER_NOT_FOUND = 'User not found';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly customers: CustomerRepository,
    private readonly passwords: PasswordService,
    private readonly access: AccessCache,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  async create(dto: CreateUserDto) {
    const customers = await this.existingCustomers(dto.customers);
    try {
      const user = await this.users.create({
        email: dto.email.toLowerCase(),
        name: dto.name,
        passwordHash: await this.passwords.hash(dto.password),
        type: dto.type,
        isSuperadmin: dto.isSuperadmin ?? false,
        isAdmin: dto.isAdmin ?? false,
        customers,
      });
      return userView(user);
    } catch (err) {
      throw mapPrismaError(err, {
        P2002: Errors.conflict(`A user with email ${dto.email.toLowerCase()} already exists`),
      });
    }
  }

  async update(id: string, dto: UpdateUserDto) {
    if (!(await this.users.exists(id))) throw Errors.notFound(USER_NOT_FOUND);
    const customers = dto.customers && (await this.existingCustomers(dto.customers));
    // Hashed before the transaction: argon2 takes a while, and the transaction holds the user's row.
    const passwordHash = dto.password ? await this.passwords.hash(dto.password) : undefined;
    const changes = { name: dto.name, type: dto.type, isAdmin: dto.isAdmin, disabled: dto.disabled, passwordHash };
    const user = await this.users.update(id, changes, customers);
    // A new password or a disabled account ends every session the user had.
    if (dto.password || dto.disabled)
      await this.refreshTokens.revokeUser(id, dto.password ? 'password changed' : 'disabled');
    await this.access.forgetUser(id);
    return userView(user);
  }

  async list(page: Page) {
    const { results, totalCount } = await this.users.list(page);
    return { results: results.map(userView), totalCount };
  }

  /** The distinct ids, or a 400 naming the ones that are no customer. */
  private async existingCustomers(ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const known = await this.customers.existing(unique);
    const unknown = unique.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw Errors.invalidPayload([{ field: 'customers', error: `unknown customer ids: ${unknown.join(', ')}` }]);
    }
    return unique;
  }
}
