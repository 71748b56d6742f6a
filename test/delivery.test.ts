import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { respondInOrder, startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.js';

function verify(secret: string, request: ReceivedRequest): unknown {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
  );
  return new Webhook(secret).verify(request.body.toString('utf8'), headers);
}

async function createEndpoint(server: TestServer, appId: string, url: string, extra = {}) {
  const endpoint = await server.svix.endpoint.create(appId, { url, ...extra });
  const { key } = await server.svix.endpoint.getSecret(appId, endpoint.id);
  return { endpoint, secret: key };
}

describe('delivery', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(...statuses: number[]) {
    const created = await startReceiver(respondInOrder(...(statuses.length ? statuses : [200])));
    receivers.push(created);
    return created;
  }

  it('delivers a signed message that verifies', async () => {
    const target = await receiver(200);
    const app = await server.svix.application.create({ name: 'verified' });
    const { secret } = await createEndpoint(server, app.id, `${target.url}/hook`);

    const message = await server.svix.message.create(app.id, {
      eventType: 'invoice.paid',
      payload: { invoice: 'in_1', amount: 1250 },
    });

    const [request] = await target.waitForRequests(1);
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/hook');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.equal(request!.headers['webhook-id'], message.id);
    assert.equal(request!.headers['svix-id'], message.id);
    assert.equal(request!.headers['svix-signature'], request!.headers['webhook-signature']);
    assert.deepEqual(verify(secret, request!), { invoice: 'in_1', amount: 1250 });

    const timestamp = Number(request!.headers['webhook-timestamp']);
    assert.ok(Math.abs(timestamp - Date.now() / 1000) < 5, 'timestamp is the send time in seconds');
  });

  it('keeps payload bytes exactly as sent', async () => {
    const target = await receiver(200);
    const app = await server.svix.application.create({ name: 'bytes' });
    await createEndpoint(server, app.id, target.url);
    const raw = '{"eventType":"order.created","payload":{"big":12345678901234567890,"price":1.10,"text":"caf\\u00e9 \\u2028 😀"}}';

    const response = await server.fetch(`/api/v1/app/${app.id}/msg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    assert.equal(response.status, 202);

    const [request] = await target.waitForRequests(1);
    assert.equal(request!.body.toString('utf8'), '{"big":12345678901234567890,"price":1.10,"text":"caf\\u00e9 \\u2028 😀"}');
  });

  it('retries with the same id and bytes', async () => {
    const target = await receiver(500, 500, 200);
    const app = await server.svix.application.create({ name: 'retry' });
    const { endpoint, secret } = await createEndpoint(server, app.id, target.url);

    const message = await server.svix.message.create(app.id, {
      eventType: 'order.shipped',
      payload: { type: 'order.shipped', data: { id: 'o_22' } },
    });
    const requests = await target.waitForRequests(3);

    for (const request of requests) {
      assert.equal(request.headers['webhook-id'], message.id);
      assert.deepEqual(request.body, requests[0]!.body);
      verify(secret, request);
    }

    const attempts = await eventually(async () => {
      const list = await server.svix.messageAttempt.listByMsg(app.id, message.id);
      return list.data.length === 3 ? list.data : undefined;
    });
    assert.deepEqual(
      attempts.map((attempt) => attempt.responseStatusCode),
      [200, 500, 500],
    );
    assert.equal(attempts[0]!.status, 0);
    assert.equal(attempts[2]!.status, 2);
    assert.equal(attempts[0]!.endpointId, endpoint.id);

    // A manual resend carries the same id and the same bytes too.
    await server.svix.messageAttempt.resend(app.id, message.id, endpoint.id);
    const [, , , resent] = await target.waitForRequests(4);
    assert.equal(resent!.headers['webhook-id'], message.id);
    assert.deepEqual(resent!.body, requests[0]!.body);
    verify(secret, resent!);

    const manual = await eventually(async () => {
      const list = await server.svix.messageAttempt.listByMsg(app.id, message.id);
      return list.data.find((attempt) => attempt.triggerType === 1);
    });
    assert.equal(manual.responseStatusCode, 200);
  });
});
