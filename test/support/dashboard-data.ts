import { createHmac } from 'node:crypto';
import { eventually, type TestServer } from './hookline.js';
import { startReceiver, type Receiver } from './receiver.js';

/** The data the dashboard tests create: three applications, five endpoints, an inbound source. */
export interface DashboardData {
  receivers: Receiver[];
  /** Responds by pattern while `down` is false, and with 500 while it is true. */
  flaky: { receiver: Receiver; down: boolean };
  acme: { appId: string; flakyId: string; steadyId: string; legacyId: string; failedMessageIds: string[] };
  globex: { appId: string; endpointId: string; pausedId: string };
  initech: { appId: string };
  source: { id: string; name: string };
  eventTypes: string[];
}

const EVENT_TYPES = [
  {
    name: 'invoice.paid',
    description: 'An invoice was paid',
    example: { invoiceId: 'in_1042', amount: 4900, currency: 'EUR' },
  },
  {
    name: 'customer.created',
    description: 'A customer signed up',
    example: { customerId: 'cus_77', email: 'ada@example.com' },
  },
  {
    name: 'order.shipped',
    description: 'An order left the warehouse',
    example: { orderId: 'ord_5531', carrier: 'DHL' },
  },
];

const HOUR_MS = 60 * 60 * 1000;

/** Waits until no delivery of the endpoint is pending or being sent. */
async function settle(server: TestServer, appId: string, endpointId: string): Promise<void> {
  await eventually(async () => {
    const stats = await server.svix.endpoint.getStats(appId, endpointId);
    return stats.pending === 0 && stats.sending === 0 ? true : undefined;
  }, 30_000, `the deliveries to ${endpointId} to finish`);
}

async function sendMessages(server: TestServer, appId: string, count: number, offset = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const type = EVENT_TYPES[(index + offset) % EVENT_TYPES.length]!;
    const payload = { ...type.example, sequence: index + offset };
    ids.push((await server.svix.message.create(appId, { eventType: type.name, payload })).id);
  }
  return ids;
}

/**
 * Spreads the application's messages and their attempts over the last `spanMs`, oldest first,
 * keeping their order, so the health chart shows a day of traffic from a test that runs for
 * seconds. Only stored times change, and nothing is invented.
 */
async function spreadOverTime(server: TestServer, messageIds: string[], spanMs: number): Promise<void> {
  const { db } = server.hookline.store;
  for (const [index, messageId] of messageIds.entries()) {
    const shift = Math.round(((messageIds.length - 1 - index) / messageIds.length) * spanMs);
    await db
      .updateTable('messages')
      .set((eb) => ({ created_at: eb('created_at', '-', shift) }))
      .where('id', '=', messageId)
      .execute();
    await db
      .updateTable('attempts')
      .set((eb) => ({ created_at: eb('created_at', '-', shift) }))
      .where('message_id', '=', messageId)
      .execute();
  }
}

async function createSource(server: TestServer): Promise<{ id: string; name: string }> {
  const name = 'Shop orders';
  const response = await server.fetch('/ingest/api/v1/source', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'generic-hmac', config: { secret: 'shop-secret', header: 'X-Shop-Signature' } }),
  });
  const { id } = (await response.json()) as { id: string };
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/in/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  for (const orderId of [101, 102, 103]) {
    const body = JSON.stringify({ orderId, status: 'paid' });
    await post(body, { 'x-shop-signature': createHmac('sha256', 'shop-secret').update(body).digest('hex') });
  }
  await post('{"orderId":104}', { 'x-shop-signature': 'deadbeef' });
  await post('{"orderId":105}', {});
  return { id, name };
}

