import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ApiException, MessageStatus, Ordering, type ApplicationOut } from 'svix';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { respondInOrder, startReceiver, type Receiver } from './support/receiver.js';

interface ErrorBody {
  code: string;
  detail: string;
}

interface ValidationIssue {
  loc: string[];
  msg: string;
  type: string;
}

interface ValidationBody {
  code: string;
  detail: ValidationIssue[];
}

/** Awaits a request that must fail and returns the SDK's error for it. */
async function apiError<T = ErrorBody>(request: Promise<unknown>): Promise<ApiException<T>> {
  try {
    await request;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<T>;
    throw error;
  }
  assert.fail('the request succeeded, but an API error was expected');
}

/** Posts `body` as JSON. A string is sent as-is, so a test can send malformed JSON. */
function postJson(
  server: TestServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return server.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Sends `GET http://host/path` (an absolute-form request line) and returns the status. */
function getAbsoluteForm(server: TestServer, path: string): Promise<number> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: hostname, port: Number(port), path: server.url + path, timeout: 5000 },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on('error', reject);
    request.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function randomSecret(): string {
  return randomBytes(32).toString('base64');
}

describe('applications', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  it('create returns 201', async () => {
    const response = await postJson(server, '/api/v1/app', { name: 'Billing', uid: 'billing' });
    const body = (await response.json()) as ApplicationOut;

    assert.equal(response.status, 201);
    assert.match(body.id, /^app_/);
    assert.equal(body.name, 'Billing');
    assert.equal(body.uid, 'billing');
  });

  it('get by id', async () => {
    const created = await server.svix.application.create({ name: 'By id' });
    const fetched = await server.svix.application.get(created.id);

    assert.equal(fetched.id, created.id);
    assert.equal(fetched.name, 'By id');
  });

  it('get by uid', async () => {
    const created = await server.svix.application.create({ name: 'By uid', uid: 'by-uid' });
    const fetched = await server.svix.application.get('by-uid');

    assert.equal(fetched.id, created.id);
    assert.equal(fetched.uid, 'by-uid');
  });

  it('update replaces fields', async () => {
    const created = await server.svix.application.create({
      name: 'Before put',
      uid: 'put-target',
      metadata: { team: 'payments' },
      rateLimit: 10,
    });
    const updated = await server.svix.application.update(created.id, { name: 'After put' });

    assert.equal(updated.id, created.id);
    assert.equal(updated.name, 'After put');
    assert.deepEqual(updated.metadata, {});
    assert.equal(updated.rateLimit ?? null, null);
    assert.equal(updated.uid, 'put-target');
  });

  it('patch keeps other fields', async () => {
    const created = await server.svix.application.create({
      name: 'Before patch',
      metadata: { team: 'payments' },
      rateLimit: 10,
    });
    const patched = await server.svix.application.patch(created.id, { name: 'After patch' });

    assert.equal(patched.name, 'After patch');
    assert.deepEqual(patched.metadata, { team: 'payments' });
    assert.equal(patched.rateLimit, 10);
  });

  it('delete then get is 404', async () => {
    const created = await server.svix.application.create({ name: 'Doomed' });
    await server.svix.application.delete(created.id);
    const error = await apiError(server.svix.application.get(created.id));

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
  });

  it('getOrCreate returns existing app', async () => {
    const created = await server.svix.application.create({ name: 'Original', uid: 'shared-uid' });
    const fetched = await server.svix.application.getOrCreate({ name: 'Other', uid: 'shared-uid' });

    assert.equal(fetched.id, created.id);
    assert.equal(fetched.name, 'Original');
  });

  it('getOrCreate creates missing app', async () => {
    const created = await server.svix.application.getOrCreate({ name: 'Fresh', uid: 'fresh-uid' });
    const fetched = await server.svix.application.get('fresh-uid');

    assert.equal(fetched.id, created.id);
    assert.equal(fetched.name, 'Fresh');
  });

  it('duplicate uid is 409', async () => {
    await server.svix.application.create({ name: 'First', uid: 'taken' });
    const error = await apiError(server.svix.application.create({ name: 'Second', uid: 'taken' }));

    assert.equal(error.code, 409);
    assert.equal(error.body.code, 'conflict');
  });
});

