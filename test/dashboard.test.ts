import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, collectPageErrors, launchBrowser, saveScreenshot, waitForView } from './support/browser.js';
import { seedDashboard, type DashboardData } from './support/dashboard-data.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';

const skip = browserSkipReason();
/** Only shown in ingest URLs; nothing connects to it. */
const PUBLIC_URL = 'https://hooks.example.com';

describe('dashboard', { skip }, () => {
  let server: TestServer;
  let data: DashboardData;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    server = await startHookline({ HOOKLINE_PUBLIC_URL: PUBLIC_URL });
    data = await seedDashboard(server);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    pageErrors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    for (const receiver of data?.receivers ?? []) await receiver.close();
  });

  /** Opens a dashboard view and waits for its heading. */
  async function open(hash: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${server.url}/ui/${hash}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /** Clicks the confirm button of the confirmation dialog and waits for it to close. */
  async function confirm(label: string): Promise<void> {
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: label, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  const endpointPath = (endpointId: string) => `#/apps/${data.acme.appId}/endpoints/${endpointId}`;

  it('signs in with the admin token', async () => {
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel('API token or app portal token').fill(server.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    for (const name of ['Acme Store', 'Globex Billing', 'Initech Support']) {
      assert.equal(await page.getByRole('link', { name, exact: true }).count(), 1, `${name} is listed`);
    }
    assert.equal(await page.evaluate('sessionStorage.getItem("hookline.token")'), server.token);
    await saveScreenshot(page, 'applications');
  });

  it('lists endpoints with state and health', async () => {
    await page.getByRole('link', { name: 'Acme Store', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme Store: endpoints' }).waitFor();
    const legacyRow = page.getByRole('row').filter({ hasText: 'Legacy CRM' });
    assert.match(await legacyRow.innerText(), /Disabled/);
    assert.match(await legacyRow.innerText(), /410 Gone/);
    const flakyRow = page.getByRole('row').filter({ hasText: 'Order sync' });
    assert.match(await flakyRow.innerText(), /Enabled/);
    assert.match(await flakyRow.innerText(), /HTTP 500/);
    await saveScreenshot(page, 'endpoints');
  });

  it('draws the health chart of an endpoint', async () => {
    await page.getByRole('link', { name: /hooks\/orders/ }).click();
    await page.getByRole('heading', { level: 1, name: /^Endpoint / }).waitFor();
    const chart = page.getByRole('img', { name: /Success rate per bucket/ });
    await chart.waitFor();
    assert.ok((await chart.locator('rect.bar').count()) >= 10, 'bars spread over the day');
    assert.ok((await chart.locator('rect.failing').count()) >= 1, 'failing buckets are marked');
    const latency = page.getByRole('img', { name: /Mean response time/ });
    assert.ok((await latency.locator('circle').count()) >= 10, 'latency points spread over the day');
    assert.match(await page.locator('dl.facts').innerText(), /Failures in a row\s+8/);
    await saveScreenshot(page, 'endpoint-health');
  });

  it('finds a failed message and resends it', async () => {
    await open(`#/apps/${data.acme.appId}/messages`, 'Acme Store: messages');
    await page.getByLabel('Endpoint').selectOption(data.acme.flakyId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitForView(page, `endpoint=${data.acme.flakyId}`);
    assert.ok((await page.getByRole('row').filter({ hasText: 'Succeeded' }).count()) > 10);
    await saveScreenshot(page, 'messages');

    await page.getByLabel('Delivery status').selectOption({ label: 'Failed' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const failedLinks = page.getByRole('link', { name: /^msg_/ });
    await waitForView(page, 'status=2');
    const listed = await failedLinks.allInnerTexts();
    assert.deepEqual([...listed].sort(), [...data.acme.failedMessageIds].sort());

    await failedLinks.first().click();
    await page.getByRole('heading', { level: 1, name: /^Message msg_/ }).waitFor();
    // The message went to two endpoints: four failed attempts to the flaky one, one success.
    const attempts = page.locator('article.attempt').filter({ hasText: 'hooks/orders' });
    assert.equal(await attempts.count(), 4);
    assert.equal(await attempts.and(page.locator('[data-status="fail"]')).count(), 4);
    const headers = await attempts.first().getByRole('table', { name: 'Request headers' }).innerText();
    assert.match(headers, /webhook-signature\s+v1,/);
    assert.match(headers, /X-Tenant\s+acme/);
    assert.match(headers, /Authorization\s+\*{8}/);
    assert.ok(!headers.includes('acme-live-credential'), 'the credential is masked');
    assert.match(await attempts.first().innerText(), /database is locked/);

    data.flaky.down = false;
    await page.getByRole('button', { name: /Resend to .*hooks\/orders/ }).click();
    await confirm('Resend');
    await page.getByRole('main').getByText(/New attempt: succeeded with HTTP 200/).waitFor({ timeout: 40_000 });
    assert.equal(await attempts.count(), 5);
    const newest = attempts.first();
    assert.equal(await newest.getAttribute('data-status'), 'success');
    assert.match(await newest.innerText(), /manual resend/);
    await saveScreenshot(page, 'message-attempts');
  });

  it('disables and enables an endpoint', async () => {
    await open(endpointPath(data.acme.steadyId), /^Endpoint /);
    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await confirm('Disable');
    await page.getByText('Endpoint disabled.', { exact: false }).waitFor();
    assert.match(await page.locator('dl.facts').innerText(), /Disabled \(disabled by hand\)/);
    assert.equal((await server.svix.endpoint.get(data.acme.appId, data.acme.steadyId)).disabled, true);

    await page.getByRole('button', { name: 'Enable endpoint' }).click();
    await confirm('Enable');
    await page.getByText('Endpoint enabled.', { exact: false }).waitFor();
    assert.equal((await server.svix.endpoint.get(data.acme.appId, data.acme.steadyId)).disabled, false);
  });

  it('cancels an action when the dialog is dismissed', async () => {
    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal((await server.svix.endpoint.get(data.acme.appId, data.acme.steadyId)).disabled, false);
  });

  it('recovers an endpoint since a time', async () => {
    await open(endpointPath(data.acme.flakyId), /^Endpoint /);
    await page.getByLabel('Resend failed messages since').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Recover failed messages' }).click();
    await confirm('Recover');
    await page.getByText(/Recovery started \(task qtask_/).waitFor();
    const tasks = await server.svix.backgroundTask.list();
    assert.ok(tasks.data.some((task) => task.task === 'endpoint.recover'));
  });

  it('rotates the secret with a grace period', async () => {
    const before = await server.svix.endpoint.getSecret(data.acme.appId, data.acme.flakyId);
    await page.getByLabel('Grace period (hours)').fill('2');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    assert.match(await page.getByRole('dialog').innerText(), /keeps signing for 2 hours/);
    await confirm('Rotate');
    await page.getByText('Secret rotated. Grace period: 2 hours', { exact: false }).waitFor();
    const after = await server.svix.endpoint.getSecret(data.acme.appId, data.acme.flakyId);
    assert.notEqual(after.key, before.key);

    await page.getByLabel('Grace period (hours)').fill('0');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = await page.getByRole('dialog').innerText();
    assert.match(dialog, /The old one stops signing at once/);
    assert.doesNotMatch(dialog, /0 hours/);
    await confirm('Rotate');
    await page.getByText('Secret rotated. The old secret no longer signs.', { exact: false }).waitFor();
  });

  it('shows the API error of a failed action', async () => {
    await open(endpointPath(data.acme.legacyId), /^Endpoint /);
    // The endpoint is deleted behind the page's back, so enabling it fails with 404.
    await server.svix.endpoint.delete(data.acme.appId, data.acme.legacyId);
    await page.getByRole('button', { name: 'Enable endpoint' }).click();
    await confirm('Enable');
    const alert = page.getByRole('main').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Error 404 not_found: endpoint not found/);
  });

  it('sends an example event', async () => {
    await open(endpointPath(data.acme.flakyId), /^Endpoint /);
    const before = data.flaky.receiver.requests.length;
    await page.getByLabel('Event type').selectOption('order.shipped');
    await page.getByRole('button', { name: 'Send example' }).click();
    await confirm('Send');
    const link = page.getByRole('main').getByRole('status').getByRole('link', { name: /^msg_/ });
    await link.waitFor();
    const messageId = await link.innerText();
    const delivered = await eventually(
      () => data.flaky.receiver.requests.slice(before).find((request) => request.headers['webhook-id'] === messageId),
      15_000,
      'the example to reach the endpoint',
    );
    assert.deepEqual(JSON.parse(delivered.body.toString()), { orderId: 'ord_5531', carrier: 'DHL' });
  });

  it('shows inbound sources with their counts', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbound sources' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbound sources' }).waitFor();
    const cells = await page.getByRole('row').filter({ hasText: 'Shop orders' }).getByRole('cell').allInnerTexts();
    assert.equal(cells[2], `${PUBLIC_URL}/in/${data.source.id}`);
    assert.equal(cells[3], '3', 'accepted');
    assert.equal(cells[4], '2', 'rejected');
    assert.match(cells[5]!, /signature_mismatch.*: 1/);
    assert.match(cells[5]!, /signature_missing.*: 1/);
    await saveScreenshot(page, 'inbound-sources');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Hookline' }).waitFor();
    assert.equal(await page.evaluate('sessionStorage.getItem("hookline.token")'), null);
  });

  it('raised no script or CSP errors', () => {
    // The browser logs the 404 of the deleted endpoint as a failed resource load.
    const unexpected = pageErrors.filter((text) => !/404/.test(text));
    assert.deepEqual(unexpected, []);
  });
});
