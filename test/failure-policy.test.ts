import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTHY, nextHealth, UNAVAILABLE_RUN, type EndpointHealth } from '../src/delivery/endpoint-policy.js';
import { eventually, startHookline } from './support/hookline.js';
import { startReceiver } from './support/receiver.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WINDOW = 5 * DAY;
const failure = { success: false, pushback: false, retryAfterMs: undefined };
const success = { success: true, pushback: false, retryAfterMs: undefined };

/** Replays attempts at the given times; returns the time the endpoint was disabled, or null. */
function replay(attempts: Array<{ at: number; ok: boolean }>): { disabledAt: number | null; health: EndpointHealth } {
  let health = HEALTHY;
  for (const { at, ok } of attempts) {
    const decision = nextHealth(health, ok ? success : failure, at, WINDOW);
    health = decision.health;
    if (decision.disable) return { disabledAt: at, health };
  }
  return { disabledAt: null, health };
}

describe('failure window', () => {
  it('keeps one exhausted message enabled', () => {
    // Timeline (a): one message fails every attempt over two hours, nothing else is sent.
    const schedule = [0, 5_000, 305_000, 2_105_000, 2 * HOUR];
    const { disabledAt, health } = replay(schedule.map((at) => ({ at, ok: false })));
    assert.equal(disabledAt, null);
    assert.equal(health.consecutiveFailures, 5);
  });

  it('disables after the window of failures', () => {
    // Timeline (b): hourly traffic that fails for six days.
    const attempts = Array.from({ length: 6 * 24 }, (_, hour) => ({ at: hour * HOUR, ok: false }));
    const { disabledAt } = replay(attempts);
    assert.equal(disabledAt, WINDOW, 'disabled at the first failure five days after the run began');
  });

  it('resets the window on any success', () => {
    // Timeline (c): four failures, one success, repeated hourly for a week.
    const attempts = Array.from({ length: 7 * 24 }, (_, hour) => ({ at: hour * HOUR, ok: hour % 5 === 4 }));
    const { disabledAt, health } = replay(attempts.slice(0, 164));
    assert.equal(disabledAt, null);
    assert.equal(health.consecutiveFailures, 4, 'the endpoint is reported as failing, not disabled');
    assert.notEqual(health.failingSince, null);
  });

  it('counts the window from the first failure', () => {
    const first = nextHealth(HEALTHY, failure, 1_000, WINDOW).health;
    const later = nextHealth(first, failure, 1_000 + WINDOW - 1, WINDOW);
    assert.equal(later.disable, false);
    assert.equal(nextHealth(later.health, failure, 1_000 + WINDOW, WINDOW).disable, true);
    assert.equal(nextHealth(later.health, success, 1_000 + WINDOW, WINDOW).health.failingSince, null);
  });

  it('pauses and paces on pushback', () => {
    const pushback = { success: false, pushback: true, retryAfterMs: 30_000 };
    const paused = nextHealth(HEALTHY, pushback, 1_000, WINDOW).health;
    assert.equal(paused.pausedUntil, 31_000);
    assert.equal(paused.backoffLevel, 1);
    const recovered = nextHealth(paused, success, 40_000, WINDOW).health;
    assert.equal(recovered.backoffLevel, 0);
  });

  it('ignores a lone 503', () => {
    const unavailable = { success: false, pushback: false, unavailable: true, retryAfterMs: undefined };
    let health = HEALTHY;
    // A 503 among successes, twenty times over: never a pause.
    for (let i = 0; i < 20; i++) {
      health = nextHealth(health, success, 1_000 + i * 10, WINDOW).health;
      health = nextHealth(health, unavailable, 1_005 + i * 10, WINDOW).health;
      assert.equal(health.pausedUntil, 0);
      assert.equal(health.backoffLevel, 0);
    }
  });

  it('pauses on a run of 503s', () => {
    const unavailable = { success: false, pushback: false, unavailable: true, retryAfterMs: undefined };
    let health = nextHealth(HEALTHY, failure, 1_000, WINDOW).health;
    for (let i = 2; i < UNAVAILABLE_RUN; i++) health = nextHealth(health, unavailable, 1_000 + i, WINDOW).health;
    assert.equal(health.pausedUntil, 0, 'not yet a run');

    health = nextHealth(health, unavailable, 2_000, WINDOW).health;
    assert.equal(health.pausedUntil, 3_000);
    assert.equal(health.backoffLevel, 1);
  });

  it('raises the backoff once per pause', () => {
    const busy = { success: false, pushback: true, retryAfterMs: undefined };
    const first = nextHealth(HEALTHY, busy, 1_000, WINDOW).health;
    const concurrent = nextHealth(first, busy, 1_100, WINDOW).health;
    assert.equal(concurrent.backoffLevel, 1, 'a response to an earlier attempt does not escalate');
    assert.equal(concurrent.pausedUntil, 2_000);
    const afterPause = nextHealth(concurrent, busy, 2_500, WINDOW).health;
    assert.equal(afterPause.backoffLevel, 2);
    assert.equal(afterPause.pausedUntil, 2_500 + 2_000);
  });
});

describe('failure policy', () => {
  it('disables a failing endpoint and resumes on re-enable', async () => {
    let healthy = false;
    const receiver = await startReceiver(() => ({ status: healthy ? 200 : 500 }));
    const server = await startHookline({
      HOOKLINE_DISABLE_AFTER: '0.4',
      HOOKLINE_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2',
    });
    try {
      const app = await server.svix.application.create({ name: 'failing' });
      const endpoint = await server.svix.endpoint.create(app.id, { url: receiver.url });
      const message = await server.svix.message.create(app.id, { eventType: 'e.fail', payload: {} });

      const disabled = await eventually(async () => {
        const response = await server.fetch(`/api/v1/app/${app.id}/endpoint/${endpoint.id}`);
        const body = (await response.json()) as { disabled: boolean; disabledReason: string | null };
        return body.disabled ? body : undefined;
      }, 15_000, 'the endpoint to be disabled');
      assert.equal(disabled.disabledReason, 'failing');

      // Timeline (d): the owner fixes the receiver and enables the endpoint again.
      const requestsWhileDisabled = receiver.requests.length;
      healthy = true;
      await server.svix.endpoint.patch(app.id, endpoint.id, { disabled: false });
      await receiver.waitForRequests(requestsWhileDisabled + 1, 15_000);
      const attempts = await eventually(async () => {
        const list = await server.svix.messageAttempt.listByMsg(app.id, message.id);
        return list.data.some((attempt) => attempt.status === 0) ? list.data : undefined;
      }, 15_000, 'a successful attempt');
      assert.ok(attempts.length >= 2);
      const enabled = await server.svix.endpoint.get(app.id, endpoint.id);
      assert.equal(enabled.disabled, false);
    } finally {
      await server.close();
      await receiver.close();
    }
  });

  it('keeps an endpoint enabled after one exhausted message', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    const server = await startHookline();
    try {
      const app = await server.svix.application.create({ name: 'exhausted' });
      const endpoint = await server.svix.endpoint.create(app.id, { url: receiver.url });
      await server.svix.message.create(app.id, { eventType: 'e.fail', payload: {} });
      await receiver.waitForRequests(4);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await server.svix.endpoint.get(app.id, endpoint.id)).disabled, false);
    } finally {
      await server.close();
      await receiver.close();
    }
  });
});
