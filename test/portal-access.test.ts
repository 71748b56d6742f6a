import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, Svix } from 'svix';
import { listRoutes } from '../src/api/server.js';
import { findToken } from '../src/store/tokens.js';
import { startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import {
  bodyFor,
  callRoute,
  createFixtures,
  deletionsLast,
  fillPath,
  toTemplate,
  type RouteFixtures,
} from './support/route-calls.js';

/** Routes of the application itself that a portal token may not use even on its own app. */
const FORBIDDEN_ON_OWN_APP = new Set(['PUT /api/v1/app/{app_id}', 'PATCH /api/v1/app/{app_id}', 'DELETE /api/v1/app/{app_id}']);

async function sdkStatus(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

describe('app portal access', () => {
  let server: TestServer;
  let receiver: Receiver;
  let own: RouteFixtures;
  let other: RouteFixtures;
  let portalToken: string;

  before(async () => {
    server = await startHookline();
    receiver = await startReceiver();
    own = await createFixtures(server, 'portal-own', receiver.url);
    other = await createFixtures(server, 'portal-other', receiver.url);
    const access = await server.svix.authentication.appPortalAccess(own.appUid, {});
    portalToken = access.token;
    assert.ok(access.url.includes(portalToken));
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('stores the token hashed with an expiry', async () => {
    const { db } = server.hookline.store;
    const row = await db.selectFrom('api_tokens').selectAll().where('app_id', 'is not', null).executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, portalToken);
    const sevenDays = 7 * 24 * 60 * 60 * 1000;
    assert.ok(Math.abs(Number(row.expires_at) - (Date.now() + sevenDays)) < 60_000);
    assert.ok(await findToken(db, portalToken));
    assert.equal(await findToken(db, portalToken, Date.now() + sevenDays + 1000), undefined);
  });

  it('honours a requested expiry and rejects one out of range', async () => {
    const short = await server.svix.authentication.appPortalAccess(own.appUid, { expiry: 3600 });
    const { db } = server.hookline.store;
    assert.ok(await findToken(db, short.token, Date.now() + 3500_000));
    assert.equal(await findToken(db, short.token, Date.now() + 3700_000), undefined);
    assert.equal(await sdkStatus(server.svix.authentication.appPortalAccess(own.appUid, { expiry: 60 })), 422);
  });

  it('refuses every app route of another application', async () => {
    const appRoutes = listRoutes(server.hookline.api!).filter((route) => route.url.startsWith('/api/v1/app/:app_id'));
    assert.ok(appRoutes.length >= 20, `expected the app routes, found ${appRoutes.length}`);
    for (const route of deletionsLast(appRoutes.map((r) => ({ method: r.method, template: toTemplate(r.url) })))) {
      const path = fillPath(route.template, other);
      const { status, json } = await callRoute(server, portalToken, route.method, path, bodyFor(route.method, route.template, other));
      assert.equal(status, 404, `${route.method} ${route.template} on another app returned ${status}`);
      assert.equal((json as { code: string }).code, 'not_found');
    }
    // The other application is untouched.
    const endpoints = await server.svix.endpoint.list(other.appUid);
    assert.deepEqual(endpoints.data.map((e) => e.id), [other.endpointId]);
    assert.equal((await server.svix.application.get(other.appUid)).name, 'portal-other');
  });

  it('allows every app route of its own application', async () => {
    const appRoutes = listRoutes(server.hookline.api!).filter((route) => route.url.startsWith('/api/v1/app/:app_id'));
    for (const route of deletionsLast(appRoutes.map((r) => ({ method: r.method, template: toTemplate(r.url) })))) {
      const key = `${route.method} ${route.template}`;
      const path = fillPath(route.template, own);
      const { status } = await callRoute(server, portalToken, route.method, path, bodyFor(route.method, route.template, own));
      if (FORBIDDEN_ON_OWN_APP.has(key)) {
        assert.equal(status, 403, `${key} on its own app returned ${status}`);
      } else {
        assert.ok(status >= 200, `${key} on its own app returned ${status}`);
        assert.ok(status < 300, `${key} on its own app returned ${status}`);
      }
    }
  });

  it('limits global routes', async () => {
    const portal = new Svix(portalToken, { serverUrl: server.url });
    assert.equal(await sdkStatus(portal.eventType.list()), 200);
    assert.equal(await sdkStatus(portal.eventType.get(own.eventTypeName)), 200);
    assert.equal(await sdkStatus(portal.application.list()), 403);
    assert.equal(await sdkStatus(portal.application.create({ name: 'sneaky' })), 403);
    assert.equal(await sdkStatus(portal.eventType.create({ name: 'sneaky', description: '' })), 403);
    assert.equal(await sdkStatus(portal.eventType.delete(own.eventTypeName)), 403);
    assert.equal(await sdkStatus(portal.authentication.appPortalAccess(own.appUid, {})), 403);
    assert.equal(await sdkStatus(portal.backgroundTask.list()), 403);
    assert.equal(await sdkStatus(portal.application.get('no-such-app')), 404);
  });

  it('reads only its own recovery tasks', async () => {
    const portal = new Svix(portalToken, { serverUrl: server.url });
    const task = await portal.backgroundTask.get(own.taskId);
    assert.equal(task.id, own.taskId);
    assert.equal(task.task, 'endpoint.recover');
    assert.equal(await sdkStatus(portal.backgroundTask.get(other.taskId)), 404);
    assert.equal(await sdkStatus(portal.backgroundTask.get('qtask_0000000000000000000000000000')), 404);
  });

  it('makes read-only tokens read-only', async () => {
    const access = await server.svix.authentication.appPortalAccess(own.appUid, { readOnly: true });
    const portal = new Svix(access.token, { serverUrl: server.url });
    assert.equal(await sdkStatus(portal.endpoint.list(own.appUid)), 200);
    assert.equal(await sdkStatus(portal.endpoint.create(own.appUid, { url: 'http://127.0.0.1:9/' })), 403);
  });

  it('revokes a token on logout', async () => {
    const access = await server.svix.authentication.appPortalAccess(own.appUid, {});
    const portal = new Svix(access.token, { serverUrl: server.url });
    await portal.authentication.logout();
    assert.equal(await sdkStatus(portal.application.get(own.appUid)), 401);
    assert.equal(await sdkStatus(server.svix.authentication.logout()), 403);
    assert.equal(await sdkStatus(server.svix.application.get(own.appUid)), 200);
  });

  it('creates the application when asked', async () => {
    const access = await server.svix.authentication.appPortalAccess('portal-new', { application: { name: 'New' } });
    const portal = new Svix(access.token, { serverUrl: server.url });
    assert.equal((await portal.application.get('portal-new')).name, 'New');
    assert.equal(await sdkStatus(server.svix.authentication.appPortalAccess('portal-missing', {})), 404);
  });
});
