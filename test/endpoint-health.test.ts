import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';

interface HealthOut {
  endpointId: string;
  bucketSeconds: number;
  disabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  consecutiveFailures: number;
  buckets: Array<{
    start: string;
    attempts: number;
    successes: number;
    avgDurationMs: number | null;
    maxDurationMs: number | null;
  }>;
  lastFailure: { attemptId: string; msgId: string; responseStatusCode: number } | null;
}

describe('endpoint health and attempt headers', () => {
  let server: TestServer;
  let receiver: Receiver;
  let failing = true;
  let appId: string;
  let endpointId: string;

  before(async () => {
    server = await startHookline({ HOOKLINE_RETRY_SCHEDULE: '0.05' });
    receiver = await startReceiver(() => ({ status: failing ? 500 : 200, body: failing ? 'boom' : 'ok' }));
    appId = (await server.svix.application.create({ name: 'health' })).id;
    const endpoint = await server.svix.endpoint.create(appId, {
      url: receiver.url,
      headers: { 'X-Tenant': 'acme', 'X-Webhook-Secret': 'hunter2', Authorization: 'Bearer s3cr3t' },
    });
    endpointId = endpoint.id;
    // One message fails twice (its whole schedule), then two succeed.
    await server.svix.message.create(appId, { eventType: 'order.paid', payload: { n: 1 } });
    await receiver.waitForRequests(2);
    await eventually(async () => {
      const page = await server.svix.messageAttempt.listByEndpoint(appId, endpointId);
      return page.data.length === 2 ? true : undefined;
    }, 10_000, 'two failed attempts');
    failing = false;
    await server.svix.message.create(appId, { eventType: 'order.paid', payload: { n: 2 } });
    await server.svix.message.create(appId, { eventType: 'order.paid', payload: { n: 3 } });
    await eventually(async () => {
      const page = await server.svix.messageAttempt.listByEndpoint(appId, endpointId);
      return page.data.length === 4 ? true : undefined;
    }, 10_000, 'four attempts');
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  async function health(query = ''): Promise<{ status: number; body: unknown }> {
    const response = await server.fetch(`/api/v1/app/${appId}/endpoint/${endpointId}/health${query}`);
    return { status: response.status, body: await response.json() };
  }

  it('stores the request headers of each attempt with secrets masked', async () => {
    const raw = await (await server.fetch(`/api/v1/app/${appId}/attempt/endpoint/${endpointId}`)).text();
    assert.ok(!raw.includes('hunter2'), 'the custom secret header value is not returned');
    assert.ok(!raw.includes('s3cr3t'), 'the authorization value is not returned');

    const page = JSON.parse(raw) as { data: Array<{ msgId: string; requestHeaders: Record<string, string> | null }> };
    const attempt = page.data[0]!;
    const sent = receiver.requests.find((request) => request.headers['webhook-id'] === attempt.msgId)!;
    const headers = attempt.requestHeaders!;
    assert.equal(headers['X-Tenant'], 'acme');
    assert.equal(headers['X-Webhook-Secret'], '********');
    assert.equal(headers.Authorization, '********');
    assert.equal(headers['webhook-id'], sent.headers['webhook-id']);
    assert.equal(headers['webhook-signature'], sent.headers['webhook-signature']);
    assert.equal(headers['webhook-timestamp'], sent.headers['webhook-timestamp']);
    assert.equal(headers['content-type'], 'application/json');
  });

  it('keeps the attempt readable by the svix SDK', async () => {
    const page = await server.svix.messageAttempt.listByEndpoint(appId, endpointId);
    assert.equal(page.data.length, 4);
    assert.ok(page.data.every((attempt) => attempt.endpointId === endpointId));
    assert.ok(!('requestHeaders' in page.data[0]!), 'the SDK drops the extra field');
  });

  it('counts attempts per bucket', async () => {
    const { status, body } = await health('?buckets=4');
    assert.equal(status, 200);
    const out = body as HealthOut;
    assert.equal(out.endpointId, endpointId);
    assert.equal(out.buckets.length, 4);
    assert.equal(out.bucketSeconds, 6 * 60 * 60);
    const total = out.buckets.reduce((sum, bucket) => sum + bucket.attempts, 0);
    const successes = out.buckets.reduce((sum, bucket) => sum + bucket.successes, 0);
    assert.equal(total, 4);
    assert.equal(successes, 2);
    const last = out.buckets[3]!;
    assert.equal(last.attempts, 4, 'every attempt falls in the newest bucket');
    assert.notEqual(last.avgDurationMs, null);
    assert.ok(last.avgDurationMs! >= 0);
    assert.equal(out.buckets[0]!.avgDurationMs, null);
  });

  it('reports the last failure and the failure run', async () => {
    const out = (await health()).body as HealthOut;
    assert.equal(out.lastFailure?.responseStatusCode, 500);
    assert.equal(out.consecutiveFailures, 0, 'the successes ended the run');
    assert.equal(out.failingSince, null);
    assert.equal(out.disabled, false);
    assert.equal(out.buckets.length, 24);
  });

  it('limits the window to the given times', async () => {
    const future = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const later = new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString();
    const out = (await health(`?since=${future}&until=${later}&buckets=2`)).body as HealthOut;
    assert.deepEqual(out.buckets.map((bucket) => bucket.attempts), [0, 0]);
  });

  it('rejects a bad window with a validation error', async () => {
    const cases = [
      '?since=yesterday',
      '?buckets=0',
      '?buckets=201',
      '?buckets=2.5',
      `?since=${new Date().toISOString()}&until=2000-01-01T00:00:00Z`,
      '?since=2000-01-01T00:00:00Z',
    ];
    for (const query of cases) {
      const { status, body } = await health(query);
      assert.equal(status, 422, `${query} returned ${status}`);
      assert.equal((body as { code: string }).code, 'validation', query);
    }
  });

  it('returns 404 for an unknown endpoint', async () => {
    const response = await server.fetch(`/api/v1/app/${appId}/endpoint/ep_unknown/health`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { code: string }).code, 'not_found');
  });
});

describe('inbound source stats', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => server?.close());

  it('counts accepted and rejected requests', async () => {
    const created = await server.fetch('/ingest/api/v1/source', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'orders',
        type: 'generic-hmac',
        config: { secret: 'stats-secret', header: 'X-Signature' },
      }),
    });
    const source = (await created.json()) as { id: string };
    const post = (body: string, signature: string) =>
      fetch(`${server.url}/in/${source.id}`, { method: 'POST', headers: { 'x-signature': signature }, body });
    const sign = (body: string) => createHmac('sha256', 'stats-secret').update(body).digest('hex');

    assert.equal((await post('{"a":1}', sign('{"a":1}'))).status, 200);
    assert.equal((await post('{"a":2}', sign('{"a":2}'))).status, 200);
    assert.equal((await post('{"a":3}', sign('tampered'))).status, 401);

    const stats = (await (await server.fetch(`/ingest/api/v1/source/${source.id}/stats`)).json()) as {
      accepted: number;
      rejections: Record<string, number>;
    };
    assert.equal(stats.accepted, 2);
    assert.deepEqual(stats.rejections, { signature_mismatch: 1 });
  });
});
