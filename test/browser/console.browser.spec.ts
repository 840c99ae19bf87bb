import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { DEFAULT_JOB_OPTIONS, QueueName } from '@sluice/queue';

import { ApiKeyVerifier } from '../../apps/gateway/src/auth/api-key-verifier.service';
import {
  apiUser,
  createCustomer,
  createUser,
  entity,
  event,
  heartbeat,
  PASSWORD,
  service,
  uniqueId,
} from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import type { Caller } from '../helpers/tenant';
import { get, publish } from '../helpers/tenant';
import { eventually, startWorker } from '../helpers/worker';

/**
 * Spec §10, the web console in a real browser: Debian's Chromium, headless, driven by
 * playwright-core, against a listening gateway (which serves dist/console: `npm run test:browser`
 * builds it first) and a worker. A user of one customer signs in, sees the customer's alerts,
 * acknowledges one and resolves another, looks at the topology, a metric chart, the adapters and
 * the channels, and signs out; an ended session sends the user back to sign in with a message.
 * The customer pickers and the navigation follow `GET /api/v1/user/me`: a UI user of one customer
 * has exactly it and no admin pages, a superadmin every customer (typed, past the 1,000 the list
 * holds) and every page. A screenshot of each page goes to test-results/browser/, and with
 * UPDATE_DOCS_SCREENSHOT=1 the alerts page to docs/console.png (the README's).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'browser');

/** The alerts the customer has: entity, entity id, parameter, severity, description. */
const ALERTS = [
  ['web-01', 'host-4711', 'cpu.utilization', 'critical', 'CPU above 95% for 10 minutes'],
  ['db-02', 'host-db2', 'disk.free', 'major', 'Less than 5% of /var/lib/postgresql free'],
  ['lb-01', 'host-lb1', 'http.latency.p99', 'minor', 'p99 latency above 800 ms'],
  ['billing-api', 'app-7', 'http.errors', 'warning', '5xx answers above 1%'],
  ['cache-1', 'host-cache1', 'evictions', 'indeterminate', 'Evictions rising'],
] as const;