describe('application list', () => {
  let server: TestServer;
  const ids: string[] = [];

  before(async () => {
    server = await startHookline();
    for (let i = 0; i < 5; i++) {
      const app = await server.svix.application.create({ name: `Page ${i}` });
      ids.push(app.id);
    }
  });
  after(async () => {
    await server.close();
  });

  it('first page stops at limit', async () => {
    const page = await server.svix.application.list({ limit: 2 });

    assert.deepEqual(page.data.map((app) => app.id), ids.slice(0, 2));
    assert.equal(page.done, false);
    assert.equal(page.iterator, ids[1]);
  });

  it('iterator continues to last page', async () => {
    const first = await server.svix.application.list({ limit: 2 });
    const second = await server.svix.application.list({ limit: 2, iterator: first.iterator });
    const third = await server.svix.application.list({ limit: 2, iterator: second.iterator });

    assert.deepEqual(second.data.map((app) => app.id), ids.slice(2, 4));
    assert.equal(second.done, false);
    assert.deepEqual(third.data.map((app) => app.id), ids.slice(4));
    assert.equal(third.done, true);
  });

  it('prevIterator walks back', async () => {
    const first = await server.svix.application.list({ limit: 2 });
    const second = await server.svix.application.list({ limit: 2, iterator: first.iterator });
    const third = await server.svix.application.list({ limit: 2, iterator: second.iterator });
    const backToSecond = await server.svix.application.list({
      limit: 2,
      iterator: third.prevIterator,
    });
    const backToFirst = await server.svix.application.list({
      limit: 2,
      iterator: backToSecond.prevIterator,
    });

    assert.deepEqual(backToSecond.data.map((app) => app.id), ids.slice(2, 4));
    assert.deepEqual(backToFirst.data.map((app) => app.id), ids.slice(0, 2));
  });

  it('descending order reverses list', async () => {
    const page = await server.svix.application.list({ limit: 10, order: Ordering.Descending });

    assert.deepEqual(page.data.map((app) => app.id), [...ids].reverse());
    assert.equal(page.done, true);
  });
});

