import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { MessageAttemptOut } from 'svix';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { respondInOrder, startReceiver, type Receiver, type ReceiverHandler } from './support/receiver.js';

/** An attempt as JSON, with the fields Hookline adds to the Svix shape (the SDK drops them). */
type Attempt = Omit<MessageAttemptOut, 'timestamp'> & {
  timestamp: string;
  errorCode: string | null;
  errorDetail: string | null;
  nextAttempt: string | null;
};

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function attemptsOf(server: TestServer, appId: string, messageId: string, count: number) {
  return eventually(async () => {
    const response = await server.fetch(`/api/v1/app/${appId}/attempt/msg/${messageId}`);
    const list = (await response.json()) as { data: Attempt[] };
    return list.data.length >= count ? list.data : undefined;
  }, 15_000, `${count} attempts of ${messageId}`);
}

describe('delivery failures', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startHookline({ HOOKLINE_DELIVERY_TIMEOUT: '0.5' });
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(handler: ReceiverHandler) {
    const created = await startReceiver(handler);
    receivers.push(created);
    return created;
  }

  it('never follows a redirect', async () => {
    const elsewhere = await receiver(respondInOrder(200));
    const app = await server.svix.application.create({ name: 'redirects' });

    for (const status of [301, 302, 303, 307, 308]) {
      const location = `${elsewhere.url}/in`;
      const target = await receiver(() => ({ status, headers: { location } }));
      await server.svix.endpoint.create(app.id, { url: target.url, filterTypes: null, uid: `redirect-${status}` });
      const message = await server.svix.message.create(app.id, { eventType: 'redirect.test', payload: {} });

      // Three retries on the test schedule, then the delivery is exhausted.
      const attempts = await attemptsOf(server, app.id, message.id, 4);
      for (const attempt of attempts) {
        assert.equal(attempt.status, 2, `${status} is a failure`);
        assert.equal(attempt.responseStatusCode, status);
        assert.equal(attempt.errorCode, 'redirect');
        assert.ok(attempt.errorDetail?.includes(location), `${status} names the Location`);
      }
      await server.svix.endpoint.delete(app.id, `redirect-${status}`);
    }
    assert.equal(elsewhere.requests.length, 0, 'the Location is never requested');
  });

  it('disables an endpoint answering 410', async () => {
    // The first message fails with 500 and waits for its retry; the second gets 410, which
    // must cancel the pending retry of the first.
    const gone = await receiver((request) => ({
      status: JSON.parse(request.body.toString()).step === 'first' ? 500 : 410,
    }));
    const notFound = await receiver(respondInOrder(404));
    const slow = await startHookline({ HOOKLINE_RETRY_SCHEDULE: '1.5,1.5' });
    try {
      const app = await slow.svix.application.create({ name: 'gone' });
      const goneEndpoint = await slow.svix.endpoint.create(app.id, { url: gone.url });
      const notFoundEndpoint = await slow.svix.endpoint.create(app.id, { url: notFound.url });

      const first = await slow.svix.message.create(app.id, { eventType: 'e.x', payload: { step: 'first' } });
      await gone.waitForRequests(1);
      await slow.svix.message.create(app.id, { eventType: 'e.x', payload: { step: 'second' } });
      await gone.waitForRequests(2);

      const disabled = await eventually(async () => {
        const endpoint = await slow.svix.endpoint.get(app.id, goneEndpoint.id);
        return endpoint.disabled ? endpoint : undefined;
      });
      assert.equal(disabled.disabled, true);
      const raw = await slow.fetch(`/api/v1/app/${app.id}/endpoint/${goneEndpoint.id}`);
      assert.equal(((await raw.json()) as { disabledReason: string }).disabledReason, 'gone');

      // Past the latest jittered retry of the first message (1.5 s + 20%), the 404 endpoint
      // was retried and the 410 endpoint was not.
      const retryDeadline = gone.requests[0]!.receivedAt + 1_800 + 400;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryDeadline - Date.now())));
      await notFound.waitForRequests(3, 10_000);
      assert.equal(gone.requests.length, 2, 'no retry after 410');
      const attempts = (await slow.svix.messageAttempt.listByMsg(app.id, first.id)).data;
      const toGone = attempts.filter((attempt) => attempt.endpointId === goneEndpoint.id);
      assert.equal(toGone.length, 1);

      const stillEnabled = await slow.svix.endpoint.get(app.id, notFoundEndpoint.id);
      assert.equal(stillEnabled.disabled, false);
    } finally {
      await slow.close();
    }
  });

  it('times out a slow endpoint', async () => {
    const target = await receiver(() => ({ status: 200, delayMs: 2_000 }));
    const app = await server.svix.application.create({ name: 'slow' });
    await server.svix.endpoint.create(app.id, { url: target.url });
    const message = await server.svix.message.create(app.id, { eventType: 'e.slow', payload: {} });

    const [attempt] = await attemptsOf(server, app.id, message.id, 1);
    assert.equal(attempt!.errorCode, 'timeout');
    assert.equal(attempt!.status, 2);
    assert.ok(attempt!.responseDurationMs < 1_900, 'the attempt ends at the timeout');

    const requests = await target.waitForRequests(2);
    assert.equal(requests[1]!.headers['webhook-id'], message.id);
  });

  it('records connection refused', async () => {
    const port = await freePort();
    const app = await server.svix.application.create({ name: 'refused' });
    await server.svix.endpoint.create(app.id, { url: `http://127.0.0.1:${port}/` });
    const message = await server.svix.message.create(app.id, { eventType: 'e.refused', payload: {} });

    const [attempt] = await attemptsOf(server, app.id, message.id, 1);
    assert.equal(attempt!.errorCode, 'connection_refused');
    assert.equal(attempt!.responseStatusCode, 0);
  });

  it('records a TLS handshake failure', async () => {
    const plain = await receiver(respondInOrder(200));
    const app = await server.svix.application.create({ name: 'tls' });
    await server.svix.endpoint.create(app.id, { url: plain.url.replace('http:', 'https:') });
    const message = await server.svix.message.create(app.id, { eventType: 'e.tls', payload: {} });

    const [attempt] = await attemptsOf(server, app.id, message.id, 1);
    assert.equal(attempt!.errorCode, 'tls_error');
  });

  it('waits for Retry-After on 503', async () => {
    const target = await receiver(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const app = await server.svix.application.create({ name: 'retry-after' });
    await server.svix.endpoint.create(app.id, { url: target.url });
    const before = Date.now();
    const message = await server.svix.message.create(app.id, { eventType: 'e.busy', payload: {} });

    const [attempt] = await attemptsOf(server, app.id, message.id, 1);
    const next = Date.parse(attempt!.nextAttempt ?? '');
    assert.ok(next >= before + 120_000, `next attempt ${attempt!.nextAttempt} is at least 120 s away`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(target.requests.length, 1, 'no early retry');
  });
});

