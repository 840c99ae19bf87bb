import { QueueName } from '@sluice/queue';

import { apiUser, createCustomer, event } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';

describe('gateway smoke', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('accepts an event and puts it on the events queue', async () => {
    const customer = await createCustomer(gw.prisma);
    const { auth } = await apiUser(gw, [customer.id]);
    const record = event(customer.id);
    const res = await gw.inject({ method: 'POST', url: '/publish/allevents', headers: auth, payload: record });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ message: 'Data published successfully', count: 1, requestId: expect.any(String) });
    const jobs = await gw.jobs(QueueName.Events);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].id).toBe(body.requestId);
    expect(jobs[0].data.records).toEqual([record]);
  });
});