describe('event types', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  async function listNames(includeArchived: boolean): Promise<string[]> {
    const page = await server.svix.eventType.list({ includeArchived, limit: 250 });
    return page.data.map((eventType) => eventType.name);
  }

  it('create returns event type', async () => {
    const created = await server.svix.eventType.create({
      name: 'invoice.created',
      description: 'An invoice was created',
    });

    assert.equal(created.name, 'invoice.created');
    assert.equal(created.description, 'An invoice was created');
    assert.equal(created.archived, false);
  });

  it('get by name', async () => {
    await server.svix.eventType.create({ name: 'invoice.sent', description: 'Sent' });
    const fetched = await server.svix.eventType.get('invoice.sent');

    assert.equal(fetched.name, 'invoice.sent');
    assert.equal(fetched.description, 'Sent');
  });

  it('list hides archived types', async () => {
    await server.svix.eventType.create({ name: 'list.live', description: 'Live' });
    await server.svix.eventType.create({ name: 'list.old', description: 'Old', archived: true });
    const names = await listNames(false);

    assert.ok(names.includes('list.live'), `list.live missing from ${names.join(', ')}`);
    assert.ok(!names.includes('list.old'), `list.old listed in ${names.join(', ')}`);
  });

  it('list includes archived on request', async () => {
    await server.svix.eventType.create({ name: 'list.retired', description: 'Retired' });
    await server.svix.eventType.delete('list.retired');
    const names = await listNames(true);

    assert.ok(names.includes('list.retired'), `list.retired missing from ${names.join(', ')}`);
  });

  it('update replaces description', async () => {
    await server.svix.eventType.create({
      name: 'order.put',
      description: 'Old text',
      featureFlag: 'beta',
    });
    const updated = await server.svix.eventType.update('order.put', { description: 'New text' });

    assert.equal(updated.description, 'New text');
    assert.equal(updated.featureFlag ?? null, null);
  });

  it('patch keeps other fields', async () => {
    await server.svix.eventType.create({
      name: 'order.patch',
      description: 'Kept text',
      featureFlag: 'beta',
    });
    const patched = await server.svix.eventType.patch('order.patch', { deprecated: true });

    assert.equal(patched.deprecated, true);
    assert.equal(patched.description, 'Kept text');
    assert.equal(patched.featureFlag, 'beta');
  });

  it('delete archives type', async () => {
    await server.svix.eventType.create({ name: 'order.archive', description: 'Archive me' });
    await server.svix.eventType.delete('order.archive');
    const fetched = await server.svix.eventType.get('order.archive');

    assert.equal(fetched.archived, true);
    assert.ok(!(await listNames(false)).includes('order.archive'));
  });

  it('delete with expunge removes', async () => {
    await server.svix.eventType.create({ name: 'order.expunge', description: 'Remove me' });
    await server.svix.eventType.delete('order.expunge', { expunge: true });
    const error = await apiError(server.svix.eventType.get('order.expunge'));

    assert.equal(error.code, 404);
    assert.ok(!(await listNames(true)).includes('order.expunge'));
  });
});

