import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkipReason,
  collectPageErrors,
  horizontalOverflow,
  launchBrowser,
  lowContrastText,
  saveScreenshot,
  unnamedControls,
  waitForView,
} from './support/browser.js';
import { seedDashboard, type DashboardData } from './support/dashboard-data.js';
import { startHookline, type TestServer } from './support/hookline.js';

const skip = browserSkipReason();

describe('dashboard files', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => server?.close());

  it('serves the page and its assets with a strict policy', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/ui/', /^text\/html; charset=utf-8$/],
      ['/ui/assets/app.js', /^text\/javascript; charset=utf-8$/],
      ['/ui/assets/style.css', /^text\/css; charset=utf-8$/],
      ['/ui/assets/favicon.svg', /^image\/svg\+xml$/],
    ];
    for (const [path, type] of cases) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', type, path);
      const policy = response.headers.get('content-security-policy') ?? '';
      assert.match(policy, /default-src 'none'/, path);
      assert.match(policy, /script-src 'self'(;|$)/, path);
      assert.ok(!policy.includes('unsafe-inline'), `${path} allows no inline code`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
    }
  });

  it('has no inline script or style in the page', async () => {
    const html = await (await fetch(`${server.url}/ui/`)).text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'every script has a src');
    assert.ok(!/<style/i.test(html), 'no style element');
    assert.ok(!/\sstyle=/i.test(html), 'no style attribute');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handler');
    assert.ok(!/https?:\/\//i.test(html.replace('http://www.w3.org', '')), 'no external URL');
  });

  it('redirects /ui to /ui/', async () => {
    const response = await fetch(`${server.url}/ui`, { redirect: 'manual' });
    assert.equal(response.status, 301);
    assert.equal(response.headers.get('location'), 'ui/');
  });

  it('returns 404 for unknown files and never leaves the folder', async () => {
    const paths = [
      '/ui/assets/missing.js',
      '/ui/assets/index.html',
      '/ui/assets/..%2F..%2Fpackage.json',
      '/ui/assets/%2e%2e%2fapi.js',
      '/ui/assets/../../package.json',
      '/ui/assets/..%5C..%5Cpackage.json',
      '/ui/other',
    ];
    for (const path of paths) {
      const response = await fetch(server.url + path, { redirect: 'manual' });
      const body = await response.text();
      assert.ok(response.status === 404 || response.status === 422, `${path} returned ${response.status}`);
      assert.ok(!body.includes('"dependencies"'), `${path} returned a file outside the folder`);
      const json = JSON.parse(body) as { code: string };
      assert.ok(['not_found', 'validation'].includes(json.code), `${path} returned ${json.code}`);
    }
  });

  it('needs no token for the page but one for the API', async () => {
    assert.equal((await fetch(`${server.url}/ui/assets/api.js`)).status, 200);
    assert.equal((await fetch(`${server.url}/api/v1/app`)).status, 401);
  });
});

