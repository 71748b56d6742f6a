import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetrySchedule } from '../src/config.js';
import { errors as undiciErrors } from 'undici';
import { DestinationBlockedError } from '../src/delivery/destination-guard.js';
import { classifyTransportError, type SendResult } from '../src/delivery/http-sender.js';
import { decideOutcome } from '../src/delivery/outcome.js';
import { MAX_RETRY_AFTER_MS, nextRetryDelayMs, parseRetryAfter } from '../src/delivery/retry-policy.js';

const NOW = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const SCHEDULE = parseRetrySchedule('5,300,1800,7200,18000,36000,36000');
const lowest = () => 0;
const highest = () => 0.999999;

function response(statusCode: number, headers: Record<string, string> = {}): SendResult {
  return { statusCode, responseExcerpt: '', durationMs: 3, headers, errorCode: null, errorDetail: null };
}

function transportError(errorCode: string): SendResult {
  return { statusCode: 0, responseExcerpt: '', durationMs: 3, headers: {}, errorCode, errorDetail: errorCode };
}

describe('retry schedule', () => {
  it('parses seconds into milliseconds', () => {
    assert.deepEqual(SCHEDULE, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    assert.deepEqual(parseRetrySchedule('0.5, 2'), [500, 2000]);
    assert.deepEqual(parseRetrySchedule(''), []);
  });

  it('rejects malformed schedules', () => {
    for (const bad of ['5,,6', 'five', '-1', '5;6', 'Infinity']) {
      assert.throws(() => parseRetrySchedule(bad), /HOOKLINE_RETRY_SCHEDULE is invalid/, bad);
    }
  });

  it('jitters within twenty percent', () => {
    assert.equal(nextRetryDelayMs(1, SCHEDULE, undefined, lowest), 4_000);
    assert.equal(nextRetryDelayMs(1, SCHEDULE, undefined, highest), 6_000);
    assert.equal(nextRetryDelayMs(2, SCHEDULE, undefined, () => 0.5), 300_000);
  });

  it('stops after the last delay', () => {
    assert.equal(nextRetryDelayMs(7, SCHEDULE, undefined, lowest), 28_800_000);
    assert.equal(nextRetryDelayMs(8, SCHEDULE, undefined, lowest), null);
    assert.equal(nextRetryDelayMs(1, [], undefined, lowest), null);
  });

  it('never retries before Retry-After', () => {
    // Negative jitter applied after the floor would retry early; the floor comes last.
    assert.equal(nextRetryDelayMs(1, SCHEDULE, 120_000, lowest), 120_000);
    assert.equal(nextRetryDelayMs(2, SCHEDULE, 120_000, highest), 360_000);
  });

  it('caps an absurd Retry-After', () => {
    assert.equal(nextRetryDelayMs(1, SCHEDULE, 10 * MAX_RETRY_AFTER_MS, lowest), MAX_RETRY_AFTER_MS);
  });
});

describe('Retry-After parsing', () => {
  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
  });

  it('reads an HTTP-date', () => {
    // 2023-11-15T00:00:00Z is 6,400 s after NOW.
    assert.equal(parseRetryAfter('Wed, 15 Nov 2023 00:00:00 GMT', NOW), 6_400_000);
    assert.equal(parseRetryAfter('Wednesday, 15-Nov-23 00:00:00 GMT', NOW), 6_400_000);
  });

  it('treats a past date as now', () => {
    assert.equal(parseRetryAfter('Tue, 14 Nov 2023 00:00:00 GMT', NOW), 0);
  });

  it('ignores malformed values', () => {
    for (const bad of [undefined, '', '-5', '1.5', '2023-11-15', 'soon', '120ms', 'Wed, 15 Nov 2023 00:00:00']) {
      assert.equal(parseRetryAfter(bad, NOW), undefined, String(bad));
    }
  });
});