describe('endpoints', () => {
  let server: TestServer;
  let appCount = 0;

  before(async () => {
    server = await startHookline();
    await server.svix.eventType.create({ name: 'user.created', description: 'User created' });
    await server.svix.eventType.create({ name: 'user.deleted', description: 'User deleted' });
  });
  after(async () => {
    await server.close();
  });

  async function newApp(): Promise<string> {
    appCount++;
    const app = await server.svix.application.create({ name: `Endpoints ${appCount}` });
    return app.id;
  }

  it('create generates usable secret', async () => {
    const appId = await newApp();
    const endpoint = await server.svix.endpoint.create(appId, { url: 'http://127.0.0.1:9/a' });
    const { key } = await server.svix.endpoint.getSecret(appId, endpoint.id);

    assert.match(key, /^whsec_[A-Za-z0-9+/=]+$/);
    const webhook = new Webhook(key);
    const timestamp = new Date();
    const signature = webhook.sign('msg_1', timestamp, '{"ok":true}');
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    };
    assert.deepEqual(webhook.verify('{"ok":true}', headers), { ok: true });
  });

  it('create keeps given secret', async () => {
    const appId = await newApp();
    const secret = `whsec_${randomSecret()}`;
    const endpoint = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/b',
      secret,
    });
    const { key } = await server.svix.endpoint.getSecret(appId, endpoint.id);

    assert.equal(key, secret);
  });

  it('given secret gains whsec_ prefix', async () => {
    const appId = await newApp();
    const secret = randomSecret();
    const endpoint = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/c',
      secret,
    });
    const { key } = await server.svix.endpoint.getSecret(appId, endpoint.id);

    assert.equal(key, `whsec_${secret}`);
  });

  it('unknown filterTypes is 422', async () => {
    const appId = await newApp();
    const error = await apiError<ValidationBody>(
      server.svix.endpoint.create(appId, {
        url: 'http://127.0.0.1:9/d',
        filterTypes: ['user.created', 'no.such.type'],
      }),
    );

    assert.equal(error.code, 422);
    assert.ok(error.body.detail[0]!.loc.includes('filterTypes'));
  });

  it('filterTypes and channels round-trip', async () => {
    const appId = await newApp();
    const created = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/e',
      filterTypes: ['user.created', 'user.deleted'],
      channels: ['project_1', 'project_2'],
    });
    const fetched = await server.svix.endpoint.get(appId, created.id);

    assert.deepEqual(fetched.filterTypes, ['user.created', 'user.deleted']);
    assert.deepEqual(fetched.channels, ['project_1', 'project_2']);
  });

  it('get by uid', async () => {
    const appId = await newApp();
    const created = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/f',
      uid: 'primary-hook',
    });
    const fetched = await server.svix.endpoint.get(appId, 'primary-hook');

    assert.equal(fetched.id, created.id);
    assert.equal(fetched.uid, 'primary-hook');
  });

  it('list returns app endpoints', async () => {
    const appId = await newApp();
    const otherAppId = await newApp();
    const first = await server.svix.endpoint.create(appId, { url: 'http://127.0.0.1:9/g1' });
    const second = await server.svix.endpoint.create(appId, { url: 'http://127.0.0.1:9/g2' });
    await server.svix.endpoint.create(otherAppId, { url: 'http://127.0.0.1:9/g3' });
    const page = await server.svix.endpoint.list(appId);

    assert.deepEqual(page.data.map((endpoint) => endpoint.id), [first.id, second.id]);
    assert.equal(page.done, true);
  });

  it('update replaces fields', async () => {
    const appId = await newApp();
    const created = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/h',
      description: 'Old endpoint',
      filterTypes: ['user.created'],
      channels: ['project_1'],
    });
    const updated = await server.svix.endpoint.update(appId, created.id, {
      url: 'http://127.0.0.1:9/h2',
    });

    assert.equal(updated.url, 'http://127.0.0.1:9/h2');
    assert.equal(updated.description, '');
    assert.equal(updated.filterTypes ?? null, null);
    assert.equal(updated.channels ?? null, null);
  });

  it('patch keeps other fields', async () => {
    const appId = await newApp();
    const created = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/i',
      description: 'Kept endpoint',
      filterTypes: ['user.created'],
    });
    const patched = await server.svix.endpoint.patch(appId, created.id, {
      url: 'http://127.0.0.1:9/i2',
    });

    assert.equal(patched.url, 'http://127.0.0.1:9/i2');
    assert.equal(patched.description, 'Kept endpoint');
    assert.deepEqual(patched.filterTypes, ['user.created']);
  });

  it('delete then get is 404', async () => {
    const appId = await newApp();
    const created = await server.svix.endpoint.create(appId, { url: 'http://127.0.0.1:9/j' });
    await server.svix.endpoint.delete(appId, created.id);
    const error = await apiError(server.svix.endpoint.get(appId, created.id));

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
  });

  it('disabled flag round-trips', async () => {
    const appId = await newApp();
    const created = await server.svix.endpoint.create(appId, {
      url: 'http://127.0.0.1:9/k',
      disabled: true,
    });
    const fetched = await server.svix.endpoint.get(appId, created.id);
    const enabled = await server.svix.endpoint.patch(appId, created.id, { disabled: false });

    assert.equal(created.disabled, true);
    assert.equal(fetched.disabled, true);
    assert.equal(enabled.disabled, false);
  });

  for (const url of ['ftp://example.com/hook', 'not-a-url']) {
    it(`url ${url} is 422`, async () => {
      const appId = await newApp();
      const error = await apiError<ValidationBody>(server.svix.endpoint.create(appId, { url }));

      assert.equal(error.code, 422);
      assert.deepEqual(error.body.detail[0]!.loc, ['body', 'url']);
    });
  }

  for (const header of ['webhook-id', 'Host']) {
    it(`header ${header} is 422`, async () => {
      const appId = await newApp();
      const error = await apiError<ValidationBody>(
        server.svix.endpoint.create(appId, {
          url: 'http://127.0.0.1:9/l',
          headers: { [header]: 'forged' },
        }),
      );

      assert.equal(error.code, 422);
      assert.deepEqual(error.body.detail[0]!.loc, ['body', 'headers', header]);
    });
  }
});

