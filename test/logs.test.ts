import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { Svix } from 'svix';
import { ConfigError } from '../src/errors.js';
import { KeyedLogLimiter, parseLogFormat } from '../src/logger.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/hookline.js';
import { spawnServer, type ServerProcess } from './support/process.js';
import { respondInOrder, startReceiver, type Receiver } from './support/receiver.js';

const ADMIN_TOKEN = 'logs-test-admin-token';
const METRICS_TOKEN = 'logs-test-metrics-token';
const ROTATED_SECRET = 'whsec_' + Buffer.from('a rotated secret for the logs test').toString('base64');
const SOURCE_SECRET = 'gh-logs-source-secret';
/** Retries every 10 ms, 15 times: a failing endpoint fails 16 times within a second or two. */
const RETRY_SCHEDULE = Array.from({ length: 15 }, () => '0.01').join(',');

type LogLine = Record<string, unknown> & { msg: string; level: number };

describe('keyed log limiter', () => {
  it('limits each key and reports the dropped count', () => {
    const limiter = new KeyedLogLimiter(3, 60_000);
    const taken = Array.from({ length: 5 }, () => limiter.take('ep_a', 1000));
    assert.deepEqual(taken, [0, 0, 0, null, null]);
    assert.equal(limiter.take('ep_b', 1000), 0, 'another key has its own budget');
    assert.equal(limiter.take('ep_a', 61_000), 2, 'the next window reports the dropped lines');
    assert.equal(limiter.take('ep_a', 61_001), 0);
  });

  it('keeps a bounded number of keys', () => {
    const limiter = new KeyedLogLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`ep_${i}`, 1000);
    assert.equal(limiter.size, 100);
  });
});

describe('log format setting', () => {
  it('accepts json, pretty or unset', () => {
    assert.equal(parseLogFormat('json'), 'json');
    assert.equal(parseLogFormat(' Pretty '), 'pretty');
    assert.equal(parseLogFormat(''), undefined);
    assert.equal(parseLogFormat(undefined), undefined);
    assert.throws(() => parseLogFormat('xml'), ConfigError);
  });
});

