import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException } from 'svix';
import { startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { verifyHmac } from './support/signatures.js';

const invoiceSchema = {
  type: 'object',
  required: ['invoiceId', 'amount'],
  properties: {
    invoiceId: { type: 'string' },
    amount: { type: 'integer', minimum: 0 },
  },
  examples: [
    { invoiceId: 'in_1', amount: 100 },
    { invoiceId: 'in_2', amount: 250 },
  ],
};

function isStatus(status: number) {
  return (error: unknown) => error instanceof ApiException && error.code === status;
}

describe('event type fields', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  it('round-trips schemas and flags', async () => {
    const created = await server.svix.eventType.create({
      name: 'invoice.paid',
      description: 'An invoice was paid',
      schemas: { '1': invoiceSchema },
      deprecated: true,
      featureFlag: 'beta-billing',
    });
    assert.deepEqual(created.schemas, { '1': invoiceSchema });
    assert.equal(created.deprecated, true);
    assert.equal(created.featureFlag, 'beta-billing');
    assert.equal(created.archived, false);

    const read = await server.svix.eventType.get('invoice.paid');
    assert.deepEqual(read.schemas, { '1': invoiceSchema });
    assert.equal(read.featureFlag, 'beta-billing');

    const patched = await server.svix.eventType.patch('invoice.paid', { deprecated: false, featureFlag: null, archived: true });
    assert.equal(patched.deprecated, false);
    assert.equal(patched.featureFlag, null);
    assert.equal(patched.archived, true);
    assert.deepEqual(patched.schemas, { '1': invoiceSchema });

    const listed = await server.svix.eventType.list({ includeArchived: true, withContent: true });
    assert.deepEqual(listed.data.find((type) => type.name === 'invoice.paid')?.schemas, { '1': invoiceSchema });
    const visible = await server.svix.eventType.list();
    assert.equal(visible.data.some((type) => type.name === 'invoice.paid'), false, 'archived types are hidden');
  });

  it('rejects invalid JSON Schemas', async () => {
    const invalid = { '1': { type: 'object', properties: { id: { type: 'no-such-type' } } } };
    await assert.rejects(
      server.svix.eventType.create({ name: 'broken.schema', description: 'x', schemas: invalid }),
      isStatus(422),
    );
    await assert.rejects(server.svix.eventType.get('broken.schema'), isStatus(404));

    const response = await server.fetch('/api/v1/event-type', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'broken.schema', description: 'x', schemas: { '1': 'not an object' } }),
    });
    assert.equal(response.status, 422);
  });
});

