import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.js';

const SECRET = 'whsec_' + Buffer.from('operational-test-secret-32-bytes').toString('base64');

interface OperationalEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Verifies a request's Standard Webhooks signature and returns its event. */
function verified(request: ReceivedRequest, secret = SECRET): OperationalEvent {
  const headers = {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  };
  return new Webhook(secret).verify(request.body.toString('utf8'), headers) as OperationalEvent;
}

describe('operational webhooks', () => {
  let operations: Receiver;
  let server: TestServer;

  before(async () => {
    operations = await startReceiver();
    server = await startHookline({
      HOOKLINE_OPERATIONAL_WEBHOOK_URL: `${operations.url}/ops`,
      HOOKLINE_OPERATIONAL_WEBHOOK_SECRET: SECRET,
      HOOKLINE_RETRY_SCHEDULE: '0.05,0.05,0.05,0.05,0.05',
    });
  });
  after(async () => {
    await server.close();
    await operations.close();
  });

  function eventsOf(type: string, endpointId: string): OperationalEvent[] {
    return operations.requests
      .map((request) => verified(request))
      .filter((event) => event.type === type && event.data.endpointId === endpointId);
  }

  async function waitForEvent(type: string, endpointId: string): Promise<OperationalEvent> {
    return eventually(() => eventsOf(type, endpointId)[0], 15_000, `${type} for ${endpointId}`);
  }

  it('reports endpoint changes', async () => {
    const app = await server.svix.application.create({ name: 'ops', uid: 'ops-app' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/', uid: 'ops-ep' });
    const created = await waitForEvent('endpoint.created', endpoint.id);
    assert.deepEqual(created.data, { appId: app.id, appUid: 'ops-app', endpointId: endpoint.id, endpointUid: 'ops-ep' });

    await server.svix.endpoint.patch(app.id, endpoint.id, { description: 'changed' });
    await waitForEvent('endpoint.updated', endpoint.id);

    await server.svix.endpoint.patch(app.id, endpoint.id, { disabled: true });
    const disabled = await waitForEvent('endpoint.disabled', endpoint.id);
    assert.equal(disabled.data.trigger, 'manual');
    assert.equal(disabled.data.reason, 'manual');
    assert.equal(typeof disabled.data.failSince, 'string');

    await server.svix.endpoint.delete(app.id, endpoint.id);
    await waitForEvent('endpoint.deleted', endpoint.id);
  });

  it('reports failing, exhausted and recovered attempts', async () => {
    const alwaysFails = await startReceiver(() => ({ status: 500 }));
    const recovers = await startReceiver((_request, index) => ({ status: index < 4 ? 500 : 200 }));
    try {
      const app = await server.svix.application.create({ name: 'ops-attempts' });
      const failing = await server.svix.endpoint.create(app.id, { url: alwaysFails.url });
      const recovering = await server.svix.endpoint.create(app.id, { url: recovers.url });
      const message = await server.svix.message.create(app.id, { eventType: 'e.ops', payload: {}, eventId: 'evt-ops' });

      const failingEvent = await waitForEvent('message.attempt.failing', failing.id);
      assert.equal(failingEvent.data.msgId, message.id);
      assert.equal(failingEvent.data.msgEventId, 'evt-ops');
      const lastAttempt = failingEvent.data.lastAttempt as { id: string; responseStatusCode: number };
      assert.match(lastAttempt.id, /^atmpt_/);
      assert.equal(lastAttempt.responseStatusCode, 500);

      await waitForEvent('message.attempt.exhausted', failing.id);
      await waitForEvent('message.attempt.failing', recovering.id);
      const recovered = await waitForEvent('message.attempt.recovered', recovering.id);
      assert.equal((recovered.data.lastAttempt as { responseStatusCode: number }).responseStatusCode, 200);
      assert.equal(eventsOf('message.attempt.exhausted', recovering.id).length, 0);
    } finally {
      await alwaysFails.close();
      await recovers.close();
    }
  });

  it('reports an endpoint disabled by 410', async () => {
    const gone = await startReceiver(() => ({ status: 410 }));
    try {
      const app = await server.svix.application.create({ name: 'ops-gone' });
      const endpoint = await server.svix.endpoint.create(app.id, { url: gone.url });
      await server.svix.message.create(app.id, { eventType: 'e.gone', payload: {} });
      const disabled = await waitForEvent('endpoint.disabled', endpoint.id);
      assert.equal(disabled.data.trigger, 'automatic');
      assert.equal(disabled.data.reason, 'gone');
    } finally {
      await gone.close();
    }
  });

  it('hides the internal application', async () => {
    const list = await server.svix.application.list({ limit: 250 });
    assert.ok(list.data.every((app) => !app.id.includes('operational')));
    const direct = await server.fetch('/api/v1/app/app_hookline_operational');
    assert.equal(direct.status, 404);
    const endpoints = await server.fetch('/api/v1/app/app_hookline_operational/endpoint');
    assert.equal(endpoints.status, 404);
  });

  it('sends no events about itself', () => {
    assert.ok(operations.requests.every((request) => request.path === '/ops'));
    const types = operations.requests.map((request) => verified(request).type);
    assert.ok(types.every((type) => type.startsWith('endpoint.') || type.startsWith('message.attempt.')));
  });
});

describe('operational webhook secret', () => {
  it('generates and keeps a secret when unset', async () => {
    const operations = await startReceiver();
    const server = await startHookline({ HOOKLINE_OPERATIONAL_WEBHOOK_URL: operations.url });
    try {
      const secret = server.hookline.generatedOperationalSecret;
      assert.match(secret ?? '', /^whsec_[A-Za-z0-9+/=]{32,}$/);
      const app = await server.svix.application.create({ name: 'generated' });
      await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/' });
      const [request] = await operations.waitForRequests(1);
      assert.equal(verified(request!, secret!).type, 'endpoint.created');
    } finally {
      await server.close();
      await operations.close();
    }
  });

  it('sends nothing when no URL is set', async () => {
    const server = await startHookline();
    try {
      assert.equal(server.hookline.generatedOperationalSecret, null);
      const rows = await server.hookline.store.db.selectFrom('applications').select('id').execute();
      assert.equal(rows.length, 0);
    } finally {
      await server.close();
    }
  });
});
