import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ENGINE, TEST_POSTGRES_URL } from './support/database.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const postgresOnly = TEST_ENGINE === 'postgres' ? false : 'needs PostgreSQL (HOOKLINE_TEST_ENGINE=postgres)';

describe('database outage', { skip: postgresOnly }, () => {
  let proxy: TcpProxy;
  let server: TestServer;
  let receiver: Receiver;
  let receiverUp = false;

  before(async () => {
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.port = String(proxy.port);
    // Until receiverUp, the endpoint fails, so messages wait for retries during the outage.
    // It fails with 500, not 503: a 503 would pause the whole endpoint, which is tested elsewhere.
    receiver = await startReceiver(() => ({ status: receiverUp ? 200 : 500 }));
    server = await startHookline(
      { HOOKLINE_RETRY_SCHEDULE: '0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5' },
      target.toString(),
    );
  });
  after(async () => {
    await server.close();
    await proxy.close();
    await receiver.close();
  });

  async function status(path: string, init?: RequestInit): Promise<number> {
    const response = await server.fetch(path, init);
    await response.arrayBuffer();
    return response.status;
  }

  it('answers 503 and loses nothing', async () => {
    const app = await server.svix.application.create({ name: 'outage' });
    await server.svix.endpoint.create(app.id, { url: receiver.url });
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      accepted.push((await server.svix.message.create(app.id, { eventType: 'e.x', payload: { i } })).id);
    }
    await receiver.waitForRequests(5);

    proxy.setMode('refuse');
    const started = Date.now();
    assert.equal(await status('/api/v1/health'), 503);
    assert.equal(await status(`/api/v1/app/${app.id}`), 503);
    const send = await server.fetch(`/api/v1/app/${app.id}/msg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'e.x', payload: { during: 'outage' } }),
    });
    assert.equal(send.status, 503);
    assert.equal(((await send.json()) as { code: string }).code, 'database_unavailable');
    assert.ok(Date.now() - started < 10_000, 'answers quickly instead of hanging');

    // The endpoint recovers while the database is still down; nothing is delivered yet.
    receiverUp = true;
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    proxy.setMode('forward');
    await eventually(async () => ((await status('/api/v1/health')) === 204 ? true : undefined), 5_000);
    const delivered = async () => {
      const ok = receiver.requests.filter((request, index) => index >= 5 && request.headers['webhook-id']);
      return new Set(ok.map((request) => String(request.headers['webhook-id'])));
    };
    const deadline = Date.now() + 20_000;
    while ((await delivered()).size < accepted.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual([...(await delivered())].sort(), [...accepted].sort());

    const list = await server.svix.message.list(app.id);
    assert.equal(list.data.length, accepted.length, 'the rejected message was not stored');
  });

  it('answers 503 on a silent network', async () => {
    proxy.setMode('blackhole');
    try {
      const started = Date.now();
      assert.equal(await status('/api/v1/app'), 503);
      assert.ok(Date.now() - started < 16_000, 'gives up within the query timeout');
    } finally {
      proxy.setMode('forward');
    }
    // A request may still pick a pooled connection that died in the outage; the pool drops it.
    const recovered = await eventually(async () => ((await status('/api/v1/app')) === 200 ? true : undefined), 5_000);
    assert.equal(recovered, true);
  });
});
