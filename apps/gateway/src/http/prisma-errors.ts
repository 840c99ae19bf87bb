/** The Prisma error code of an error (P2002 unique, P2003 foreign key, P2025 not found), if any. */
export function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('P') ? code : undefined;
}
