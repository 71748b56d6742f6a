import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DestinationGuard } from '../src/delivery/destination-guard.js';
import { HttpSender } from '../src/delivery/http-sender.js';
import { DeliveryWorker } from '../src/delivery/worker.js';
import { SecretCipher } from '../src/signing/secret-cipher.js';
import { DeliveryStatus } from '../src/store/messages.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const LEASE_MS = 600;

describe('lease heartbeat', { timeout: 60_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  const workers: DeliveryWorker[] = [];
  const senders: HttpSender[] = [];

  before(async () => {
    server = await startHookline();
    // Only the two short-lease workers below may send.
    await server.hookline.worker!.stop();
    // The receiver delays its response to the first request by four lease periods.
    receiver = await startReceiver((_request, index) => ({ status: 200, delayMs: index === 0 ? LEASE_MS * 4 : 0 }));
  });
  after(async () => {
    for (const worker of workers) await worker.stop(100);
    for (const sender of senders) await sender.close();
    await server.close();
    await receiver.close();
  });

  function startWorker(): DeliveryWorker {
    const sender = new HttpSender({ guard: new DestinationGuard(['127.0.0.0/8']), timeoutMs: 10_000 });
    const worker = new DeliveryWorker({
      store: server.hookline.store,
      sender,
      cipher: new SecretCipher(server.config.mainKey),
      logger: pino({ level: 'silent' }),
      retryScheduleMs: [50],
      timeoutMs: 10_000,
      concurrency: 4,
      userAgent: 'test',
      leaseMs: LEASE_MS,
    });
    senders.push(sender);
    workers.push(worker);
    worker.start();
    return worker;
  }

  it('keeps a long attempt from other workers', async () => {
    const app = await server.svix.application.create({ name: 'lease' });
    await server.svix.endpoint.create(app.id, { url: `${receiver.url}/slow` });
    startWorker();
    const message = await server.svix.message.create(app.id, { eventType: 'lease.test', payload: {} });
    await receiver.waitForRequests(1);
    // The second worker starts while the first attempt is waiting for its response, and
    // looks for due work several times before that response arrives.
    startWorker();

    const { db } = server.hookline.store;
    const status = () =>
      db.selectFrom('deliveries').select('status').where('message_id', '=', message.id).executeTakeFirstOrThrow();
    await eventually(async () => ((await status()).status === DeliveryStatus.success ? true : undefined), 10_000, 'success');

    assert.equal(receiver.requests.length, 1, 'sent once, not again by the second worker');
    const attempts = await db.selectFrom('attempts').select('id').where('message_id', '=', message.id).execute();
    assert.equal(attempts.length, 1);
  });
});