describe('messages', () => {
  let server: TestServer;
  let appCount = 0;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  async function newApp(): Promise<string> {
    appCount++;
    const app = await server.svix.application.create({ name: `Messages ${appCount}` });
    return app.id;
  }

  async function listIds(appId: string, options = {}): Promise<string[]> {
    const page = await server.svix.message.list(appId, { limit: 250, ...options });
    return page.data.map((message) => message.id);
  }

  it('create returns 202', async () => {
    const appId = await newApp();
    const payload = { invoice: 'in_1', lines: [1, 2] };
    const response = await postJson(server, `/api/v1/app/${appId}/msg`, {
      eventType: 'invoice.paid',
      payload,
    });
    const body = (await response.json()) as Record<string, unknown>;

    assert.equal(response.status, 202);
    assert.match(String(body.id), /^msg_/);
    assert.equal(body.eventType, 'invoice.paid');
    assert.deepEqual(body.payload, payload);
  });

  it('withContent false omits payload', async () => {
    const appId = await newApp();
    const created = await server.svix.message.create(
      appId,
      { eventType: 'invoice.paid', payload: { secret: 'value' } },
      { withContent: false },
    );
    const fetched = await server.svix.message.get(appId, created.id, { withContent: false });

    assert.deepEqual(created.payload, {});
    assert.deepEqual(fetched.payload, {});
  });

  it('get by id', async () => {
    const appId = await newApp();
    const created = await server.svix.message.create(appId, {
      eventType: 'invoice.paid',
      payload: { n: 1 },
    });
    const fetched = await server.svix.message.get(appId, created.id);

    assert.equal(fetched.id, created.id);
    assert.deepEqual(fetched.payload, { n: 1 });
  });

  it('get by eventId', async () => {
    const appId = await newApp();
    const created = await server.svix.message.create(appId, {
      eventType: 'invoice.paid',
      eventId: 'evt-lookup',
      payload: {},
    });
    const fetched = await server.svix.message.get(appId, 'evt-lookup');

    assert.equal(fetched.id, created.id);
    assert.equal(fetched.eventId, 'evt-lookup');
  });

  it('list returns newest first', async () => {
    const appId = await newApp();
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const message = await server.svix.message.create(appId, { eventType: 'a.b', payload: { i } });
      created.push(message.id);
    }

    assert.deepEqual(await listIds(appId), [...created].reverse());
  });

  it('list filters by event type', async () => {
    const appId = await newApp();
    const paid = await server.svix.message.create(appId, { eventType: 'inv.paid', payload: {} });
    await server.svix.message.create(appId, { eventType: 'inv.void', payload: {} });
    const sent = await server.svix.message.create(appId, { eventType: 'inv.sent', payload: {} });

    const ids = await listIds(appId, { eventTypes: ['inv.paid', 'inv.sent'] });

    assert.deepEqual(ids, [sent.id, paid.id]);
  });

  it('list filters by channel', async () => {
    const appId = await newApp();
    const matching = await server.svix.message.create(appId, {
      eventType: 'a.b',
      payload: {},
      channels: ['tenant_1', 'eu'],
    });
    await server.svix.message.create(appId, { eventType: 'a.b', payload: {}, channels: ['us'] });
    await server.svix.message.create(appId, { eventType: 'a.b', payload: {} });

    assert.deepEqual(await listIds(appId, { channel: 'eu' }), [matching.id]);
  });

  it('channel filter treats _ literally', async () => {
    const appId = await newApp();
    const matching = await server.svix.message.create(appId, {
      eventType: 'a.b',
      payload: {},
      channels: ['tenant_1'],
    });
    await server.svix.message.create(appId, {
      eventType: 'a.b',
      payload: {},
      channels: ['tenantx1'],
    });

    assert.deepEqual(await listIds(appId, { channel: 'tenant_1' }), [matching.id]);
  });

  it('list before and after timestamp', async () => {
    const appId = await newApp();
    const first = await server.svix.message.create(appId, { eventType: 'a.b', payload: {} });
    await sleep(5);
    const middle = await server.svix.message.create(appId, { eventType: 'a.b', payload: {} });
    await sleep(5);
    const last = await server.svix.message.create(appId, { eventType: 'a.b', payload: {} });

    assert.deepEqual(await listIds(appId, { before: middle.timestamp }), [first.id]);
    assert.deepEqual(await listIds(appId, { after: middle.timestamp }), [last.id]);
  });

  it('repeated eventId is 409', async () => {
    const appId = await newApp();
    const message = { eventType: 'a.b', eventId: 'evt-once', payload: {} };
    await server.svix.message.create(appId, message);
    const error = await apiError(server.svix.message.create(appId, message));

    assert.equal(error.code, 409);
    assert.equal(error.body.code, 'conflict');
    assert.equal((await listIds(appId)).length, 1);
  });

  it('eventId reused in other app', async () => {
    const firstAppId = await newApp();
    const secondAppId = await newApp();
    const message = { eventType: 'a.b', eventId: 'evt-shared', payload: {} };
    const first = await server.svix.message.create(firstAppId, message);
    const second = await server.svix.message.create(secondAppId, message);

    assert.notEqual(second.id, first.id);
    assert.equal(second.eventId, 'evt-shared');
  });

  it('unknown app is 404', async () => {
    const error = await apiError(
      server.svix.message.create('no-such-app', { eventType: 'a.b', payload: {} }),
    );

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
  });

  it('application in body creates app', async () => {
    const message = await server.svix.message.create('tenant-42', {
      eventType: 'a.b',
      payload: {},
      application: { name: 'Tenant 42' },
    });
    const app = await server.svix.application.get('tenant-42');

    assert.equal(app.name, 'Tenant 42');
    assert.equal(app.uid, 'tenant-42');
    assert.deepEqual(await listIds('tenant-42'), [message.id]);
  });
});

