/** The Prisma error codes the contract answers: unique (P2002), foreign key (P2003), not found (P2025). */
export type PrismaErrorCode = 'P2002' | 'P2003' | 'P2025';

/** The Prisma error code of an error (P2002 unique, P2003 foreign key, P2025 not found), if any. */
export function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('P') ? code : undefined;
}

/**
 * The contract's error for a Prisma error, from the caller's table of codes; any other error as
 * it is. For `catch (err) { throw mapPrismaError(err, { P2002: Errors.conflict('…') }); }`.
 */
export function mapPrismaError(err: unknown, contract: Partial<Record<PrismaErrorCode, Error>>): unknown {
  const code = prismaCode(err);
  return (code !== undefined && contract[code as PrismaErrorCode]) || err;
}