/** Creates realistic data with successes, retried failures, a failed message and disabled endpoints. */
export async function seedDashboard(server: TestServer): Promise<DashboardData> {
  const { svix } = server;
  const flaky = { receiver: undefined as unknown as Receiver, down: false };
  // While the receiver is up, the first attempt of every third message fails and its retry
  // succeeds, so no message fails for good until the receiver goes down.
  const attemptsById = new Map<string, number>();
  flaky.receiver = await startReceiver((request, index) => {
    const id = String(request.headers['webhook-id']);
    const attempt = (attemptsById.get(id) ?? 0) + 1;
    attemptsById.set(id, attempt);
    const sequence = Number((JSON.parse(request.body.toString()) as { sequence?: number }).sequence);
    const fail = flaky.down || (sequence % 3 === 1 && attempt === 1);
    return {
      status: fail ? 500 : 200,
      body: fail ? '{"error":"database is locked"}' : '{"received":true}',
      delayMs: 15 + ((index * 37) % 90),
    };
  });
  const steady = await startReceiver((_request, index) => ({ status: 200, body: 'ok', delayMs: 5 + ((index * 13) % 30) }));
  const legacy = await startReceiver(() => ({ status: 410, body: 'This endpoint was retired.' }));

  for (const type of EVENT_TYPES) {
    await svix.eventType.create({
      name: type.name,
      description: type.description,
      schemas: { '1': { type: 'object', examples: [type.example] } },
    });
  }

  const acme = await svix.application.create({ name: 'Acme Store', uid: 'acme-store' });
  const flakyEndpoint = await svix.endpoint.create(acme.id, {
    url: `${flaky.receiver.url}/hooks/orders`,
    description: 'Order sync',
    headers: { 'X-Tenant': 'acme', Authorization: 'Bearer acme-live-credential' },
  });
  const steadyEndpoint = await svix.endpoint.create(acme.id, {
    url: `${steady.url}/billing`,
    description: 'Billing service',
  });
  const legacyEndpoint = await svix.endpoint.create(acme.id, { url: `${legacy.url}/crm`, description: 'Legacy CRM' });
  const acmeMessages = await sendMessages(server, acme.id, 24);
  for (const endpoint of [flakyEndpoint, steadyEndpoint]) await settle(server, acme.id, endpoint.id);
  // Deliveries created after the 410 stay pending for the disabled endpoint, so wait for the disable instead.
  await eventually(
    async () => ((await svix.endpoint.get(acme.id, legacyEndpoint.id)).disabled ? true : undefined),
    10_000,
    'the 410 endpoint to be disabled',
  );

  // The receiver goes down: these messages use up every retry and end failed.
  flaky.down = true;
  const failedMessageIds = await sendMessages(server, acme.id, 2, 24);
  await settle(server, acme.id, flakyEndpoint.id);
  await spreadOverTime(server, [...acmeMessages, ...failedMessageIds], 23 * HOUR_MS);

  const globex = await svix.application.create({ name: 'Globex Billing', uid: 'globex' });
  const globexEndpoint = await svix.endpoint.create(globex.id, { url: `${steady.url}/globex`, description: 'Ledger' });
  const paused = await svix.endpoint.create(globex.id, {
    url: 'http://127.0.0.1:9/paused',
    description: 'Paused for maintenance',
    disabled: true,
  });
  await sendMessages(server, globex.id, 6);
  await settle(server, globex.id, globexEndpoint.id);

  const initech = await svix.application.create({ name: 'Initech Support', uid: 'initech' });
  await svix.endpoint.create(initech.id, { url: `${steady.url}/initech`, description: 'Ticket system' });
  await sendMessages(server, initech.id, 3);

  const source = await createSource(server);
  return {
    receivers: [flaky.receiver, steady, legacy],
    flaky,
    acme: {
      appId: acme.id,
      flakyId: flakyEndpoint.id,
      steadyId: steadyEndpoint.id,
      legacyId: legacyEndpoint.id,
      failedMessageIds,
    },
    globex: { appId: globex.id, endpointId: globexEndpoint.id, pausedId: paused.id },
    initech: { appId: initech.id },
    source,
    eventTypes: EVENT_TYPES.map((type) => type.name),
  };
}
