import { Injectable } from '@nestjs/common';
import { ContractError, Errors } from '@sluice/common';
import { PrismaService } from '@sluice/database';
import { AccessCache } from '../auth/access-cache';
import { PasswordService } from '../auth/password.service';
import { RefreshTokenService } from '../auth/refresh-token.service';
import { CreateUserDto, UpdateUserDto } from './admin.dto';
import { userView } from './admin.views';
import { prismaCode } from '../http/prisma-errors';

const withCustomers = { customers: { select: { customerId: true } } } as const;

@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
    private readonly access: AccessCache,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  async create(dto: CreateUserDto) {
    const customers = await this.existingCustomers(dto.customers);
    try {
      const user = await this.prisma.user.create({
        data: {
          email: dto.email.toLowerCase(),
          name: dto.name,
          passwordHash: await this.passwords.hash(dto.password),
          type: dto.type,
          isSuperadmin: dto.isSuperadmin ?? false,
          isAdmin: dto.isAdmin ?? false,
          customers: { create: customers.map((customerId) => ({ customerId })) },
        },
        include: withCustomers,
      });
      return userView(user);
    } catch (err) {
      if (prismaCode(err) === 'P2002') throw Errors.conflict(`A user with email ${dto.email.toLowerCase()} already exists`);
      throw err;
    }
  }

  async update(id: string, dto: UpdateUserDto) {
    const existing = await this.prisma.user.findUnique({ where: { id }, select: { id: true } });
    if (!existing) throw new ContractError(404, { message: 'User not found' });
    const customers = dto.customers && (await this.existingCustomers(dto.customers));
    // Hashed before the transaction: argon2 takes a while, and the transaction holds the user's row.
    const passwordHash = dto.password ? await this.passwords.hash(dto.password) : undefined;
    const user = await this.prisma.$transaction(async (tx) => {
      if (customers) {
        // Concurrent replacements of one user's mapping take turns on the user's row, so that
        // each sees the one before it committed: the last writer wins, none trips on the
        // other's rows (without it, both delete the old rows and both insert: a unique violation).
        await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${id}::uuid FOR UPDATE`;
        await tx.userCustomer.deleteMany({ where: { userId: id, customerId: { notIn: customers } } });
        await tx.userCustomer.createMany({ data: customers.map((customerId) => ({ userId: id, customerId })), skipDuplicates: true });
      }
      return tx.user.update({
        where: { id },
        data: { name: dto.name, type: dto.type, isAdmin: dto.isAdmin, disabled: dto.disabled, passwordHash },
        include: withCustomers,
      });
    });
    // A new password or a disabled account ends every session the user had.
    if (dto.password || dto.disabled) await this.refreshTokens.revokeUser(id, dto.password ? 'password changed' : 'disabled');
    this.access.forgetUser(id);
    return userView(user);
  }

  async list(pageNum: number, itemsPerPage: number) {
    const [rows, totalCount] = await this.prisma.$transaction([
      this.prisma.user.findMany({
        orderBy: { email: 'asc' },
        skip: (pageNum - 1) * itemsPerPage,
        take: itemsPerPage,
        include: withCustomers,
      }),
      this.prisma.user.count(),
    ], { isolationLevel: 'RepeatableRead' });
    return { results: rows.map(userView), totalCount };
  }

  /** The distinct ids, or a 400 naming the ones that are no customer. */
  private async existingCustomers(ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const found = await this.prisma.customer.findMany({ where: { id: { in: unique } }, select: { id: true } });
    const known = new Set(found.map((c) => c.id));
    const unknown = unique.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw Errors.invalidPayload([{ field: 'customers', error: `unknown customer ids: ${unknown.join(', ')}` }]);
    }
    return unique;
  }
}