describe('filtering', () => {
  it('routes by event type and channel', async () => {
    const server = await startHookline();
    const all = await startReceiver();
    const typed = await startReceiver();
    const channeled = await startReceiver();
    const disabled = await startReceiver();
    try {
      await server.svix.eventType.create({ name: 'user.created', description: 'A user was created' });
      const app = await server.svix.application.create({ name: 'filters' });
      await server.svix.endpoint.create(app.id, { url: all.url });
      await server.svix.endpoint.create(app.id, { url: typed.url, filterTypes: ['user.created'] });
      await server.svix.endpoint.create(app.id, { url: channeled.url, channels: ['team-a'] });
      await server.svix.endpoint.create(app.id, { url: disabled.url, disabled: true });

      const userCreated = await server.svix.message.create(app.id, { eventType: 'user.created', payload: {} });
      const teamA = await server.svix.message.create(app.id, {
        eventType: 'user.deleted',
        payload: {},
        channels: ['team-b', 'team-a'],
      });
      const teamB = await server.svix.message.create(app.id, {
        eventType: 'user.deleted',
        payload: {},
        channels: ['team-b'],
      });

      await all.waitForRequests(3);
      await typed.waitForRequests(1);
      await channeled.waitForRequests(1);
      // Give any wrong delivery time to arrive before checking counts.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const idsOf = (receiver: Receiver) => receiver.requests.map((request) => request.headers['webhook-id']).sort();
      assert.deepEqual(idsOf(all), [userCreated.id, teamA.id, teamB.id].sort());
      assert.deepEqual(idsOf(typed), [userCreated.id]);
      assert.deepEqual(idsOf(channeled), [teamA.id]);
      assert.equal(disabled.requests.length, 0);
    } finally {
      await server.close();
      await Promise.all([all, typed, channeled, disabled].map((receiver) => receiver.close()));
    }
  });
});