describe('dashboard access and accessibility', { skip }, () => {
  let server: TestServer;
  let data: DashboardData;
  let browser: Browser;

  before(async () => {
    server = await startHookline();
    data = await seedDashboard(server);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    for (const receiver of data?.receivers ?? []) await receiver.close();
  });

  async function newPage(width = 1280, height = 900): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel('API token or app portal token').fill(server.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
  }

  /** Every main view, as [address, heading]. */
  function views(): Array<[string, RegExp]> {
    const app = `#/apps/${data.acme.appId}`;
    return [
      ['#/apps', /^Applications$/],
      [`${app}/endpoints`, /endpoints$/],
      [`${app}/endpoints/${data.acme.flakyId}`, /^Endpoint /],
      [`${app}/messages`, /messages$/],
      [`${app}/messages/${data.acme.failedMessageIds[0]}`, /^Message /],
      ['#/sources', /^Inbound sources$/],
    ];
  }

  async function show(page: Page, hash: string, heading: RegExp): Promise<void> {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await waitForView(page);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  it('opens an app portal link confined to its application', async () => {
    const access = await server.svix.authentication.appPortalAccess('acme-store', {});
    const link = new URL(access.url);
    assert.equal(link.pathname, '/ui/');
    assert.match(link.hash, /^#key=hlapp_[^&]+&app=app_/);

    const page = await newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}${link.pathname}${link.hash}`);
    await page.getByRole('heading', { level: 1, name: 'Acme Store: endpoints' }).waitFor();
    assert.ok(!page.url().includes(access.token), 'the token is removed from the address');
    assert.equal(await page.evaluate('sessionStorage.getItem("hookline.token")'), access.token);

    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Endpoints', 'Messages']);
    assert.match(await page.locator('#session-label').innerText(), new RegExp(data.acme.appId));

    // Another application's pages and the global pages lead back to its own.
    for (const hash of [`#/apps/${data.globex.appId}/endpoints`, '#/sources', '#/apps']) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.getByRole('heading', { level: 1, name: 'Acme Store: endpoints' }).waitFor();
      await waitForView(page, `#/apps/${data.acme.appId}/endpoints`);
    }
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes('Globex'), 'no other application is shown');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Hookline' }).waitFor();
    const revoked = await fetch(`${server.url}/api/v1/app/acme-store`, {
      headers: { authorization: `Bearer ${access.token}` },
    });
    assert.equal(revoked.status, 401, 'signing out revokes the portal token');
    assert.deepEqual(errors.filter((error) => !/401/.test(error)), []);
    await page.context().close();
  });

  it('accepts a portal link opened in an open dashboard tab', async () => {
    const access = await server.svix.authentication.appPortalAccess('acme-store', {});
    const link = new URL(access.url);
    const page = await newPage();
    await signIn(page);

    // Only the fragment differs, so the browser changes the hash without loading the page.
    await page.goto(`${server.url}${link.pathname}${link.hash}`);
    await page.getByRole('heading', { level: 1, name: 'Acme Store: endpoints' }).waitFor();
    assert.ok(!page.url().includes(access.token), 'the token is removed from the address');
    assert.equal(await page.evaluate('sessionStorage.getItem("hookline.token")'), access.token);
    assert.match(await page.locator('#session-label').innerText(), new RegExp(data.acme.appId));
    await page.context().close();
  });

  it('signs in with a portal token and its application', async () => {
    const access = await server.svix.authentication.appPortalAccess('globex', {});
    const page = await newPage();
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel('API token or app portal token').fill(access.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText(/app portal token/).waitFor();
    await page.getByLabel('Application ID or UID (app portal tokens only)').fill('globex');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Globex Billing: endpoints' }).waitFor();
    await page.context().close();
  });

  it('shows the 403 of a read-only portal token', async () => {
    const access = await server.svix.authentication.appPortalAccess('globex', { readOnly: true });
    const link = new URL(access.url);
    const page = await newPage();
    await page.goto(`${server.url}${link.pathname}${link.hash}`);
    await page.getByRole('heading', { level: 1, name: 'Globex Billing: endpoints' }).waitFor();
    await page.getByRole('link', { name: /\/globex$/ }).click();
    await page.getByRole('heading', { level: 1, name: /^Endpoint / }).waitFor();
    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable', exact: true }).click();
    const alert = page.getByRole('main').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Error 403 forbidden: This app portal token is read-only/);
    assert.equal((await server.svix.endpoint.get(data.globex.appId, data.globex.endpointId)).disabled, false);
    await page.context().close();
  });

  it('rejects a wrong token at sign-in', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel('API token or app portal token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /401 authentication_failed/);
    assert.equal(await page.evaluate('sessionStorage.getItem("hookline.token")'), null);
    await page.context().close();
  });

  it('hides the session bar until signed in', async () => {
    const access = await server.svix.authentication.appPortalAccess('acme-store', {});
    await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access.token}` },
    });
    const link = new URL(access.url);
    const page = await newPage();
    await page.goto(`${server.url}/ui/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Hookline' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false, 'fresh page');

    // A revoked portal link returns to sign-in with the reason and without the session bar.
    await page.goto(`${server.url}${link.pathname}${link.hash}`);
    await page.getByRole('main').getByText('The token was rejected or has expired').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false, 'revoked link');
    assert.equal(await page.locator('#session-label').isVisible(), false);
    await page.context().close();
  });

  it('shows a not-found view for unknown addresses', async () => {
    const page = await newPage();
    await signIn(page);
    for (const hash of ['#/nowhere', '#/%E0%A4%A']) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await waitForView(page);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    }
    await page.context().close();
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    const page = await newPage(375, 812);
    await signIn(page);
    for (const [hash, heading] of views()) {
      await show(page, hash, heading);
      assert.equal(await horizontalOverflow(page), 0, `${hash} overflows at 375 px`);
    }
    await show(page, `#/apps/${data.acme.appId}/endpoints/${data.acme.flakyId}`, /^Endpoint /);
    await saveScreenshot(page, 'phone-endpoint');
    await page.context().close();
  });

  it('names every control on every view', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/ui/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const signInControls = await unnamedControls(page);
    assert.ok(signInControls.checked >= 3, 'the sign-in form has its inputs and button');
    assert.deepEqual(signInControls.unnamed, [], 'sign-in');
    await signIn(page);
    for (const [hash, heading] of views()) {
      await show(page, hash, heading);
      const { checked, unnamed } = await unnamedControls(page);
      assert.ok(checked >= 3, `${hash} has controls to check`);
      assert.deepEqual(unnamed, [], hash);
    }
    await page.context().close();
  });

  it('keeps text contrast at 4.5:1 or more', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/ui/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await lowContrastText(page), [], 'sign-in');
    await signIn(page);
    for (const [hash, heading] of views()) {
      await show(page, hash, heading);
      assert.deepEqual(await lowContrastText(page), [], hash);
    }
    await page.context().close();
  });

  it('reaches the main actions by keyboard with visible focus', async () => {
    const page = await newPage();
    await signIn(page);
    await show(page, `#/apps/${data.acme.appId}/endpoints/${data.acme.flakyId}`, /^Endpoint /);
    const expected = new Set([
      'Disable endpoint',
      'Recover failed messages',
      'Rotate secret',
      'Send example',
      'Sign out',
      'Messages',
    ]);
    const reached = new Set<string>();
    // Bounded: the view has about forty focusable elements.
    for (let press = 0; press < 80 && reached.size < expected.size; press++) {
      await page.keyboard.press('Tab');
      const focused = (await page.evaluate(`(() => {
        const element = document.activeElement;
        const style = getComputedStyle(element);
        return { text: element.textContent.trim(), outline: style.outlineStyle, width: style.outlineWidth };
      })()`)) as { text: string; outline: string; width: string };
      if (expected.has(focused.text)) {
        reached.add(focused.text);
        assert.notEqual(focused.outline, 'none', `${focused.text} shows focus`);
        assert.notEqual(focused.width, '0px', `${focused.text} shows focus`);
      }
    }
    assert.deepEqual([...reached].sort(), [...expected].sort());

    // The confirmation opens and closes from the keyboard, and focus returns to its button.
    await page.getByRole('button', { name: 'Disable endpoint' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Disable endpoint');
    await page.context().close();
  });
  it('says when an application has more endpoints than shown', async () => {
    const crowded = await server.svix.application.create({ name: 'Crowded', uid: 'crowded' });
    // Bounded: one more endpoint than the page shows.
    for (let index = 0; index <= 250; index++) {
      await server.svix.endpoint.create(crowded.id, { url: `http://127.0.0.1:9/e${index}`, disabled: true });
    }
    const page = await newPage();
    await signIn(page);
    await show(page, `#/apps/${crowded.id}/endpoints`, /^Crowded: endpoints$/);
    assert.equal(await page.getByRole('row').count(), 251, 'a header row and 250 endpoints');
    await page.getByRole('main').getByText('Showing the first 250 endpoints.').waitFor();
    await page.context().close();
  });
});
