import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDurationMs, parseTime } from '../src/cli/args.js';
import { AttemptFeed, LOOKBACK_MS } from '../src/cli/attempt-feed.js';
import { CliError } from '../src/cli/errors.js';
import { parseSavedRequest } from '../src/cli/saved-request.js';
import { firstIdAt, newId } from '../src/ids.js';
import type { AttemptRow } from '../src/queue/deliveries.js';
import { startHookline, type TestServer } from './support/hookline.js';

describe('CLI time options', () => {
  const NOW = Date.parse('2026-12-04T03:00:00Z');

  it('parses durations with units', () => {
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('90s'), 90_000);
    assert.equal(parseDurationMs('15m'), 900_000);
    assert.equal(parseDurationMs('2h'), 7_200_000);
    assert.equal(parseDurationMs('1.5d'), 129_600_000);
    assert.equal(parseDurationMs('1w'), 604_800_000);
    assert.equal(parseDurationMs('2'), undefined);
    assert.equal(parseDurationMs('2 hours'), undefined);
  });

  it('parses ISO and relative times', () => {
    assert.equal(parseTime('2h', 'since', 'messages', NOW), NOW - 7_200_000);
    assert.equal(parseTime('now', 'since', 'messages', NOW), NOW);
    assert.equal(parseTime('2026-12-04T01:00:00Z', 'since', 'messages', NOW), NOW - 7_200_000);
    assert.equal(parseTime('2026-12-04T04:00:00+01:00', 'since', 'messages', NOW), NOW);
    assert.equal(parseTime('2026-12-04', 'since', 'messages', NOW), Date.parse('2026-12-04T00:00:00Z'));
  });

  it('rejects loose date forms', () => {
    for (const text of ['yesterday', '12/04/2026', '2026-13-01', '-2h', '']) {
      assert.throws(() => parseTime(text, 'since', 'messages', NOW), (error: CliError) => error.exitCode === 2, text);
    }
  });
});

describe('saved request parser', () => {
  const parse = (text: string | Buffer) => parseSavedRequest(Buffer.from(text as string), 'test');

  it('keeps body bytes after the first blank line', () => {
    const body = Buffer.from([0x7b, 0x0d, 0x0a, 0x0d, 0x0a, 0xff, 0x00, 0x0a, 0x7d, 0x0a]);
    const head = Buffer.from('POST /in HTTP/1.1\r\nX-A: 1\r\n\r\n', 'latin1');
    const request = parseSavedRequest(Buffer.concat([head, body]), 'test');
    assert.deepEqual(request.body, body);
    assert.equal(request.target, '/in');
    assert.deepEqual(request.headers, { 'x-a': '1' });
  });

  it('accepts LF header lines', () => {
    const request = parse('X-A: 1\nX-B:2\n\nline\r\n');
    assert.deepEqual(request.headers, { 'x-a': '1', 'x-b': '2' });
    assert.equal(request.body.toString('latin1'), 'line\r\n');
  });

  it('joins repeated and folded headers', () => {
    const request = parse('X-A: 1\r\nx-a: 2\r\nX-Long: first\r\n  second\r\n\r\n');
    assert.equal(request.headers['x-a'], '1, 2');
    assert.equal(request.headers['x-long'], 'first second');
    assert.equal(request.body.length, 0);
  });

  it('skips an interim 100 Continue block', () => {
    const request = parse('HTTP/1.1 100 Continue\r\n\r\nPOST /x HTTP/1.1\r\nX-A: 1\r\n\r\nbody');
    assert.equal(request.target, '/x');
    assert.equal(request.body.toString(), 'body');
  });

  it('keeps header bytes as Latin-1', () => {
    const request = parse(Buffer.from('X-A: caf\u00e9\r\n\r\n', 'latin1'));
    assert.equal(request.headers['x-a'], 'caf\u00e9');
  });

  it('rejects a malformed header line', () => {
    assert.throws(() => parse('X-A 1\r\n\r\n'), /line 1 is not a "Name: value" header/);
    assert.throws(() => parse('Transfer-Encoding: chunked\r\n\r\nzz\r\nabc'), /chunked body is malformed/);
  });
});

describe('attempt ids as a time index', () => {
  // newId never goes back in time within a process, so this test creates no id in the future.
  it('orders firstIdAt before later ids', () => {
    const millis = Date.now();
    const id = newId('atmpt', millis);
    assert.ok(firstIdAt('atmpt', millis) <= id);
    assert.ok(firstIdAt('atmpt', millis - 1) < firstIdAt('atmpt', millis));
    assert.ok(firstIdAt('atmpt', millis + 60_000) > id);
    assert.equal(firstIdAt('atmpt', millis).length, id.length);
  });
});

describe('attempt feed', () => {
  let server: TestServer;
  let messageId: string;
  let endpointId: string;
  let appId: string;

  before(async () => {
    server = await startHookline();
    appId = (await server.svix.application.create({ name: 'Feed', uid: 'feed' })).id;
    // A disabled endpoint receives nothing, so only the rows this test writes exist.
    endpointId = (await server.svix.endpoint.create('feed', { url: 'http://127.0.0.1:9/', disabled: true })).id;
    messageId = (await server.svix.message.create('feed', { eventType: 'feed.test', payload: {} })).id;
  });

  after(async () => server?.close());

  /** Inserts an attempt as the worker records it; `id` defaults to a new id at `createdAt`. */
  function insertAttempt(createdAt: number, id = newId('atmpt', createdAt)): Promise<unknown> {
    const row: AttemptRow = {
      id,
      message_id: messageId,
      endpoint_id: endpointId,
      app_id: appId,
      url: 'http://127.0.0.1:9/',
      status: 0,
      response_status_code: 200,
      response: '',
      response_duration_ms: 3,
      error_code: null,
      error_detail: null,
      trigger_type: 0,
      next_attempt_at: null,
      request_headers: null,
      created_at: createdAt,
    };
    return server.hookline.store.db.insertInto('attempts').values(row).execute();
  }

  it('returns late commits once and skips older rows', async () => {
    const start = Date.now() + 1000;
    await insertAttempt(start - 500);
    const feed = new AttemptFeed(server.hookline.store.db, { appId }, start);
    assert.deepEqual(await feed.poll(), []);

    // The id of the late row is made first, as by a worker whose transaction commits last.
    const lateId = newId('atmpt', start + 2);
    await insertAttempt(start + 5);
    const first = await feed.poll();
    assert.equal(first.length, 1);
    assert.equal(first[0]!.event_type, 'feed.test');
    assert.equal(first[0]!.endpoint_id, endpointId);
    assert.equal(first[0]!.app_uid, 'feed');

    await insertAttempt(start + 2, lateId);
    await insertAttempt(start + 10);
    const second = await feed.poll();
    assert.deepEqual(second.map((row) => row.created_at), [start + 2, start + 10]);
    assert.deepEqual(await feed.poll(), []);
  });

  it('pages through more rows than one query reads', async () => {
    const start = Date.now() + LOOKBACK_MS + 2000;
    const feed = new AttemptFeed(server.hookline.store.db, { endpointId }, start);
    for (let i = 0; i < 1200; i++) await insertAttempt(start + i);
    const rows = await feed.poll();
    assert.equal(rows.length, 1200);
    assert.equal(new Set(rows.map((row) => row.id)).size, 1200);
    assert.deepEqual(await feed.poll(), []);
  });
});