describe('state change logs', () => {
  let dir: string;
  let database: TestDatabase;
  let server: ServerProcess;
  let svix: Svix;
  const receivers: Receiver[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-logs-'));
    database = createTestDatabase(dir);
    server = await spawnServer({
      HOOKLINE_LISTEN: '127.0.0.1:0',
      HOOKLINE_DATABASE_URL: database.url,
      HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKLINE_METRICS_TOKEN: METRICS_TOKEN,
      HOOKLINE_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      HOOKLINE_RETRY_SCHEDULE: RETRY_SCHEDULE,
      HOOKLINE_LOG_LEVEL: 'debug',
      // Unset: stdout is a pipe here, so the default must be JSON lines.
      HOOKLINE_LOG_FORMAT: '',
    });
    svix = new Svix(ADMIN_TOKEN, { serverUrl: `http://${server.address}` });
  });
  after(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function receiver(status: number): Promise<Receiver> {
    const created = await startReceiver(respondInOrder(status));
    receivers.push(created);
    return created;
  }

  /** Parses stdout; every line must be JSON. Stderr lines start with text, so they are skipped. */
  function logLines(): LogLine[] {
    return server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  function find(msg: string, fields: Record<string, unknown> = {}): LogLine[] {
    return logLines().filter((line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value));
  }

  function findOne(msg: string, fields: Record<string, unknown>): LogLine {
    const found = find(msg, fields);
    assert.equal(found.length, 1, `one "${msg}" line with ${JSON.stringify(fields)}; got ${found.length}`);
    return found[0]!;
  }

  it('writes one line per state change with the ids', async () => {
    const ok = await receiver(200);
    const failing = await receiver(500);
    const gone = await receiver(410);
    const app = await svix.application.create({ name: 'logs' });
    const okEndpoint = await svix.endpoint.create(app.id, { url: ok.url });
    const failingEndpoint = await svix.endpoint.create(app.id, { url: failing.url });
    const goneEndpoint = await svix.endpoint.create(app.id, { url: gone.url });
    const message = await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { total: 1 } });
    await failing.waitForRequests(16);
    await ok.waitForRequests(1);
    await gone.waitForRequests(1);

    await svix.endpoint.rotateSecret(app.id, okEndpoint.id, { key: ROTATED_SECRET });
    await svix.endpoint.patch(app.id, okEndpoint.id, { disabled: true });
    await svix.endpoint.patch(app.id, okEndpoint.id, { disabled: false });
    await svix.endpoint.recover(app.id, okEndpoint.id, { since: new Date(Date.now() - 60_000) });
    await svix.endpoint.delete(app.id, goneEndpoint.id);

    const source = await svix.ingest.source.create({ name: 'gh', type: 'github', config: { secret: SOURCE_SECRET } });
    const body = JSON.stringify({ action: 'closed' });
    const headers = { 'content-type': 'application/json', 'x-github-delivery': 'logs-1', 'x-github-event': 'issues' };
    const post = async (signature: string) => {
      const response = await fetch(`http://${server.address}/in/${source.id}`, {
        method: 'POST',
        headers: { ...headers, 'x-hub-signature-256': signature },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    };
    assert.equal(await post(await signGithub(SOURCE_SECRET, body)), 200);
    assert.equal(await post(await signGithub('not-the-secret', body)), 401);
    const metrics = await fetch(`http://${server.address}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await metrics.arrayBuffer();

    const ids = { appId: app.id, messageId: message.id };
    await eventually(() => (find('endpoint recovery finished').length > 0 ? true : undefined), 10_000, 'recovery to finish');
    await eventually(() => (find('attempt failed, retries exhausted').length > 0 ? true : undefined), 10_000, 'exhaustion');

    findOne('message accepted', { ...ids, level: 20 });
    const delivered = findOne('message delivered', { ...ids, endpointId: okEndpoint.id, level: 30 });
    assert.match(String(delivered.attemptId), /^atmpt_/);
    assert.equal(delivered.statusCode, 200);
    assert.equal(typeof delivered.workerId, 'string');

    const retries = find('attempt failed, retry scheduled', { ...ids, endpointId: failingEndpoint.id, level: 40 });
    assert.equal(retries.length, 10, 'ten retry lines a minute for one endpoint, then none');
    assert.ok(!Number.isNaN(Date.parse(String(retries[0]!.nextAttemptAt))), 'the retry line carries the next attempt time');
    assert.equal(retries[0]!.errorCode, 'http_error');
    findOne('attempt failed, retries exhausted', { ...ids, endpointId: failingEndpoint.id, attempt: 16, level: 50 });

    const goneLine = findOne('endpoint disabled', { ...ids, endpointId: goneEndpoint.id, reason: 'gone', level: 50 });
    assert.equal(goneLine.statusCode, 410);
    findOne('endpoint disabled', { appId: app.id, endpointId: okEndpoint.id, reason: 'manual' });
    findOne('endpoint enabled', { appId: app.id, endpointId: okEndpoint.id });
    findOne('endpoint secret rotated', { appId: app.id, endpointId: okEndpoint.id });
    findOne('endpoint recovery queued', { appId: app.id, endpointId: okEndpoint.id });
    findOne('endpoint deleted', { appId: app.id, endpointId: goneEndpoint.id });
    for (const endpoint of [okEndpoint, failingEndpoint, goneEndpoint]) {
      findOne('endpoint created', { appId: app.id, endpointId: endpoint.id });
    }
    findOne('source created', { sourceId: source.id });
    findOne('inbound request accepted', { sourceId: source.id, level: 20 });
    findOne('inbound request rejected', { sourceId: source.id, reason: 'signature_mismatch' });
  });

  it('never writes a secret or a token', async () => {
    const app = (await svix.application.list()).data[0]!;
    const endpoints = (await svix.endpoint.list(app.id)).data;
    const secrets = [ADMIN_TOKEN, METRICS_TOKEN, ROTATED_SECRET, SOURCE_SECRET, ROTATED_SECRET.slice('whsec_'.length)];
    for (const endpoint of endpoints) secrets.push((await svix.endpoint.getSecret(app.id, endpoint.id)).key);
    const output = server.output();
    assert.ok(output.length > 1000);
    for (const secret of secrets) assert.ok(!output.includes(secret), `the output contains ${secret.slice(0, 8)}…`);
    assert.doesNotMatch(output, /v1,[A-Za-z0-9+/=]{40,}/, 'no webhook signature');
    assert.doesNotMatch(output, /sha256=[0-9a-f]{64}/, 'no inbound signature');
  });

  it('logs the stop on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.equal(find('hookline stopped').length, 1);
  });
});
