import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { BackgroundTaskStatus, MessageStatus } from 'svix';
import { createHookline } from '../src/hookline.js';
import { BackgroundTaskRunner } from '../src/queue/background-tasks.js';
import { insertRecoverTask } from '../src/store/background-tasks.js';
import { expireMessagePayloads } from '../src/store/message-content.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const APP = 'ops-app';

/** Builds a receiver handler that returns 500 until `healthy.value` is set, then 200. */
function switchable() {
  const healthy = { value: false };
  return { healthy, handler: () => ({ status: healthy.value ? 200 : 500, body: 'secret response body' }) };
}

describe('endpoint operations', () => {
  let server: TestServer;
  let receiver: Receiver;
  const health = switchable();
  let endpointId: string;
  let otherEndpointId: string;
  const messageIds: string[] = [];

  before(async () => {
    server = await startHookline();
    receiver = await startReceiver(health.handler);
    await server.svix.application.create({ name: 'Ops', uid: APP });
    endpointId = (await server.svix.endpoint.create(APP, { url: receiver.url, uid: 'failing' })).id;
    otherEndpointId = (await server.svix.endpoint.create(APP, { url: 'http://127.0.0.1:9/', disabled: true })).id;
    for (let i = 0; i < 5; i++) {
      const message = await server.svix.message.create(APP, {
        eventType: i % 2 === 0 ? 'order.even' : 'order.odd',
        payload: { i },
        channels: i === 4 ? ['special'] : null,
      });
      messageIds.push(message.id);
    }
    // Four attempts each (one plus three retries), all failing.
    await receiver.waitForRequests(20, 20_000);
    await eventually(async () => {
      const stats = await server.svix.endpoint.getStats(APP, endpointId);
      return stats.fail === 5 ? stats : undefined;
    }, 20_000, 'five failed deliveries');
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('lists messages of an endpoint with delivery status', async () => {
    const page = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId);
    assert.deepEqual(page.data.map((m) => m.id), [...messageIds].reverse());
    for (const item of page.data) {
      assert.equal(item.status, MessageStatus.Fail);
      assert.equal(item.statusText, 'fail');
      assert.equal(item.nextAttempt, null);
    }
    assert.deepEqual(page.data[0]!.payload, { i: 4 });
  });

  it('filters messages of an endpoint', async () => {
    const odd = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { eventTypes: ['order.odd'] });
    assert.deepEqual(odd.data.map((m) => m.id), [messageIds[3], messageIds[1]]);
    const special = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { channel: 'special' });
    assert.deepEqual(special.data.map((m) => m.id), [messageIds[4]]);
    const succeeded = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { status: MessageStatus.Success });
    assert.equal(succeeded.data.length, 0);
    const newest = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { limit: 1 });
    const older = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { before: new Date(Date.now() + 60_000) });
    assert.equal(older.data.length, 5);
    const later = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { after: new Date(Date.now() + 60_000) });
    assert.equal(later.data.length, 0);
    assert.equal(newest.data[0]!.id, messageIds[4]);
    const bare = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { withContent: false });
    assert.deepEqual(bare.data[0]!.payload, {});
  });

  it('pages messages of an endpoint both ways', async () => {
    const first = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { limit: 2 });
    assert.equal(first.done, false);
    const second = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { limit: 2, iterator: first.iterator });
    assert.deepEqual(second.data.map((m) => m.id), [messageIds[2], messageIds[1]]);
    const back = await server.svix.messageAttempt.listAttemptedMessages(APP, endpointId, { limit: 2, iterator: second.prevIterator });
    assert.deepEqual(back.data.map((m) => m.id), first.data.map((m) => m.id));
  });

  it('lists endpoints of a message', async () => {
    const page = await server.svix.messageAttempt.listAttemptedDestinations(APP, messageIds[0]!);
    // The disabled endpoint was never given a delivery, so only the failing one is listed.
    assert.deepEqual(page.data.map((e) => e.id), [endpointId]);
    assert.equal(page.data[0]!.status, MessageStatus.Fail);
    assert.equal(page.data[0]!.url, receiver.url);
    assert.notEqual(otherEndpointId, endpointId);
  });

  it('counts deliveries within a window', async () => {
    const all = await server.svix.endpoint.getStats(APP, endpointId);
    assert.deepEqual({ ...all }, { success: 0, fail: 5, pending: 0, sending: 0, canceled: 0 });
    const future = await server.svix.endpoint.getStats(APP, endpointId, { since: new Date(Date.now() + 60_000) });
    assert.equal(future.fail, 0);
    const past = await server.svix.endpoint.getStats(APP, endpointId, { until: new Date(Date.now() - 60_000) });
    assert.equal(past.fail, 0);
  });

  it('rejects a recovery window ending before it starts', async () => {
    const response = await server.fetch(`/api/v1/app/${APP}/endpoint/${endpointId}/recover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }),
    });
    assert.equal(response.status, 422);
    const body = (await response.json()) as { code: string };
    assert.equal(body.code, 'validation');
    const tasks = await server.svix.backgroundTask.list();
    assert.equal(tasks.data.length, 0, 'no recovery task was created');
  });

  it('recovers failed deliveries with the same webhook-id', async () => {
    health.healthy.value = true;
    const before = receiver.requests.length;
    const out = await server.svix.endpoint.recover(APP, endpointId, { since: new Date(Date.now() - 60_000) });
    assert.equal(out.task, 'endpoint.recover');
    assert.ok(out.id.startsWith('qtask_'));

    const task = await eventually(async () => {
      const current = await server.svix.backgroundTask.get(out.id);
      return current.status === BackgroundTaskStatus.Finished ? current : undefined;
    }, 10_000, 'the recover task to finish');
    assert.deepEqual(task.data, { recovered: 5 });

    const resent = (await receiver.waitForRequests(before + 5, 10_000)).slice(before);
    assert.deepEqual(resent.map((r) => r.headers['webhook-id']).sort(), [...messageIds].sort());
    const stats = await eventually(async () => {
      const current = await server.svix.endpoint.getStats(APP, endpointId);
      return current.success === 5 ? current : undefined;
    }, 10_000, 'five successful deliveries');
    assert.equal(stats.fail, 0);

    const listed = await server.svix.backgroundTask.list();
    assert.ok(listed.data.some((t) => t.id === out.id));
  });

  it('expunges message payload and attempt response', async () => {
    const messageId = messageIds[2]!;
    const attempts = await server.svix.messageAttempt.listByMsg(APP, messageId);
    const attempt = attempts.data[0]!;
    assert.equal(attempt.response, 'secret response body');

    await server.svix.messageAttempt.expungeContent(APP, messageId, attempt.id);
    const emptied = await server.svix.messageAttempt.get(APP, messageId, attempt.id);
    assert.equal(emptied.response, '');
    assert.equal(emptied.responseStatusCode, 200);

    await server.svix.message.expungeContent(APP, messageId);
    const message = await server.svix.message.get(APP, messageId);
    assert.deepEqual(message.payload, {});
    assert.equal(message.eventType, 'order.even');
  });

  it('rejects expunging an unknown attempt', async () => {
    const response = await server.fetch(`/api/v1/app/${APP}/msg/${messageIds[0]}/attempt/atmpt_unknown/content`, { method: 'DELETE' });
    assert.equal(response.status, 404);
  });
});

describe('endpoints of a message', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });

  after(async () => server?.close());

  it('pages endpoints of a message both ways', async () => {
    const app = await server.svix.application.create({ name: 'Fan out' });
    const endpointIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      endpointIds.push((await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/', uid: `fan-${i}` })).id);
    }
    const filtered = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/', channels: ['elsewhere'] });
    const message = await server.svix.message.create(app.id, { eventType: 'a', payload: {} });

    // Ids created in the same millisecond have no fixed order, so pages are compared as sets.
    const first = await server.svix.messageAttempt.listAttemptedDestinations(app.id, message.id, { limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.done, false);
    const second = await server.svix.messageAttempt.listAttemptedDestinations(app.id, message.id, { limit: 2, iterator: first.iterator });
    assert.equal(second.data.length, 1);
    assert.equal(second.done, true);
    const seen = [...first.data, ...second.data].map((e) => e.id).sort();
    assert.deepEqual(seen, [...endpointIds].sort());
    assert.equal(seen.includes(filtered.id), false);
    const back = await server.svix.messageAttempt.listAttemptedDestinations(app.id, message.id, { limit: 2, iterator: second.prevIterator });
    assert.deepEqual(back.data.map((e) => e.id), first.data.map((e) => e.id));
  });
});

describe('payload retention', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
    await server.svix.application.create({ name: 'Retention', uid: 'retention' });
  });

  after(async () => server?.close());

  it('expires payloads past their retention', async () => {
    const short = await server.svix.message.create('retention', { eventType: 'a', payload: { keep: false }, payloadRetentionPeriod: 5 });
    const long = await server.svix.message.create('retention', { eventType: 'a', payload: { keep: true } });
    const { db } = server.hookline.store;
    const day = 24 * 60 * 60 * 1000;

    assert.equal(await expireMessagePayloads(db, Date.now() + 4 * day), 0);
    assert.equal(await expireMessagePayloads(db, Date.now() + 6 * day), 1);
    assert.deepEqual((await server.svix.message.get('retention', short.id)).payload, {});
    assert.deepEqual((await server.svix.message.get('retention', long.id)).payload, { keep: true });

    assert.equal(await expireMessagePayloads(db, Date.now() + 91 * day), 1);
    assert.deepEqual((await server.svix.message.get('retention', long.id)).payload, {});
  });

  it('counts retention in hours when given', async () => {
    const hourly = await server.svix.message.create('retention', { eventType: 'a', payload: { n: 1 }, payloadRetentionHours: 2 });
    const { db } = server.hookline.store;
    assert.equal(await expireMessagePayloads(db, Date.now() + 90 * 60 * 1000), 0);
    assert.equal(await expireMessagePayloads(db, Date.now() + 3 * 60 * 60 * 1000), 1);
    assert.deepEqual((await server.svix.message.get('retention', hourly.id)).payload, {});
  });

  it('rejects both retention fields together', async () => {
    const before = (await server.svix.message.list('retention')).data.length;
    const response = await server.fetch('/api/v1/app/retention/msg', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'a', payload: {}, payloadRetentionHours: 1, payloadRetentionPeriod: 5 }),
    });
    assert.equal(response.status, 422);
    assert.equal((await server.svix.message.list('retention')).data.length, before);
  });
});

describe('background task resume', () => {
  let server: TestServer;

  before(async () => {
    server = await startHookline();
  });

  after(async () => server?.close());

  it('runs an unfinished task when a process starts', async () => {
    const app = await server.svix.application.create({ name: 'Resume' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/' });
    // A task stored but never run stands for one whose process died before running it.
    const task = await insertRecoverTask(server.hookline.store.db, app.id, endpoint.id, { since: 0, until: null });

    const second = await createHookline(server.config, pino({ level: 'silent' }), 'api');
    try {
      await second.listen();
      const finished = await eventually(async () => {
        const current = await server.svix.backgroundTask.get(task.id);
        return current.status === BackgroundTaskStatus.Finished ? current : undefined;
      }, 10_000, 'the stored task to finish');
      assert.deepEqual(finished.data, { recovered: 0 });
    } finally {
      await second.close();
    }
  });

  it('marks a task failed after repeated errors', async () => {
    const app = await server.svix.application.create({ name: 'Broken task' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/' });
    const { db } = server.hookline.store;
    const task = await insertRecoverTask(db, app.id, endpoint.id, { since: 0, until: null });
    // Parameters that cannot be read make every run fail the same way.
    await db.updateTable('background_tasks').set({ params: 'not json' }).where('id', '=', task.id).execute();

    const runner = new BackgroundTaskRunner(db, pino({ level: 'silent' }), () => {});
    for (let run = 1; run <= 4; run++) {
      await runner.sweep();
      assert.equal((await server.svix.backgroundTask.get(task.id)).status, BackgroundTaskStatus.Running, `after run ${run}`);
    }
    await runner.sweep();
    const failed = await server.svix.backgroundTask.get(task.id);
    assert.equal(failed.status, BackgroundTaskStatus.Failed);
    assert.match(String((failed.data as { error: string }).error), /failed 5 times/);
  });
});

describe('recover edge cases', () => {
  let server: TestServer;
  let receiver: Receiver;
  const health = switchable();

  before(async () => {
    // One retry, a second after the first attempt, leaves time to act between the two.
    server = await startHookline({ HOOKLINE_RETRY_SCHEDULE: '1' });
    receiver = await startReceiver(health.handler);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('sends {} for a payload expunged before a retry', async () => {
    const app = await server.svix.application.create({ name: 'Expunge retry' });
    await server.svix.endpoint.create(app.id, { url: receiver.url });
    const message = await server.svix.message.create(app.id, { eventType: 'a', payload: { secret: 'value' } });
    const before = receiver.requests.length;
    const [first] = (await receiver.waitForRequests(before + 1, 30_000)).slice(before);
    assert.equal(first!.body.toString(), '{"secret":"value"}');

    await server.svix.message.expungeContent(app.id, message.id);
    const [retry] = (await receiver.waitForRequests(before + 2, 30_000)).slice(before + 1);
    assert.equal(retry!.body.toString(), '{}');
    assert.equal(retry!.headers['webhook-id'], message.id);
  });

  it('skips expunged messages and keeps disabled endpoints disabled', async () => {
    const app = await server.svix.application.create({ name: 'Recover edges' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: receiver.url });
    const kept = await server.svix.message.create(app.id, { eventType: 'a', payload: { n: 1 } });
    const expunged = await server.svix.message.create(app.id, { eventType: 'a', payload: { n: 2 } });
    await eventually(async () => {
      const stats = await server.svix.endpoint.getStats(app.id, endpoint.id);
      return stats.fail === 2 ? stats : undefined;
    }, 15_000, 'two failed deliveries');
    await server.svix.message.expungeContent(app.id, expunged.id);
    await server.svix.endpoint.patch(app.id, endpoint.id, { disabled: true });

    const task = await server.svix.endpoint.recover(app.id, endpoint.id, { since: new Date(Date.now() - 60_000) });
    const finished = await eventually(async () => {
      const current = await server.svix.backgroundTask.get(task.id);
      return current.status === BackgroundTaskStatus.Finished ? current : undefined;
    }, 10_000, 'the recover task to finish');
    assert.deepEqual(finished.data, { recovered: 1 });

    assert.equal((await server.svix.endpoint.get(app.id, endpoint.id)).disabled, true);
    const pending = await server.svix.messageAttempt.listAttemptedMessages(app.id, endpoint.id, { status: MessageStatus.Pending });
    assert.deepEqual(pending.data.map((m) => m.id), [kept.id]);

    const running = await server.svix.backgroundTask.list({ status: BackgroundTaskStatus.Running });
    assert.equal(running.data.some((t) => t.id === task.id), false);
  });

  it('rejects an invalid since', async () => {
    const app = await server.svix.application.create({ name: 'Recover invalid' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/' });
    const tasksBefore = (await server.svix.backgroundTask.list()).data.length;
    const response = await server.fetch(`/api/v1/app/${app.id}/endpoint/${endpoint.id}/recover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ since: 'yesterday' }),
    });
    assert.equal(response.status, 422);
    const tasks = await server.svix.backgroundTask.list();
    assert.equal(tasks.data.length, tasksBefore);
  });
});
