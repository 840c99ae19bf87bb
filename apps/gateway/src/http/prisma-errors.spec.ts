import type { ContractError } from '@sluice/common';
import { Errors } from '@sluice/common';

import { mapPrismaError, prismaCode } from './prisma-errors';

const prismaError = (code: string) => Object.assign(new Error(`prisma ${code}`), { code });

describe('mapPrismaError', () => {
  const contract = {
    P2002: Errors.conflict('Customer acme already exists'),
    P2025: Errors.notFound('Customer not found'),
  };

  it("answers a mapped code with the caller's contract error", () => {
    expect(mapPrismaError(prismaError('P2002'), contract)).toBe(contract.P2002);
    const notFound = mapPrismaError(prismaError('P2025'), contract) as ContractError;
    expect(notFound.getStatus()).toBe(404);
    expect(notFound.body).toEqual({ message: 'Customer not found' });
  });

  it('passes unmapped Prisma codes and other errors through unchanged', () => {
    const foreignKey = prismaError('P2003');
    expect(mapPrismaError(foreignKey, contract)).toBe(foreignKey);
    const plain = new Error('connection reset');
    expect(mapPrismaError(plain, contract)).toBe(plain);
    expect(mapPrismaError(undefined, contract)).toBeUndefined();
  });

  it('reads only string codes starting with P', () => {
    expect(prismaCode(prismaError('P2002'))).toBe('P2002');
    expect(prismaCode(Object.assign(new Error(), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(prismaCode(Object.assign(new Error(), { code: 2002 }))).toBeUndefined();
  });
});
