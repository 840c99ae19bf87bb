import { createHash } from 'node:crypto';

/** Spec §2.1: what identifies an alert. Absent category and split are ''. */
export interface AlertIdentity {
  envcustomerid: string;
  entityid: string;
  parametercategory: string;
  parameterid: string;
  splitby: string;
}

export const identityKey = (i: AlertIdentity) =>
  JSON.stringify([i.envcustomerid, i.entityid, i.parametercategory, i.parameterid, i.splitby]);

/** A 64-bit advisory-lock key for an identity (a collision only serialises two alerts). */
export function identityLock(key: string): bigint {
  return createHash('sha256').update(key).digest().readBigInt64BE(0);
}
