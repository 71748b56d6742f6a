import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { respondInOrder, startReceiver, type Receiver } from './support/receiver.js';

/** Retry delay after the first failure, in seconds. The retry policy adds up to 20% jitter. */
const RETRY_DELAY_S = 0.1;
/** How long the slow endpoint delays each response, in milliseconds. */
const HOLD_MS = 3000;
/** Requests per second allowed to the throttled endpoint. */
const THROTTLE_RATE = 5;

describe('worker wake-ups', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startHookline({ HOOKLINE_RETRY_SCHEDULE: `${RETRY_DELAY_S}`, HOOKLINE_DELIVERY_TIMEOUT: '10' });
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  it('sends a due retry while attempts hang', async () => {
    const flaky = await startReceiver(respondInOrder(500, 200));
    const slow = await startReceiver(() => ({ status: 200, delayMs: HOLD_MS }));
    receivers.push(flaky, slow);
    const app = await server.svix.application.create({ name: 'flaky receiver' });
    const slowApp = await server.svix.application.create({ name: 'slow receiver' });
    await server.svix.endpoint.create(app.id, { url: flaky.url });
    await server.svix.endpoint.create(slowApp.id, { url: slow.url });

    const first = await server.svix.message.create(app.id, { eventType: 'flaky.event', payload: {} });
    // Once the failed attempt is stored, its retry is due in RETRY_DELAY_S.
    await eventually(async () => {
      const attempts = await server.svix.messageAttempt.listByMsg(app.id, first.id);
      return attempts.data.length >= 1 ? attempts : undefined;
    }, 10_000, 'the first failed attempt');
    // This claim takes one delivery and leaves it in flight for HOLD_MS.
    await server.svix.message.create(slowApp.id, { eventType: 'slow.event', payload: {} });
    await slow.waitForRequests(1, 10_000);

    const [failed, retried] = await flaky.waitForRequests(2, 10_000);
    const gap = retried!.receivedAt - failed!.receivedAt;
    // The retry is due about RETRY_DELAY_S after the failure. A worker that waits for the
    // slow attempt, or for its one-second idle limit, sends it far later.
    assert.ok(gap < 600, `retry sent ${gap} ms after the failure, expected about ${RETRY_DELAY_S * 1000} ms`);
    assert.ok(gap >= RETRY_DELAY_S * 800, `retry sent ${gap} ms after the failure, before it was due`);
  });

  it('sends at the throttle rate', async () => {
    const receiver = await startReceiver(respondInOrder(200));
    receivers.push(receiver);
    const app = await server.svix.application.create({ name: 'throttled receiver' });
    await server.svix.endpoint.create(app.id, { url: receiver.url, throttleRate: THROTTLE_RATE });
    for (let i = 0; i < 6; i++) await server.svix.message.create(app.id, { eventType: 'throttled.event', payload: { i } });

    const requests = await receiver.waitForRequests(6, 20_000);
    const span = requests[5]!.receivedAt - requests[0]!.receivedAt;
    const interval = 1000 / THROTTLE_RATE;
    // Six starts are five intervals apart. A worker that waits out its one-second idle limit
    // between throttle slots sends one a second instead.
    assert.ok(span >= 4 * interval, `six requests span ${span} ms, expected at least four intervals`);
    assert.ok(span < 10 * interval, `six requests span ${span} ms, expected about ${5 * interval} ms`);
  });
});