describe('payload validation', () => {
  let server: TestServer;
  let target: Receiver;

  before(async () => {
    server = await startHookline({ HOOKLINE_VALIDATE_PAYLOADS: 'true' });
    target = await startReceiver();
    await server.svix.eventType.create({ name: 'invoice.paid', description: 'paid', schemas: { '1': invoiceSchema } });
    await server.svix.eventType.create({ name: 'free.form', description: 'no schema' });
  });
  after(async () => {
    await server.close();
    await target.close();
  });

  it('rejects invalid payloads and stores nothing', async () => {
    const app = await server.svix.application.create({ name: 'validated' });
    await server.svix.endpoint.create(app.id, { url: target.url });

    const response = await server.fetch(`/api/v1/app/${app.id}/msg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'invoice.paid', payload: { invoiceId: 5, amount: -1 } }),
    });
    assert.equal(response.status, 422);
    const body = (await response.json()) as { code: string; detail: Array<{ loc: string[]; msg: string; type: string }> };
    assert.equal(body.code, 'validation');
    assert.deepEqual(
      body.detail.map((issue) => issue.loc),
      [
        ['body', 'payload', 'invoiceId'],
        ['body', 'payload', 'amount'],
      ],
    );
    assert.match(body.detail[0]!.msg, /payload\.invoiceId must be string/);
    assert.equal(body.detail[1]!.type, 'value_error.jsonschema.minimum');

    await assert.rejects(
      server.svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoiceId: 'in_1' } }),
      isStatus(422),
    );
    assert.equal((await server.svix.message.list(app.id)).data.length, 0);

    // An unknown application is not created by a rejected message either.
    await assert.rejects(
      server.svix.message.create('new-app', {
        eventType: 'invoice.paid',
        payload: {},
        application: { name: 'New', uid: 'new-app' },
      }),
      isStatus(422),
    );
    await assert.rejects(server.svix.application.get('new-app'), isStatus(404));
  });

  it('accepts valid and unschematized payloads', async () => {
    const app = await server.svix.application.create({ name: 'accepted' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: target.url });
    const { key } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    const before = target.requests.length;

    await server.svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoiceId: 'in_9', amount: 9 } });
    await server.svix.message.create(app.id, { eventType: 'free.form', payload: { anything: [1, 2] } });
    await server.svix.message.create(app.id, { eventType: 'not.registered', payload: { x: 1 } });
    const requests = (await target.waitForRequests(before + 3)).slice(before);
    assert.deepEqual(
      requests.map((request) => verifyHmac(key, request)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [{ anything: [1, 2] }, { invoiceId: 'in_9', amount: 9 }, { x: 1 }],
    );
  });

  it('follows a changed schema', async () => {
    const app = await server.svix.application.create({ name: 'changed' });
    await server.svix.eventType.create({ name: 'order.placed', description: 'placed', schemas: { '1': { type: 'object' } } });
    await server.svix.message.create(app.id, { eventType: 'order.placed', payload: { total: 'ten' } });

    const stricter = { type: 'object', properties: { total: { type: 'number' } } };
    await server.svix.eventType.patch('order.placed', { schemas: { '1': { type: 'object' }, '2': stricter } });
    await assert.rejects(
      server.svix.message.create(app.id, { eventType: 'order.placed', payload: { total: 'ten' } }),
      isStatus(422),
    );
  });
});

describe('payload validation off', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });
  after(async () => {
    await server.close();
  });

  it('accepts payloads that break the schema', async () => {
    await server.svix.eventType.create({ name: 'invoice.paid', description: 'paid', schemas: { '1': invoiceSchema } });
    const app = await server.svix.application.create({ name: 'unchecked' });
    const message = await server.svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoiceId: 5 } });
    assert.deepEqual(message.payload, { invoiceId: 5 });
  });
});

describe('send example', () => {
  let server: TestServer;
  let target: Receiver;
  let other: Receiver;

  before(async () => {
    server = await startHookline();
    target = await startReceiver();
    other = await startReceiver();
    await server.svix.eventType.create({ name: 'invoice.paid', description: 'paid', schemas: { '1': invoiceSchema } });
    await server.svix.eventType.create({ name: 'user.deleted', description: 'no schema' });
  });
  after(async () => {
    await server.close();
    await target.close();
    await other.close();
  });

  it('delivers schema examples to one endpoint', async () => {
    const app = await server.svix.application.create({ name: 'examples' });
    // The filter would exclude invoice.paid; an example goes to the named endpoint anyway.
    const endpoint = await server.svix.endpoint.create(app.id, { url: target.url, filterTypes: ['user.deleted'] });
    await server.svix.endpoint.create(app.id, { url: other.url });
    const { key } = await server.svix.endpoint.getSecret(app.id, endpoint.id);

    const first = await server.svix.endpoint.sendExample(app.id, endpoint.id, { eventType: 'invoice.paid' });
    assert.equal(first.eventType, 'invoice.paid');
    assert.deepEqual(first.payload, { invoiceId: 'in_1', amount: 100 });
    const second = await server.svix.endpoint.sendExample(app.id, endpoint.id, { eventType: 'invoice.paid', exampleIndex: 1 });
    assert.deepEqual(second.payload, { invoiceId: 'in_2', amount: 250 });
    const plain = await server.svix.endpoint.sendExample(app.id, endpoint.id, { eventType: 'user.deleted' });
    assert.deepEqual(plain.payload, { type: 'user.deleted' });

    const requests = await target.waitForRequests(3);
    const byId = new Map(requests.map((request) => [String(request.headers['webhook-id']), verifyHmac(key, request)]));
    assert.deepEqual(byId.get(first.id), { invoiceId: 'in_1', amount: 100 });
    assert.deepEqual(byId.get(second.id), { invoiceId: 'in_2', amount: 250 });
    assert.deepEqual(byId.get(plain.id), { type: 'user.deleted' });

    const stored = await server.svix.message.get(app.id, first.id);
    assert.equal(stored.eventType, 'invoice.paid');
    const attempts = await server.svix.messageAttempt.listByMsg(app.id, first.id);
    assert.ok(attempts.data.every((attempt) => attempt.endpointId === endpoint.id));
    assert.equal(other.requests.length, 0, 'other endpoints get no example');
  });

  it('rejects bad example requests', async () => {
    const app = await server.svix.application.create({ name: 'bad-examples' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/' });
    await assert.rejects(
      server.svix.endpoint.sendExample(app.id, endpoint.id, { eventType: 'invoice.paid', exampleIndex: 2 }),
      isStatus(422),
    );
    await assert.rejects(server.svix.endpoint.sendExample(app.id, endpoint.id, { eventType: 'no.such.type' }), isStatus(404));
    await assert.rejects(server.svix.endpoint.sendExample(app.id, 'ep_unknown', { eventType: 'invoice.paid' }), isStatus(404));
    assert.equal((await server.svix.message.list(app.id)).data.length, 0);
  });
});
