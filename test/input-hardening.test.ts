import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createHookline } from '../src/hookline.js';
import { insertManualDelivery, nextDueTime } from '../src/queue/deliveries.js';
import { createTestDatabase } from './support/database.js';
import { startHookline, type TestServer } from './support/hookline.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface ErrorBody {
  code: string;
  detail: unknown;
}

describe('input hardening', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  async function call(path: string, init: RequestInit = {}) {
    const response = await server.fetch(path, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as ErrorBody };
  }

  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('rejects invalid names in paths', async () => {
    for (const path of ['/api/v1/app/a%20b', '/api/v1/app/%E2%9C%93', '/api/v1/app/a%00b', `/api/v1/app/${'u'.repeat(300)}`]) {
      const { status, body } = await call(path, json('PUT', { name: 'x' }));
      assert.equal(status, 422, path);
      assert.equal(body.code, 'validation', path);
    }
    const eventType = await call('/api/v1/event-type/%C3%BC', json('PUT', { description: 'x' }));
    assert.equal(eventType.status, 422);
    assert.equal((await server.svix.application.list()).data.length, 0, 'nothing was created');
  });

  it('answers 404 for unknown paths with slashes', async () => {
    const paths = ['/api/v1/app/acme/nosuch', '/ui/nosuch', '/UI/', '/ui//assets/app.js', '/no/such/route'];
    for (const path of paths) {
      const { status, body } = await call(path);
      assert.equal(status, 404, path);
      assert.equal(body.code, 'not_found', path);
    }
    const deleted = await call('/api/v1/app/acme/endpoint/local/health', { method: 'DELETE' });
    assert.equal(deleted.status, 404);
    assert.equal(deleted.body.code, 'not_found');
  });

  it('rejects a body uid contradicting the path', async () => {
    const put = await call('/api/v1/app/pathuid', json('PUT', { name: 'x', uid: 'bodyuid' }));
    assert.equal(put.status, 422);
    const message = await call(
      '/api/v1/app/pathuid/msg',
      json('POST', { eventType: 'a', payload: {}, application: { name: 'x', uid: 'other' } }),
    );
    assert.equal(message.status, 422);
    assert.equal((await server.svix.application.list()).data.length, 0);
  });

  it('rejects uids shaped like ids', async () => {
    const app = await server.svix.application.create({ name: 'real' });
    const clash = await call('/api/v1/app', json('POST', { name: 'clash', uid: app.id }));
    assert.equal(clash.status, 422);

    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/hook' });
    const endpointClash = await call(`/api/v1/app/${app.id}/endpoint`, json('POST', { url: 'http://127.0.0.1:9/2', uid: endpoint.id }));
    assert.equal(endpointClash.status, 422);

    const message = await server.svix.message.create(app.id, { eventType: 'a', payload: {} });
    const eventIdClash = await call(`/api/v1/app/${app.id}/msg`, json('POST', { eventType: 'a', payload: {}, eventId: message.id }));
    assert.equal(eventIdClash.status, 422);
    await server.svix.application.delete(app.id);
  });

  it('rejects unsendable header values', async () => {
    const app = await server.svix.application.create({ name: 'headers' });
    for (const value of ['café', 'a\u0001b', '✓']) {
      const response = await call(
        `/api/v1/app/${app.id}/endpoint`,
        json('POST', { url: 'http://127.0.0.1:9/hook', headers: { 'X-Custom': value } }),
      );
      assert.equal(response.status, 422, JSON.stringify(value));
    }
    const ok = await call(`/api/v1/app/${app.id}/endpoint`, json('POST', { url: 'http://127.0.0.1:9/hook', headers: { 'X-Custom': 'a b\tc' } }));
    assert.equal(ok.status, 201);
    await server.svix.application.delete(app.id);
  });

  it('uses the last repeated query value', async () => {
    const app = await server.svix.application.create({ name: 'repeat' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/hook' });
    const message = await server.svix.message.create(app.id, { eventType: 'a', payload: {} });
    const { status } = await call(`/api/v1/app/${app.id}/attempt/msg/${message.id}?endpoint_id=${endpoint.id}&endpoint_id=${endpoint.id}`);
    assert.equal(status, 200);
    await server.svix.application.delete(app.id);
  });

  it('returns JSON for router errors', async () => {
    const badEncoding = await call('/api/v1/app/%E0%A4%A');
    assert.equal(badEncoding.status, 400);
    assert.equal(badEncoding.body.code, 'bad_request');

    const longParam = await call(`/api/v1/app/${'a'.repeat(600)}`);
    assert.equal(longParam.status, 414);
    assert.equal(longParam.body.code, 'uri_too_long');
  });

  it('rejects bodies that are not UTF-8 JSON', async () => {
    const text = await call('/api/v1/app', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"x"}' });
    assert.equal(text.status, 415);
    assert.equal(text.body.code, 'unsupported_media_type');

    const utf16 = await call('/api/v1/app', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-16' },
      body: '{"name":"x"}',
    });
    assert.equal(utf16.status, 415);

    const utf8 = await call('/api/v1/app', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: '{"name":"utf8"}',
    });
    assert.equal(utf8.status, 201);
    await server.svix.application.delete(((utf8.body as unknown) as { id: string }).id);
  });

  it('rejects unpaired surrogates outside the payload', async () => {
    const name = await call('/api/v1/app', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a\\ud800b"}' });
    assert.equal(name.status, 400);
    assert.equal(name.body.code, 'invalid_json');

    const app = await server.svix.application.create({ name: 'surrogates' });
    const payload = await call(`/api/v1/app/${app.id}/msg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"eventType":"a","payload":{"s":"\\ud800"}}',
    });
    assert.equal(payload.status, 202, 'the payload keeps its escapes as sent');
    await server.svix.application.delete(app.id);
  });
});

describe('startup settings', () => {
  it('rejects unusable values', () => {
    assert.throws(() => loadConfig({ HOOKLINE_LOG_LEVEL: 'bogus' }), /HOOKLINE_LOG_LEVEL is invalid/);
    assert.throws(() => loadConfig({ HOOKLINE_WORKER_CONCURRENCY: '0.5' }), /HOOKLINE_WORKER_CONCURRENCY is invalid/);
    assert.throws(() => loadConfig({ HOOKLINE_DELIVERY_TIMEOUT: '3000000' }), /HOOKLINE_DELIVERY_TIMEOUT is invalid/);
    assert.equal(loadConfig({ HOOKLINE_LOG_LEVEL: 'WARN' }).logLevel, 'warn');
  });

  it('revokes the generated token when one is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-token-'));
    const database = createTestDatabase(dir);
    const logger = pino({ level: 'silent' });
    const base = { HOOKLINE_LISTEN: '127.0.0.1:0', HOOKLINE_DATABASE_URL: database.url };
    try {
      const first = await createHookline(loadConfig(base), logger);
      const generated = first.generatedToken;
      await first.close();
      assert.ok(generated?.startsWith('hl_'), 'a token is generated at first start');

      const again = await createHookline(loadConfig(base), logger);
      assert.equal(again.generatedToken, null, 'the token is shown only once');
      await again.close();

      const second = await createHookline(loadConfig({ ...base, HOOKLINE_ADMIN_TOKEN: 'replacement' }), logger);
      const address = await second.listen();
      const statusWith = async (token: string) =>
        (await fetch(`http://${address}/api/v1/app`, { headers: { authorization: `Bearer ${token}` } })).status;
      assert.equal(await statusWith('replacement'), 200);
      assert.equal(await statusWith(generated!), 401);
      await second.close();
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('idle worker', () => {
  it('ignores deliveries to disabled endpoints', async () => {
    const server = await startHookline();
    // Stopped, so no claim races the checks below.
    await server.hookline.worker!.stop();
    try {
      const app = await server.svix.application.create({ name: 'idle' });
      const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/hook', disabled: true });
      const message = await server.svix.message.create(app.id, { eventType: 'a', payload: {} });
      await insertManualDelivery(server.hookline.store.db, message.id, endpoint.id, app.id, Date.now() - 1000);

      // The claim skips it, so the worker must not count it as due or it would spin.
      assert.equal(await nextDueTime(server.hookline.store.db), null);
      await server.svix.endpoint.patch(app.id, endpoint.id, { disabled: false });
      assert.ok((await nextDueTime(server.hookline.store.db)) !== null);
    } finally {
      await server.close();
    }
  });
});
