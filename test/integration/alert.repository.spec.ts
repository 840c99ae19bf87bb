import type { PrismaService } from '@sluice/database';

import { AlertRepository } from '../../apps/gateway/src/persistence/alert.repository';
import { repositoryDatabase, uniqueCustomer } from './repository-database';

describe('AlertRepository on PostgreSQL', () => {
  let db: ReturnType<typeof repositoryDatabase>;
  let prisma: PrismaService;
  let alerts: AlertRepository;
  const [mine, theirs] = [uniqueCustomer('alerts-a'), uniqueCustomer('alerts-b')];
  const ids: Record<string, string> = {};

  const alert = (envcustomerid: string, entityid: string, severity: number, at: string, ticketSysid?: string) =>
    prisma.alert.create({
      data: {
        envcustomerid,
        entityid,
        entity: entityid,
        parameterid: 'cpu',
        parametername: 'CPU',
        severity,
        state: 'OPEN',
        count: 1,
        firstoccurrence: new Date(at),
        lastoccurrence: new Date(at),
        ticketSysid,
      },
    });

  beforeAll(async () => {
    db = repositoryDatabase();
    prisma = db.prisma;
    alerts = new AlertRepository(prisma);
    ids.old = (await alert(mine, 'host-1', 2, '2024-05-01T10:00:00Z')).id;
    ids.new = (await alert(mine, 'host-2', 5, '2024-05-01T11:00:00Z', 'SYS-1')).id;
    ids.theirs = (await alert(theirs, 'host-1', 5, '2024-05-01T12:00:00Z', 'SYS-1')).id;
  });
  afterAll(() => db.close());

  it("lists only the scope's alerts, newest first, with the count of the filtered set", async () => {
    const page = await alerts.list(new Set([mine]), {}, { pageNum: 1, itemsPerPage: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.results.map((a) => a.id)).toEqual([ids.new]);
    const second = await alerts.list(new Set([mine]), {}, { pageNum: 2, itemsPerPage: 1 });
    expect(second.results.map((a) => a.id)).toEqual([ids.old]);

    const severe = await alerts.list(new Set([mine, theirs]), { minseverity: 5 }, { pageNum: 1, itemsPerPage: 10 });
    expect(severe.results.map((a) => a.id)).toEqual([ids.theirs, ids.new]);
    const both = await alerts.list(new Set([mine, theirs]), { entityid: 'host-1' }, { pageNum: 1, itemsPerPage: 10 });
    expect(both.results.map((a) => a.id).sort()).toEqual([ids.old, ids.theirs].sort());
  });

  it("tells a missing alert from another customer's, and reads one in scope with its history", async () => {
    expect(await alerts.withHistory(new Set([mine]), ids.theirs)).toBe('outside');
    expect(await alerts.withHistory(new Set([mine]), '00000000-0000-4000-8000-000000000000')).toBe('missing');
    const found = await alerts.withHistory('all', ids.theirs);
    expect(typeof found === 'object' && found.found.alert.envcustomerid).toBe(theirs);
    expect(await alerts.stateOf(new Set([theirs]), ids.old)).toBe('outside');
  });

  it('links a ticket with its history line, and names the alert already holding it', async () => {
    const by = { state: 'OPEN' as const, actor: 'a@example.com' };
    const ticket = { sysid: 'SYS-2', number: 'INC1' };
    const link = await alerts.linkTicket(mine, ids.old, ticket, { ...by, note: 'linked ticket INC1' });
    expect('linked' in link && link.linked.ticketSysid).toBe('SYS-2');
    const history = await prisma.alertHistory.findMany({ where: { alertId: ids.old } });
    expect(history).toEqual([
      expect.objectContaining({
        kind: 'ticket',
        fromState: 'OPEN',
        toState: 'OPEN',
        actor: 'a@example.com',
        source: 'manual',
        note: 'linked ticket INC1',
      }),
    ]);

    // SYS-1 is held by an alert of this customer; the other customer's SYS-1 does not count.
    const taken = await alerts.linkTicket(mine, ids.old, { sysid: 'SYS-1', number: null }, { ...by, note: 'x' });
    expect(taken).toEqual({ heldBy: ids.new });
  });

  it("finds an alert by ticket only within the customer's alerts", async () => {
    expect(await alerts.idByTicket(mine, 'SYS-1')).toBe(ids.new);
    expect(await alerts.idByTicket(theirs, 'SYS-1')).toBe(ids.theirs);
    expect(await alerts.idByTicket(theirs, 'SYS-2')).toBeUndefined();
  });
});
