import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createHookline } from '../src/hookline.js';
import { sendIntervalMs, pauseMs } from '../src/delivery/endpoint-policy.js';
import { startHookline } from './support/hookline.js';
import { respondInOrder, startReceiver } from './support/receiver.js';

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - times[index]!);
}

/** Starts a receiver that reads each request and never responds, until it is closed. */
async function startHangingReceiver(): Promise<{ url: string; count: () => number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((request) => {
    request.resume();
    count++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    count: () => count,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('send pacing', () => {
  it('spaces attempts by throttleRate', () => {
    assert.equal(sendIntervalMs(null, 0), 0);
    assert.equal(sendIntervalMs(4, 0), 250);
    assert.equal(sendIntervalMs(null, 1), 1000);
    assert.equal(sendIntervalMs(null, 3), 4000);
    assert.equal(sendIntervalMs(100, 2), 2000, 'backoff pacing wins when slower');
  });

  it('pauses at least the Retry-After', () => {
    assert.equal(pauseMs(0, undefined), 1000);
    assert.equal(pauseMs(2, undefined), 4000);
    assert.equal(pauseMs(0, 120_000), 120_000);
    assert.equal(pauseMs(0, 10 * 24 * 3600 * 1000), 24 * 3600 * 1000, 'capped at 24 hours');
  });
});

describe('throttling', { timeout: 120_000 }, () => {
  it('enforces throttleRate across two workers', async () => {
    const receiver = await startReceiver(respondInOrder(200));
    const server = await startHookline();
    // A second worker on the same database, as another process would be.
    const logger = pino({ level: 'silent' });
    const second = await createHookline(server.config, logger, 'worker');
    await second.listen();
    try {
      const app = await server.svix.application.create({ name: 'throttled' });
      await server.svix.endpoint.create(app.id, { url: receiver.url, throttleRate: 4 });
      for (let i = 0; i < 6; i++) {
        await server.svix.message.create(app.id, { eventType: 'e.throttle', payload: { i } });
      }
      const requests = await receiver.waitForRequests(6, 20_000);
      const times = requests.map((request) => request.receivedAt);
      // Four per second is one attempt start every 250 ms, so six starts span at least
      // 1250 ms. Arrival times jitter around the starts on a busy machine, so one slot of
      // slack is allowed. Without throttling the six arrive within a few milliseconds.
      const span = times[5]! - times[0]!;
      assert.ok(span >= 5 * 250 - 250, `six requests span ${span} ms, at least four slots`);
    } finally {
      await second.close();
      await server.close();
      await receiver.close();
    }
  });

  it('pauses the whole endpoint on 429', async () => {
    const receiver = await startReceiver((_request, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const server = await startHookline({ HOOKLINE_ENDPOINT_CONCURRENCY: '1' });
    try {
      const app = await server.svix.application.create({ name: 'pushback' });
      await server.svix.endpoint.create(app.id, { url: receiver.url });
      for (let i = 0; i < 4; i++) {
        await server.svix.message.create(app.id, { eventType: 'e.pushback', payload: { i } });
      }
      // The 429'd message is retried too, so four messages make five requests.
      const requests = await receiver.waitForRequests(5, 20_000);
      const [afterPause, afterFirstSuccess] = gaps(requests.map((request) => request.receivedAt));
      assert.ok(afterPause! >= 950, `no request during the 1 s pause (gap ${afterPause} ms)`);
      assert.ok(afterFirstSuccess! >= 950, `pacing recovers one step per success (gap ${afterFirstSuccess} ms)`);
    } finally {
      await server.close();
      await receiver.close();
    }
  });

  it('pauses after a run of 503s', async () => {
    // Three 503s in a row, then successes: the first two are retried without a pause, the
    // third starts one. Each 503'd message is retried later, when the receiver returns 200.
    const receiver = await startReceiver((_request, index) => ({ status: index < 3 ? 503 : 200 }));
    const server = await startHookline({ HOOKLINE_ENDPOINT_CONCURRENCY: '1', HOOKLINE_RETRY_SCHEDULE: '30' });
    try {
      const app = await server.svix.application.create({ name: 'unavailable' });
      await server.svix.endpoint.create(app.id, { url: receiver.url });
      for (let i = 0; i < 4; i++) {
        await server.svix.message.create(app.id, { eventType: 'e.unavailable', payload: { i } });
      }
      const requests = await receiver.waitForRequests(4, 20_000);
      const [afterFirst, afterSecond, afterThird] = gaps(requests.map((request) => request.receivedAt));
      assert.ok(afterFirst! < 900, `no pause after one 503 (gap ${afterFirst} ms)`);
      assert.ok(afterSecond! < 900, `no pause after two 503s (gap ${afterSecond} ms)`);
      assert.ok(afterThird! >= 950, `a 1 s pause after three 503s (gap ${afterThird} ms)`);
    } finally {
      await server.close();
      await receiver.close();
    }
  });

  it('keeps a hanging endpoint from delaying others', async () => {
    const hanging = await startHangingReceiver();
    const fast = await startReceiver(respondInOrder(200));
    // The timeout is long enough that no hanging attempt ends during the test.
    const server = await startHookline({
      HOOKLINE_WORKER_CONCURRENCY: '8',
      HOOKLINE_ENDPOINT_CONCURRENCY: '2',
      HOOKLINE_DELIVERY_TIMEOUT: '60',
    });
    try {
      const app = await server.svix.application.create({ name: 'isolation' });
      await server.svix.endpoint.create(app.id, { url: hanging.url });
      await server.svix.endpoint.create(app.id, { url: fast.url });
      for (let i = 0; i < 20; i++) {
        await server.svix.message.create(app.id, { eventType: 'e.mixed', payload: { i } });
      }
      await fast.waitForRequests(20, 30_000);
      assert.equal(fast.requests.length, 20, 'every delivery to the fast endpoint arrived');
      assert.ok(hanging.count() <= 2, `the hanging endpoint holds at most 2 slots (had ${hanging.count()})`);
    } finally {
      // Closing the hanging receiver ends its attempts, so shutdown need not wait for them.
      await hanging.close();
      await server.close();
      await fast.close();
    }
  });
});