describe('web console in Chromium (spec §10)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;
  let customer: string;
  let email: string;
  let caller: Caller;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    gw = await startGateway();
    await gw.app.listen(0, '127.0.0.1');
    base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startWorker(gw.redisPrefix);

    customer = (await createCustomer(gw.prisma)).id;
    const user = await apiUser(gw, [customer], { isAdmin: true });
    email = user.user.email;
    caller = { gw, auth: user.auth };
    await seed();

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await gw?.close();
  });

  /** A moment ago: events, metrics, topology and a heartbeat of the customer, all stored. */
  async function seed(): Promise<void> {
    const now = Date.now();
    const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();
    await publish(
      caller,
      'allevents',
      ALERTS.map(([name, entityid, parametername, severity, description], i) =>
        event(customer, {
          entity: name,
          entityid,
          parametername,
          severity,
          description,
          firstoccurrence: minutesAgo(i + 1),
        }),
      ),
    );
    await publish(
      caller,
      'metrics',
      Array.from({ length: 30 }, (_, i) => ({
        envcustomerid: customer,
        entityid: 'host-4711',
        entity: 'web-01',
        parametername: 'cpu.utilization',
        value: Math.round(55 + 35 * Math.sin(i / 4) + (i % 3) * 2),
        unit: '%',
        timestamp: minutesAgo(30 - i),
      })),
    );
    await publish(caller, 'entity', [
      entity(customer, {
        entityid: 'host-4711',
        entity: 'web-01',
        entitytype: 'host',
        relations: [],
        timestamp: minutesAgo(5),
      }),
      entity(customer, {
        entityid: 'app-7',
        entity: 'billing-api',
        relations: [
          { targetentityid: 'host-4711', relationtype: 'runs_on' },
          { targetentityid: 'host-db2', relationtype: 'uses' },
        ],
        timestamp: minutesAgo(5),
      }),
      entity(customer, {
        entityid: 'host-db2',
        entity: 'db-02',
        entitytype: 'host',
        relations: [],
        timestamp: minutesAgo(5),
      }),
    ]);
    await publish(caller, 'service', [
      service(customer, { entities: ['app-7', 'host-4711', 'host-db2'], timestamp: minutesAgo(5) }),
    ]);
    await publish(caller, 'healthcheck', [
      heartbeat(customer, { timestamp: minutesAgo(1), interval: 300 }),
      heartbeat(customer, {
        adapterid: 'collectd-7',
        adaptername: 'collectd on web-01',
        adaptertype: 'collectd',
        status: 'DEGRADED',
        timestamp: minutesAgo(2),
        interval: 300,
      }),
    ]);
    // A notification channel, switched off (nothing is sent anywhere).
    const channel = await gw.inject({
      method: 'PUT',
      url: `/api/public/v1.0/groups/${customer}/integrations/WEBHOOK`,
      headers: caller.auth,
      payload: {
        type: 'WEBHOOK',
        url: 'https://hooks.example.com/sluice',
        secret: 'whsec_console-test-5f2a',
        enabled: false,
      },
    });
    expect(channel.statusCode).toBe(200);
    await drained(gw, QueueName.Events, QueueName.Metrics, QueueName.EntityTopology, QueueName.ServiceTopology);
    await drained(gw, QueueName.Healthcheck);
    await eventually(
      () => get(caller, `/api/v1/alerts?customerid=${customer}`),
      (page) => page.totalCount === ALERTS.length,
    );
  }

  let context: BrowserContext;
  let page: Page;
  /** Script errors of the page and anything the Content-Security-Policy blocked: none may happen. */
  let problems: string[];
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.stack ?? err.message}`));
    page.on('console', (msg) => {
      if (/Content.Security.Policy/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
    });
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const row = (text: string) => page.getByRole('row').filter({ hasText: text });
  /** The customer picker (not the forms named "Choose the customer"). */
  const customerField = () => page.getByLabel('Customer', { exact: true });

  async function signIn(who = email): Promise<void> {
    await page.goto(`${base}/`);
    await heading('Sign in to Sluice').waitFor();
    await page.getByLabel('Email').fill(who);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Alerts').waitFor();
  }

  it('signs in, lists the alerts, acknowledges one and resolves another', async () => {
    // Who the user is (GET /api/v1/user/me) is read once, at sign-in, not with the pages' polls.
    let meReads = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/user/me') meReads += 1;
    });
    // Sign-in, with the API's refusal of a wrong password shown to the user.
    await page.goto(`${base}/alerts`);
    await heading('Sign in to Sluice').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid username/password' }).waitFor();
    await shot('01-sign-in');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The open alerts of the customer, newest first, severity and state in words.
    await heading('Alerts').waitFor();
    await row('web-01').waitFor();
    for (const [name] of ALERTS) await expect(row(name).count()).resolves.toBe(1);
    await expect(row('web-01').getByText('critical').count()).resolves.toBe(1);
    await expect(row('web-01').getByText('Open', { exact: true }).count()).resolves.toBe(1);
    // The picker offers the user's one customer (GET /api/v1/user/me), by name and id, chosen.
    await expect(customerField().locator('option').allTextContents()).resolves.toEqual([`Test customer (${customer})`]);
    await expect(customerField().inputValue()).resolves.toBe(customer);
    await page.getByRole('banner').getByText('API user, admin', { exact: true }).waitFor();
    await shot('02-alerts');

    // Filters live in the URL and survive the refresh every 5 s.
    await page.getByLabel('Severity').selectOption('4');
    await page.waitForURL((url) => url.searchParams.get('minseverity') === '4');
    await row('lb-01').waitFor({ state: 'detached' });
    await expect(page.getByRole('row').count()).resolves.toBe(3); // header, web-01, db-02
    await page.waitForTimeout(5500);
    await expect(page.getByLabel('Severity').inputValue()).resolves.toBe('4');
    await expect(page.getByRole('row').count()).resolves.toBe(3);
    expect(meReads).toBe(1);

    // An alert: its fields, its history, and the actions of its state.
    await page.getByRole('link', { name: /web-01 · cpu\.utilization/ }).click();
    await heading(/web-01 · cpu\.utilization/).waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.locator('.timeline').getByText('Opened').waitFor();
    await expect(page.getByRole('button', { name: 'Reopen' }).count()).resolves.toBe(0);
    await shot('03-alert');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('status').filter({ hasText: 'Acknowledged.' }).waitFor();
    await page.locator('.page-head .badge', { hasText: 'Acknowledged' }).waitFor();
    await page.getByRole('button', { name: 'Unacknowledge' }).waitFor();
    await page.getByLabel('Note').fill('Looking into it: a runaway batch job.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('status').filter({ hasText: 'Note added.' }).waitFor();
    await page.locator('.timeline').getByText('Looking into it: a runaway batch job.').waitFor();
    await page.locator('.timeline li', { hasText: 'Acknowledged' }).getByText(`by ${email}`).waitFor();
    await shot('04-alert-acknowledged');

    // Another alert, resolved: it leaves the list of open alerts.
    await page.getByRole('link', { name: /← Alerts of/ }).click();
    await heading('Alerts').waitFor();
    await row('db-02').waitFor();
    await expect(row('web-01').count()).resolves.toBe(0); // acknowledged: not open any more
    await page.getByRole('link', { name: /db-02 · disk\.free/ }).click();
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('.page-head .badge', { hasText: 'Resolved' }).waitFor();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await page.goBack();
    await heading('Alerts').waitFor();
    await row('lb-01').waitFor();
    await expect(row('db-02').count()).resolves.toBe(0);
    await page.getByLabel('State').selectOption('RESOLVED');
    await row('db-02').waitFor();

    // Every state at once: the open, the acknowledged and the resolved (the README's picture).
    await page.getByLabel('State').selectOption('all');
    await row('web-01').getByText('Acknowledged').waitFor();
    await row('lb-01').getByText('Open', { exact: true }).waitFor();
    await expect(row('db-02').getByText('Resolved').count()).resolves.toBe(1);
    await expect(page.getByRole('row').count()).resolves.toBe(ALERTS.length + 1);
    await page.getByLabel('State').blur();
    await shot('05-alerts-any-state');
    expect(meReads).toBe(1); // pages and filters changed, polls ran: still the one read
    // The README's picture, taken anew on request only (so a test run leaves the work tree alone).
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') await page.screenshot({ path: join(ROOT, 'docs', 'console.png') });
  });

  it('draws the topology and a metric chart, shows the adapters and the channels, and signs out', async () => {
    await signIn();

    // The topology as a graph, the entities of unresolved alerts marked (and listed).
    await page.getByRole('link', { name: 'Topology' }).click();
    await heading('Topology').waitFor();
    await page.locator('.chart canvas').waitFor();
    const flagged = page.getByRole('region', { name: 'Entities with open alerts' });
    await flagged.getByText('web-01').waitFor();
    await flagged.getByText('billing-api').waitFor();
    await page.waitForTimeout(1500); // the force layout settles
    await shot('06-topology');

    // A metric's series, with its time range.
    await page.getByRole('link', { name: 'Metrics' }).click();
    await heading('Metrics').waitFor();
    await page.getByLabel('Series', { exact: true }).selectOption({ label: 'web-01 · cpu.utilization' });
    await page.getByLabel('Time range').selectOption('1h');
    await page.locator('.chart canvas').waitFor();
    await page.getByText(/points · min \d+ · max \d+ · last \d+ %/).waitFor();
    await page.waitForTimeout(500);
    await shot('07-metrics');

    // Adapters and their health; the customer's channels (an admin of it).
    await page.getByRole('link', { name: 'Adapters' }).click();
    await row('NiFi events flow').getByText('Up').waitFor();
    await row('collectd on web-01').getByText('Degraded').waitFor();
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('main'); // the new page has the focus
    await shot('08-adapters');
    await page.getByRole('link', { name: 'Channels' }).click();
    const webhook = page.getByRole('region', { name: 'WEBHOOK' });
    await webhook.getByText('Disabled').waitFor();
    await webhook.getByText('****5f2a').waitFor(); // the secret, redacted by the API
    await webhook.getByRole('button', { name: 'Show recent deliveries' }).click();
    await webhook.getByText('No deliveries yet.').waitFor();
    await shot('09-channels');

    // The keyboard reaches the skip link first, then the navigation.
    await page.reload();
    await heading('Channels').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Skip to content');

    // Sign out: the session is over, here and on the server.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in to Sluice').waitFor();
    await page.getByText('You have signed out.').waitFor();
    await shot('10-signed-out');
    await page.goto(`${base}/alerts`);
    await heading('Sign in to Sluice').waitFor();
  });

  it('keeps the session alive through a refresh, and sends the user to sign in once it has ended', async () => {
    await signIn();
    // The access token is gone (expired): the console refreshes once and carries on.
    await context.clearCookies({ name: 'access_token' });
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/user/token/refresh'));
    // The first answer is the 401; the list sent again after the refresh answers 200.
    const listed = page.waitForResponse((r) => r.url().includes('/api/v1/alerts?') && r.status() !== 401);
    // A new token pair: who the user is and their customers are read again, once.
    const reread = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/user/me');
    await page.getByLabel('State').selectOption('all');
    expect((await refreshed).status()).toBe(200);
    expect((await listed).status()).toBe(200);
    expect((await reread).status()).toBe(200);
    await expect(context.cookies(base)).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'access_token', httpOnly: true, sameSite: 'Strict' })]),
    );
    // Both tokens gone (the session ended elsewhere): the next refresh of the list fails.
    await context.clearCookies();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Your session has expired — sign in again' })
      .waitFor({ timeout: 15_000 });
    await heading('Sign in to Sluice').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toMatch(/^\/alerts/);
    await shot('11-session-expired');
  });

  it('shows the API refusal a person can act on: another customer, and a superadmin page', async () => {
    const other = (await createCustomer(gw.prisma)).id;
    await signIn();
    await page.goto(`${base}/topology?customer=${other}`);
    await page.getByRole('alert').filter({ hasText: 'You have no access to this customer (Access denied).' }).waitFor();
    // The picker shows the customer of the link as it is, not one of the user's in its place.
    await expect(customerField().inputValue()).resolves.toBe(other);
    await customerField().getByText(`${other} (not one of yours)`).waitFor({ state: 'attached' });
    await page.goto(`${base}/admin/failed-jobs`);
    await page.getByRole('alert').filter({ hasText: 'Failed jobs are for superadmins (Access denied).' }).waitFor();
    await expect(page.getByRole('link', { name: 'Failed jobs' }).count()).resolves.toBe(0);
  });

  it('offers a UI user of one customer exactly that customer, chosen, and no admin pages', async () => {
    const ui = await createUser(gw.prisma, { type: 'UI', customers: [customer] });
    await signIn(ui.email);
    // Who is signed in, and as what.
    const header = page.getByRole('banner');
    await header.getByText('Test user', { exact: true }).waitFor();
    await header.getByText(ui.email, { exact: true }).waitFor();
    await header.getByText('UI user', { exact: true }).waitFor();
    // Neither channels (admins) nor failed jobs (superadmins); API keys, as every user.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Alerts',
      'Adapters',
      'Topology',
      'Metrics',
      'API keys',
    ]);
    // The alerts of the one customer, which the picker offers alone and has chosen.
    await row('lb-01').waitFor();
    await expect(customerField().locator('option').allTextContents()).resolves.toEqual([`Test customer (${customer})`]);
    await expect(customerField().inputValue()).resolves.toBe(customer);
    await shot('12-ui-user');
    // A page about one customer starts with it.
    await nav.getByRole('link', { name: 'Topology' }).click();
    await page.waitForURL((url) => url.searchParams.get('customer') === customer);
    await page.getByRole('region', { name: 'Entities with open alerts' }).getByText('billing-api').waitFor();
    await expect(customerField().inputValue()).resolves.toBe(customer);
  });

  it('gives a superadmin the failed jobs, with replay', async () => {
    // A job whose record can never be stored fails at once (spec: dead letters).
    const requestId = uniqueId('req');
    const records = [event(customer, { ieventid: uniqueId('evt'), severity: 'severe' })];
    const job = { requestId, receivedAt: new Date().toISOString(), userId: 'test', records };
    await gw.queue(QueueName.Events).add(QueueName.Events, job, { ...DEFAULT_JOB_OPTIONS, jobId: requestId });
    await drained(gw, QueueName.Events);

    const inactive = (await createCustomer(gw.prisma, { active: false })).id;

    const admin = await createUser(gw.prisma, { isSuperadmin: true });
    await signIn(admin.email);
    await page.getByRole('banner').getByText('API user, superadmin', { exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Alerts',
      'Adapters',
      'Topology',
      'Metrics',
      'Channels',
      'API keys',
      'Failed jobs',
    ]);
    // Every customer is offered (the inactive marked); a pick filters the alerts and is in the URL.
    const offered = await customerField().locator('option').allTextContents();
    expect(offered[0]).toBe('All my customers');
    expect(offered).toEqual(
      expect.arrayContaining([`Test customer (${customer})`, `Test customer (${inactive}) — inactive`]),
    );
    await row('cache-1').waitFor();
    await customerField().selectOption(inactive);
    await page.waitForURL((url) => url.searchParams.get('customer') === inactive);
    await page.getByText('No alerts match these filters.').waitFor();
    await customerField().selectOption(customer);
    await page.waitForURL((url) => url.searchParams.get('customer') === customer);
    await row('cache-1').waitFor();

    await page.getByRole('link', { name: 'Failed jobs' }).click();
    await heading('Failed jobs').waitFor();
    const failed = row(requestId);
    await failed.getByText('severity "severe" is not 0-5 or a severity name').waitFor();
    await shot('13-failed-jobs');
    await failed.getByRole('button', { name: `Replay job ${requestId}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Job queued for retry: events job ${requestId}.` })
      .waitFor();
  });

  it('creates an API key, shows it once, and revokes it: the gateway takes the key, then refuses it', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await heading('API keys').waitFor();
    await page.getByText('You have no API keys.').waitFor();
    const create = page.getByRole('button', { name: 'Create key' });
    const publishScope = page.getByRole('checkbox', { name: /^publish/ });

    // At least one scope, before anything is sent; then the API's 400, naming the field.
    await page.getByLabel('Name').fill('alertmanager-prod');
    await create.click();
    await page.getByRole('alert').filter({ hasText: 'Choose at least one scope.' }).waitFor();
    await expect(page.locator(':focus').getAttribute('value')).resolves.toBe('publish');
    await page.getByLabel('Name').fill('   '); // blanks only: the gateway trims them away
    await publishScope.check();
    await create.click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Invalid payload — name: name must be longer than or equal to 1 characters' })
      .waitFor();

    // Created: the key once, with a warning, ready to copy.
    const inAYear = new Date(Date.now() + 365 * 86_400_000);
    const expiry = [inAYear.getFullYear(), inAYear.getMonth() + 1, inAYear.getDate()]
      .map((n) => String(n).padStart(2, '0'))
      .join('-');
    await page.getByLabel('Name').fill('alertmanager-prod');
    await page.getByLabel('Expires (optional)').fill(expiry);
    await create.click();
    const shown = page.getByRole('region', { name: 'New API key “alertmanager-prod”' });
    await shown.getByText('Copy this key now: it will not be shown again.').waitFor();
    const field = shown.getByLabel('The new key');
    const key = await field.inputValue();
    expect(key).toMatch(/^slk_[A-Za-z0-9_-]{43}$/);
    await expect(field.getAttribute('readonly')).resolves.not.toBeNull();
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(key);
    const listed = row('alertmanager-prod');
    await listed.getByText('publish', { exact: true }).waitFor();
    await expect(listed.getByText('Never').count()).resolves.toBe(1); // not used yet; it expires
    await expect(listed.locator('time').nth(1).getAttribute('datetime')).resolves.toMatch(
      new RegExp(`^${inAYear.getUTCFullYear()}-`),
    );
    await shot('14-api-key-created');

    // The key publishes as its user, from outside the browser.
    const publishWith = (bearer: string) =>
      fetch(`${base}/publish/allevents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify([event(customer, { entity: 'key-test', entityid: uniqueId('host') })]),
      });
    const accepted = await publishWith(key);
    expect([accepted.status, await accepted.json()]).toEqual([
      200,
      expect.objectContaining({ message: 'Data published successfully', count: 1 }),
    ]);

    // Leaving the page drops the key: it is not there on the way back.
    await page.getByRole('link', { name: 'Alerts' }).click();
    await heading('Alerts').waitFor();
    await page.goBack();
    await heading('API keys').waitFor();
    await listed.waitFor();
    await expect(page.getByLabel('The new key').count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(key);

    // A second key, dismissed: gone at once; the list holds both, newest first.
    await page.getByLabel('Name').fill('grafana-reader');
    await page.getByRole('checkbox', { name: /^read/ }).check();
    await create.click();
    await page
      .getByRole('region', { name: 'New API key “grafana-reader”' })
      .getByRole('button', { name: 'Done' })
      .click();
    await expect(page.getByLabel('The new key').count()).resolves.toBe(0);
    await expect(page.getByRole('row').count()).resolves.toBe(3);
    await expect(page.getByRole('row').nth(1).textContent()).resolves.toContain('grafana-reader');

    // Its use is in the list once written (every 30 s; here, now).
    await gw.app.get(ApiKeyVerifier)['flush']();
    await page.reload();
    await heading('API keys').waitFor();
    await expect(listed.locator('td').nth(4).textContent()).resolves.toMatch(/^(just now|\d+ s ago)$/);
    await shot('15-api-keys');

    // Revoke, from the keyboard: Escape keeps the key, the confirmation revokes it.
    const revoke = listed.getByRole('button', { name: 'Revoke key alertmanager-prod' });
    await revoke.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke the API key “alertmanager-prod”?' });
    await dialog.waitFor();
    await expect(page.locator(':focus').textContent()).resolves.toBe('Cancel');
    await shot('16-api-key-revoke');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(page.locator(':focus').textContent()).resolves.toBe('Revoke key alertmanager-prod');
    expect((await publishWith(key)).status).toBe(200); // kept
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "Revoke key"
    await page.getByRole('status').filter({ hasText: 'Revoked “alertmanager-prod”' }).waitFor();
    await listed.waitFor({ state: 'detached' });
    await row('grafana-reader').waitFor();
    const refused = await publishWith(key);
    expect([refused.status, await refused.json()]).toEqual([401, { message: 'Invalid access token' }]);
  });

  it('leaves the server its own answers: the API, /docs and unknown API paths are not the console', async () => {
    const html = { accept: 'text/html' };
    const index = await fetch(`${base}/alerts/123`, { headers: html });
    expect([index.status, index.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const indexHtml = await index.text();
    expect(indexHtml).toContain('<div id="root">');
    // No inline script (the CSP allows none): the page's scripts are files, cached for good.
    const scripts = [...indexHtml.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([expect.stringMatching(/src="\/assets\/[^"]+\.js"/)]);
    const script = await fetch(`${base}${/src="([^"]+)"/.exec(scripts[0])![1]}`);
    expect([script.status, script.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    const api = await fetch(`${base}/api/v1/nope`, { headers: html });
    expect([api.status, await api.json()]).toEqual([404, expect.objectContaining({ message: expect.any(String) })]);
    const json = await fetch(`${base}/alerts`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect((await fetch(`${base}/no-such-page`, { headers: html })).status).toBe(404);
    const long = await fetch(`${base}/api/v1/alerts/${'a'.repeat(101)}`, { headers: html });
    expect(long.status).toBe(400);
    const asset = await fetch(`${base}/favicon.svg`);
    expect([asset.status, asset.headers.get('cache-control')]).toEqual([200, 'no-cache']);
    const docs = await fetch(`${base}/docs`, { headers: html });
    expect(await docs.text()).toContain('swagger');
  });

  // Last: the customers it adds would fill every later superadmin's list.
  it('lets a superadmin with more customers than the list holds type a customer id', async () => {
    const bulk = uniqueId('bulk'); // sorts before the test's customers: they are past the 1,000 listed
    await gw.prisma.customer.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({
        id: `${bulk}-${String(i).padStart(4, '0')}`,
        name: `Bulk ${i}`,
      })),
    });
    const admin = await createUser(gw.prisma, { isSuperadmin: true });
    await signIn(admin.email);
    const field = customerField();
    await expect(field.evaluate((el) => el.tagName)).resolves.toBe('INPUT');
    await expect(page.locator('datalist option').count()).resolves.toBe(1000); // the list, as suggestions
    await field.fill(customer);
    await field.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('customer') === customer);
    await row('cache-1').waitFor();
    // The id typed is the one a page about one customer starts with.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
    await page.waitForURL((url) => url.searchParams.get('customer') === customer);
    await page.getByRole('region', { name: 'Entities with open alerts' }).getByText('billing-api').waitFor();
    await expect(customerField().inputValue()).resolves.toBe(customer);
  });
});
