import type { AlertIdentity } from '@sluice/database';

export type { AlertIdentity } from '@sluice/database';

/** The identity as one text: a map key, and the text of its advisory lock. */
export const identityKey = (i: AlertIdentity) =>
  JSON.stringify([i.envcustomerid, i.entityid, i.parametercategory, i.parameterid, i.splitby]);