describe('idempotency', () => {
  let server: TestServer;
  let appCount = 0;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  async function newApp(): Promise<string> {
    appCount++;
    const app = await server.svix.application.create({ name: `Idempotency ${appCount}` });
    return app.id;
  }

  function send(appId: string, key: string, payload: unknown = { n: 1 }): Promise<Response> {
    const message = { eventType: 'a.b', payload };
    return postJson(server, `/api/v1/app/${appId}/msg`, message, { 'idempotency-key': key });
  }

  it('repeat key replays response', async () => {
    const appId = await newApp();
    const first = await send(appId, 'key-replay');
    const second = await send(appId, 'key-replay');

    assert.equal(second.status, first.status);
    assert.equal(await second.text(), await first.text());
  });

  it('repeat key creates one message', async () => {
    const appId = await newApp();
    await send(appId, 'key-count');
    await send(appId, 'key-count');
    const page = await server.svix.message.list(appId);

    assert.equal(page.data.length, 1);
  });

  it('replay sets idempotent-replayed header', async () => {
    const appId = await newApp();
    const first = await send(appId, 'key-header');
    const second = await send(appId, 'key-header');

    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
  });

  it('different key creates another', async () => {
    const appId = await newApp();
    const first = await send(appId, 'key-one');
    const second = await send(appId, 'key-two');
    const firstBody = (await first.json()) as { id: string };
    const secondBody = (await second.json()) as { id: string };
    const page = await server.svix.message.list(appId);

    assert.notEqual(secondBody.id, firstBody.id);
    assert.equal(page.data.length, 2);
  });

  it('failed request frees key', async () => {
    const appId = await newApp();
    const rejected = await send(appId, 'key-retry', 'not an object');
    const accepted = await send(appId, 'key-retry');

    assert.equal(rejected.status, 422);
    assert.equal(accepted.status, 202);
    assert.equal(accepted.headers.get('idempotent-replayed'), null);
  });
});

