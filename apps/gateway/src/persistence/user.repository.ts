import { Injectable } from '@nestjs/common';

import type { User } from '@sluice/database';
import { PrismaService } from '@sluice/database';

import type { Page, PageOf } from '../http/page-query.dto';
import { paged } from './paged';

const withCustomers = { customers: { select: { customerId: true } } } as const;

/** A user with the ids of the customers it is mapped to. */
export type UserWithCustomers = User & { customers: { customerId: string }[] };

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  type: User['type'];
  isSuperadmin: boolean;
  isAdmin: boolean;
  customers: string[];
}

export type UserChanges = Partial<Pick<User, 'name' | 'type' | 'isAdmin' | 'disabled' | 'passwordHash'>>;

/** Users and their customer mappings. */
@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  create({ customers, ...user }: NewUser): Promise<UserWithCustomers> {
    return this.prisma.user.create({
      data: { ...user, customers: { create: customers.map((customerId) => ({ customerId })) } },
      include: withCustomers,
    });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.user.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  /** Changes a user and, if `customers` is given, replaces its mapping with them. */
  update(id: string, changes: UserChanges, customers?: string[]): Promise<UserWithCustomers> {
    return this.prisma.$transaction(async (tx) => {
      if (customers) {
        // Concurrent replacements of one user's mapping take turns on the user's row, so that
        // each sees the one before it committed: the last writer wins, none trips on the
        // other's rows (without it, both delete the old rows and both insert: a unique violation).
        await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${id}::uuid FOR UPDATE`;
        await tx.userCustomer.deleteMany({ where: { userId: id, customerId: { notIn: customers } } });
        await tx.userCustomer.createMany({
          data: customers.map((customerId) => ({ userId: id, customerId })),
          skipDuplicates: true,
        });
      }
      return tx.user.update({ where: { id }, data: changes, include: withCustomers });
    });
  }

  list(page: Page): Promise<PageOf<UserWithCustomers>> {
    return paged(
      this.prisma,
      page,
      (window) => this.prisma.user.findMany({ orderBy: { email: 'asc' }, ...window, include: withCustomers }),
      this.prisma.user.count(),
    );
  }

  /** A user with its customers, as authentication needs it. */
  withCustomers(id: string): Promise<UserWithCustomers | null> {
    return this.prisma.user.findUnique({ where: { id }, include: withCustomers });
  }

  /** What a password login checks, by the email as stored (lower case). */
  login(email: string): Promise<Pick<User, 'id' | 'passwordHash' | 'disabled'> | null> {
    return this.prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true, disabled: true } });
  }

  /** Creates the API-type superadmin unless a user with the email exists; whether it did. */
  async createSuperadminOnce(email: string, passwordHash: string): Promise<boolean> {
    // ON CONFLICT DO NOTHING: concurrent gateway processes race safely, and an existing user stays as it is.
    const created = await this.prisma.$executeRaw`
      INSERT INTO users (id, email, name, password_hash, type, is_superadmin)
      VALUES (gen_random_uuid(), ${email}, 'Administrator', ${passwordHash}, 'API', true)
      ON CONFLICT (email) DO NOTHING`;
    return created > 0;
  }
}
