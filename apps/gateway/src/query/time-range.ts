import { Errors } from '@sluice/common';

/** A Prisma filter `column >= from AND column < to` for optional ISO-8601 bounds; 400 if from > to. */
export function timeRange(column: string, from?: string, to?: string) {
  if (!from && !to) return {};
  const gte = from ? new Date(from) : undefined;
  const lt = to ? new Date(to) : undefined;
  if (gte && lt && gte > lt) throw Errors.invalidPayload([{ field: 'from', error: 'from must not be after to' }]);
  return { [column]: { ...(gte && { gte }), ...(lt && { lt }) } };
}