describe('errors', () => {
  let server: TestServer;
  let appId: string;

  before(async () => {
    server = await startHookline();
    appId = (await server.svix.application.create({ name: 'Errors' })).id;
  });
  after(async () => {
    await server.close();
  });

  async function messageCount(): Promise<number> {
    const page = await server.svix.message.list(appId, { limit: 250 });
    return page.data.length;
  }

  it('missing token is 401', async () => {
    const response = await fetch(`${server.url}/api/v1/app`);
    const body = (await response.json()) as ErrorBody;

    assert.equal(response.status, 401);
    assert.equal(body.code, 'authentication_failed');
    assert.equal(typeof body.detail, 'string');
  });

  it('wrong token is 401', async () => {
    const response = await server.fetch('/api/v1/app', {
      headers: { authorization: 'Bearer not-the-token' },
    });
    const body = (await response.json()) as ErrorBody;

    assert.equal(response.status, 401);
    assert.equal(body.code, 'authentication_failed');
  });

  it('encoded path needs token', async () => {
    const response = await fetch(`${server.url}/%61pi/v1/app`);

    assert.equal(response.status, 401);
  });

  it('absolute-form target needs token', async () => {
    assert.equal(await getAbsoluteForm(server, '/api/v1/app'), 401);
  });

  it('unknown app is 404', async () => {
    const error = await apiError(server.svix.application.get('app-that-does-not-exist'));

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
    assert.equal(typeof error.body.detail, 'string');
  });

  it('unknown endpoint is 404', async () => {
    const error = await apiError(server.svix.endpoint.get(appId, 'ep-that-does-not-exist'));

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
  });

  it('unknown message is 404', async () => {
    const error = await apiError(server.svix.message.get(appId, 'msg-that-does-not-exist'));

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
  });

  it('malformed JSON is 400', async () => {
    const response = await postJson(server, `/api/v1/app/${appId}/msg`, '{"eventType": "a.b",');
    const body = (await response.json()) as ErrorBody;

    assert.equal(response.status, 400);
    assert.equal(body.code, 'invalid_json');
    assert.equal(await messageCount(), 0);
  });

  it('wrong field type is 422', async () => {
    const response = await postJson(server, `/api/v1/app/${appId}/msg`, {
      eventType: 5,
      payload: {},
    });
    const body = (await response.json()) as ValidationBody;

    assert.equal(response.status, 422);
    assert.ok(Array.isArray(body.detail), 'detail is an array');
    assert.equal(body.detail.length, 1);
    assert.deepEqual(body.detail[0]!.loc, ['body', 'eventType']);
    assert.equal(typeof body.detail[0]!.msg, 'string');
    assert.equal(typeof body.detail[0]!.type, 'string');
    assert.equal(await messageCount(), 0);
  });

  it('missing field is 422', async () => {
    const response = await postJson(server, `/api/v1/app/${appId}/msg`, { eventType: 'a.b' });
    const body = (await response.json()) as ValidationBody;

    assert.equal(response.status, 422);
    assert.deepEqual(body.detail[0]!.loc, ['body', 'payload']);
    assert.equal(body.detail[0]!.type, 'value_error.missing');
  });

  const badQueries = [
    ['limit', 'abc'],
    ['order', 'sideways'],
    ['with_content', 'maybe'],
  ] as const;
  for (const [name, value] of badQueries) {
    it(`query ${name}=${value} is 422`, async () => {
      const response = await server.fetch(`/api/v1/app/${appId}/msg?${name}=${value}`);
      const body = (await response.json()) as ValidationBody;

      assert.equal(response.status, 422);
      assert.deepEqual(body.detail[0]!.loc, ['query', name]);
    });
  }

  it('bad with_content creates nothing', async () => {
    const path = `/api/v1/app/${appId}/msg?with_content=maybe`;
    const response = await postJson(server, path, { eventType: 'a.b', payload: {} });

    assert.equal(response.status, 422);
    assert.equal(await messageCount(), 0);
  });

  it('health needs no token', async () => {
    const response = await fetch(`${server.url}/api/v1/health`);

    assert.equal(response.status, 204);
  });
});