describe('attempt outcome', () => {
  it('counts only 2xx as success', () => {
    for (const status of [200, 201, 204, 299]) {
      assert.equal(decideOutcome(response(status), 1, SCHEDULE, NOW, lowest).success, true, String(status));
    }
    for (const status of [100, 300, 400, 500]) {
      assert.equal(decideOutcome(response(status), 1, SCHEDULE, NOW, lowest).success, false, String(status));
    }
  });

  it('retries network errors and non-2xx', () => {
    const failures = [
      transportError('dns_error'),
      transportError('connection_refused'),
      transportError('tls_error'),
      transportError('timeout'),
      response(500),
      response(502),
      response(400),
      response(401),
      response(404),
    ];
    for (const failure of failures) {
      const outcome = decideOutcome(failure, 1, SCHEDULE, NOW, lowest);
      const label = failure.errorCode ?? String(failure.statusCode);
      assert.equal(outcome.success, false, label);
      assert.equal(outcome.nextAttemptAt, NOW + 4_000, label);
      assert.equal(outcome.endpointGone, false, label);
    }
  });

  it('records the error class', () => {
    assert.equal(decideOutcome(transportError('connection_refused'), 1, SCHEDULE, NOW).errorCode, 'connection_refused');
    assert.equal(decideOutcome(response(503), 1, SCHEDULE, NOW).errorCode, 'http_error');
  });

  it('classifies pushback by status', () => {
    const bare503 = decideOutcome(response(503), 1, SCHEDULE, NOW);
    assert.equal(bare503.pushback, false);
    assert.equal(bare503.unavailable, true);
    const timed503 = decideOutcome(response(503, { 'retry-after': '5' }), 1, SCHEDULE, NOW);
    assert.equal(timed503.pushback, true);
    assert.equal(timed503.unavailable, false);
    const limited = decideOutcome(response(429), 1, SCHEDULE, NOW);
    assert.equal(limited.pushback, true);
    assert.equal(limited.unavailable, false);
    const failed = decideOutcome(response(500), 1, SCHEDULE, NOW);
    assert.equal(failed.pushback, false);
    assert.equal(failed.unavailable, false);
  });

  it('honours Retry-After on 503', () => {
    const outcome = decideOutcome(response(503, { 'retry-after': '120' }), 1, SCHEDULE, NOW, lowest);
    assert.equal(outcome.nextAttemptAt, NOW + 120_000);
  });

  it('honours an HTTP-date on 429', () => {
    const headers = { 'retry-after': 'Wed, 15 Nov 2023 00:00:00 GMT' };
    const outcome = decideOutcome(response(429, headers), 1, SCHEDULE, NOW, lowest);
    assert.equal(outcome.nextAttemptAt, NOW + 6_400_000);
  });

  it('ignores Retry-After on other statuses', () => {
    const outcome = decideOutcome(response(500, { 'retry-after': '3600' }), 1, SCHEDULE, NOW, lowest);
    assert.equal(outcome.nextAttemptAt, NOW + 4_000);
  });

  it('treats 410 as unsubscribe', () => {
    const outcome = decideOutcome(response(410), 1, SCHEDULE, NOW, lowest);
    assert.equal(outcome.success, false);
    assert.equal(outcome.endpointGone, true);
    assert.equal(outcome.nextAttemptAt, null);
    assert.equal(outcome.errorCode, 'gone');
  });

  it('fails redirects with the Location', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const headers = { location: 'https://www.hooks.example.test/in' };
      const outcome = decideOutcome(response(status, headers), 1, SCHEDULE, NOW, lowest);
      assert.equal(outcome.success, false, String(status));
      assert.equal(outcome.errorCode, 'redirect', String(status));
      assert.match(outcome.errorDetail ?? '', /https:\/\/www\.hooks\.example\.test\/in/, String(status));
      assert.equal(outcome.nextAttemptAt, NOW + 4_000, String(status));
    }
  });

  it('gives up when the schedule is spent', () => {
    const outcome = decideOutcome(response(500), SCHEDULE.length + 1, SCHEDULE, NOW, lowest);
    assert.equal(outcome.nextAttemptAt, null);
  });
});

describe('transport error classes', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it('maps errors to stable codes', () => {
    const cases: Array<[unknown, string]> = [
      [withCode('ENOTFOUND'), 'dns_error'],
      [withCode('EAI_AGAIN'), 'dns_error'],
      [withCode('ECONNREFUSED'), 'connection_refused'],
      [withCode('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
      [new undiciErrors.HeadersTimeoutError(), 'timeout'],
      [new undiciErrors.BodyTimeoutError(), 'timeout'],
      [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
      [withCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls_error'],
      [withCode('CERT_HAS_EXPIRED'), 'tls_error'],
      [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls_error'],
      [withCode('ECONNRESET'), 'connection_error'],
      [new DestinationBlockedError('internal.test', '10.0.0.1'), 'destination_blocked'],
      [new Error('connect failed', { cause: new DestinationBlockedError('x.test', '127.0.0.1') }), 'destination_blocked'],
      ['a thrown string', 'connection_error'],
    ];
    for (const [error, code] of cases) {
      assert.equal(classifyTransportError(error).code, code, String((error as Error).message ?? error));
    }
  });
});