describe('body size limit', () => {
  let server: TestServer;
  let appId: string;

  before(async () => {
    server = await startHookline({ HOOKLINE_MAX_PAYLOAD_BYTES: '2048' });
    appId = (await server.svix.application.create({ name: 'Size limit' })).id;
  });
  after(async () => {
    await server.close();
  });

  it('oversized body is 413', async () => {
    const payload = { blob: 'x'.repeat(4096) };
    const response = await postJson(server, `/api/v1/app/${appId}/msg`, {
      eventType: 'a.b',
      payload,
    });
    const body = (await response.json()) as ErrorBody;
    const page = await server.svix.message.list(appId);

    assert.equal(response.status, 413);
    assert.equal(body.code, 'payload_too_large');
    assert.equal(page.data.length, 0);
  });

  it('body under limit is accepted', async () => {
    const message = await server.svix.message.create(appId, {
      eventType: 'a.b',
      payload: { blob: 'x'.repeat(1024) },
    });

    assert.match(message.id, /^msg_/);
  });
});

describe('attempts', () => {
  let server: TestServer;
  let receiver: Receiver;
  let appId: string;
  let endpointId: string;
  let messageId: string;

  before(async () => {
    server = await startHookline();
    receiver = await startReceiver(respondInOrder(500, 200));
    appId = (await server.svix.application.create({ name: 'Attempts' })).id;
    const endpoint = await server.svix.endpoint.create(appId, { url: `${receiver.url}/hook` });
    endpointId = endpoint.id;
    const message = await server.svix.message.create(appId, { eventType: 'a.b', payload: {} });
    messageId = message.id;

    await eventually(
      async () => {
        const page = await server.svix.messageAttempt.listByMsg(appId, messageId);
        return page.data.length >= 2 ? page : undefined;
      },
      10_000,
      'two attempts',
    );
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it('list by message', async () => {
    const page = await server.svix.messageAttempt.listByMsg(appId, messageId);

    assert.deepEqual(page.data.map((attempt) => attempt.responseStatusCode), [200, 500]);
    assert.ok(page.data.every((attempt) => attempt.msgId === messageId));
  });

  it('list by endpoint', async () => {
    const page = await server.svix.messageAttempt.listByEndpoint(appId, endpointId);

    assert.equal(page.data.length, 2);
    assert.ok(page.data.every((attempt) => attempt.endpointId === endpointId));
  });

  it('get one attempt', async () => {
    const [latest] = (await server.svix.messageAttempt.listByMsg(appId, messageId)).data;
    const attempt = await server.svix.messageAttempt.get(appId, messageId, latest!.id);

    assert.equal(attempt.id, latest!.id);
    assert.equal(attempt.msgId, messageId);
    assert.equal(attempt.endpointId, endpointId);
    assert.equal(attempt.url, `${receiver.url}/hook`);
    assert.equal(attempt.responseStatusCode, 200);
    assert.equal(attempt.status, MessageStatus.Success);
  });

  it('status filter selects success', async () => {
    const page = await server.svix.messageAttempt.listByMsg(appId, messageId, {
      status: MessageStatus.Success,
    });

    assert.deepEqual(page.data.map((attempt) => attempt.responseStatusCode), [200]);
  });

  it('status filter selects failures', async () => {
    const page = await server.svix.messageAttempt.listByEndpoint(appId, endpointId, {
      status: MessageStatus.Fail,
    });

    assert.deepEqual(page.data.map((attempt) => attempt.responseStatusCode), [500]);
  });

  it('unknown attempt is 404', async () => {
    const error = await apiError(server.svix.messageAttempt.get(appId, messageId, 'atmpt_none'));

    assert.equal(error.code, 404);
    assert.equal(error.body.code, 'not_found');
  });
});
