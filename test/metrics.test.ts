import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { LookupAddress } from 'node:dns';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { pino } from 'pino';
import { newId } from '../src/ids.js';
import { loadConfig } from '../src/config.js';
import { createHookline } from '../src/hookline.js';
import { HooklineMetrics } from '../src/metrics/metrics.js';
import { openStore } from '../src/store/database.js';
import { createTestDatabase } from './support/database.js';
import { eventually, startHookline, TEST_TOKEN, type TestServer } from './support/hookline.js';
import { startReceiver, respondInOrder, type Receiver } from './support/receiver.js';

const METRICS_TOKEN = 'metrics-scrape-token-for-tests';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format into samples; comment lines are skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Returns the value of the one sample with `name` and exactly `labels`; 0 when absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const found = samples.filter((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted);
  assert.ok(found.length <= 1, `several samples of ${name} ${wanted}`);
  return found[0]?.value ?? 0;
}

function sumOf(samples: Sample[], name: string): number {
  return samples.filter((sample) => sample.name === name).reduce((total, sample) => total + sample.value, 0);
}

async function scrape(url: string, token: string | null = METRICS_TOKEN): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(text);
}

/** Resolves one made-up name to a private address, which the destination guard blocks. */
async function resolveToPrivate(hostname: string): Promise<LookupAddress[]> {
  if (hostname === 'blocked.example.test') return [{ address: '10.0.0.5', family: 4 }];
  throw Object.assign(new Error(`no test address for ${hostname}`), { code: 'ENOTFOUND' });
}

describe('metrics', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];

  before(async () => {
    // One quick retry, then one an hour away, so failing deliveries stay pending during the test.
    server = await startHookline(
      { HOOKLINE_RETRY_SCHEDULE: '0.05,3600', HOOKLINE_METRICS_TOKEN: METRICS_TOKEN },
      undefined,
      { resolve: resolveToPrivate },
    );
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function endpointApp(name: string, url: string) {
    const app = await server.svix.application.create({ name });
    await server.svix.endpoint.create(app.id, { url });
    return app;
  }

  async function receiverApp(name: string, status: number) {
    const receiver = await startReceiver(respondInOrder(status));
    receivers.push(receiver);
    return endpointApp(name, receiver.url);
  }

  it('counts deliveries, queue state and inbound requests exactly', async () => {
    const ok = await receiverApp('ok', 200);
    const failing = await receiverApp('failing', 500);
    const gone = await receiverApp('gone', 410);
    const blocked = await endpointApp('blocked', 'http://blocked.example.test:9/hook');
    for (let i = 0; i < 3; i++) await server.svix.message.create(ok.id, { eventType: 'order.paid', payload: { i } });
    for (const app of [failing, gone, blocked]) await server.svix.message.create(app.id, { eventType: 'order.paid', payload: {} });

    const target = await startReceiver();
    receivers.push(target);
    const source = await server.svix.ingest.source.create({ name: 'github', type: 'github', config: { secret: 'gh-metrics' } });
    await server.svix.ingest.endpoint.create(source.id, { url: target.url });
    const body = JSON.stringify({ action: 'opened' });
    const headers = { 'content-type': 'application/json', 'x-github-delivery': 'delivery-1', 'x-github-event': 'issues' };
    const signature = await signGithub('gh-metrics', body);
    const post = (extra: Record<string, string>, sourceId = source.id) =>
      fetch(`${server.url}/in/${sourceId}`, { method: 'POST', headers: { ...headers, ...extra }, body });
    assert.equal((await post({ 'x-hub-signature-256': signature })).status, 200);
    assert.equal((await post({ 'x-hub-signature-256': signature })).status, 200, 'a replay is acknowledged');
    const forged = await post({ 'x-hub-signature-256': await signGithub('wrong-secret', body) });
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { code: string }).code, 'signature_mismatch');
    assert.equal((await post({}, newId('src'))).status, 404);

    // 3 + 1 inbound successes, 2 failures to each of the 500 and the blocked endpoint, one 410.
    const samples = await eventually(async () => {
      const current = await scrape(server.url);
      return sumOf(current, 'hookline_delivery_attempts_total') === 9 ? current : undefined;
    }, 15_000, 'nine recorded attempts');

    assert.equal(valueOf(samples, 'hookline_messages_accepted_total', { source: 'api' }), 6);
    assert.equal(valueOf(samples, 'hookline_messages_accepted_total', { source: 'inbound' }), 1);
    assert.equal(valueOf(samples, 'hookline_delivery_attempts_total', { outcome: 'success', status_class: '2xx' }), 4);
    assert.equal(valueOf(samples, 'hookline_delivery_attempts_total', { outcome: 'http_error', status_class: '5xx' }), 2);
    assert.equal(valueOf(samples, 'hookline_delivery_attempts_total', { outcome: 'gone', status_class: '4xx' }), 1);
    assert.equal(valueOf(samples, 'hookline_delivery_attempts_total', { outcome: 'destination_blocked', status_class: 'none' }), 2);
    assert.equal(valueOf(samples, 'hookline_delivery_latency_seconds_count'), 4);
    assert.equal(valueOf(samples, 'hookline_delivery_latency_seconds_bucket', { le: '+Inf' }), 4);
    assert.equal(valueOf(samples, 'hookline_delivery_attempt_duration_seconds_count'), 9);
    assert.equal(valueOf(samples, 'hookline_delivery_retries_scheduled_total'), 4);
    assert.equal(valueOf(samples, 'hookline_deliveries_exhausted_total'), 1);
    assert.equal(valueOf(samples, 'hookline_endpoint_disabled_events_total', { reason: 'gone' }), 1);
    assert.equal(valueOf(samples, 'hookline_inbound_requests_accepted_total', { provider: 'github' }), 1);
    assert.equal(valueOf(samples, 'hookline_inbound_requests_rejected_total', { provider: 'github', reason: 'duplicate' }), 1);
    assert.equal(valueOf(samples, 'hookline_inbound_requests_rejected_total', { provider: 'github', reason: 'signature_mismatch' }), 1);
    assert.equal(valueOf(samples, 'hookline_inbound_requests_rejected_total', { provider: 'unknown', reason: 'source_not_found' }), 1);

    // The 500 and the blocked deliveries wait an hour for their last attempt; nothing is due.
    assert.equal(valueOf(samples, 'hookline_database_up'), 1);
    assert.equal(valueOf(samples, 'hookline_queue_pending_deliveries'), 2);
    assert.equal(valueOf(samples, 'hookline_queue_due_deliveries'), 0);
    assert.equal(valueOf(samples, 'hookline_queue_oldest_due_age_seconds'), 0);
    assert.equal(valueOf(samples, 'hookline_endpoints_disabled'), 1);
    assert.ok(valueOf(samples, 'hookline_process_cpu_user_seconds_total') > 0, 'process metrics carry the prefix');

    // With the worker stopped, a new message stays due and ages.
    await server.hookline.worker!.stop();
    const sentAt = Date.now();
    await server.svix.message.create(ok.id, { eventType: 'order.paid', payload: { late: true } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const queued = await scrape(server.url);
    const age = valueOf(queued, 'hookline_queue_oldest_due_age_seconds');
    assert.equal(valueOf(queued, 'hookline_queue_pending_deliveries'), 3);
    assert.equal(valueOf(queued, 'hookline_queue_due_deliveries'), 1);
    assert.ok(age >= 1, `oldest due age ${age} is at least the second waited`);
    assert.ok(age <= (Date.now() - sentAt) / 1000, `oldest due age ${age} is at most the time since sending`);
    assert.equal(valueOf(queued, 'hookline_messages_accepted_total', { source: 'api' }), 7);
  });

  it('keeps ids and URLs out of label values', async () => {
    const samples = await scrape(server.url);
    assert.ok(samples.length > 50);
    for (const sample of samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        const where = `${sample.name} ${label}="${value}"`;
        assert.doesNotMatch(value, /(app|ep|msg|atmpt|src|tok)_[0-9A-Za-z]{27}/, where);
        assert.doesNotMatch(value, /:\/\/|127\.0\.0\.1|example\.test/, where);
      }
    }
  });

  it('requires the metrics token when one is set', async () => {
    const missing = await fetch(`${server.url}/metrics`);
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { code: string }).code, 'authentication_failed');
    for (const token of ['wrong-token', TEST_TOKEN]) {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      assert.equal(response.status, 401, `token ${token}`);
    }
    assert.ok((await scrape(server.url)).length > 0);
  });
});

describe('metrics settings', () => {
  it('reads the token and the listener', () => {
    const config = loadConfig({ HOOKLINE_METRICS_TOKEN: ' abc ', HOOKLINE_METRICS_LISTEN: '[::1]:9464' });
    assert.equal(config.metricsToken, 'abc');
    assert.deepEqual(config.metricsListen, { host: '::1', port: 9464 });
    assert.equal(loadConfig({ HOOKLINE_METRICS_TOKEN: '' }).metricsToken, undefined);
    assert.equal(loadConfig({}).metricsListen, undefined);
    assert.throws(() => loadConfig({ HOOKLINE_METRICS_LISTEN: '9464' }), /HOOKLINE_METRICS_LISTEN is invalid/);
  });
});

describe('metrics without a token', () => {
  it('serves /metrics to anyone and never under /api', async () => {
    const open = await startHookline();
    try {
      assert.ok((await scrape(open.url, null)).length > 0);
      const underApi = await fetch(`${open.url}/api/v1/metrics`);
      await underApi.arrayBuffer();
      assert.equal(underApi.status, 401);
    } finally {
      await open.close();
    }
  });
});

describe('metrics of a worker-only process', () => {
  it('are served on HOOKLINE_METRICS_LISTEN and count its own attempts', async () => {
    const target = await startReceiver();
    const api = await startHookline({ HOOKLINE_METRICS_TOKEN: METRICS_TOKEN });
    await api.hookline.worker!.stop();
    const config = { ...api.config, metricsListen: { host: '127.0.0.1', port: 0 } };
    const worker = await createHookline(config, pino({ level: 'silent' }), 'worker');
    try {
      assert.equal(await worker.listen(), null, 'a worker has no API listener');
      const workerUrl = `http://${worker.metricsAddress()}`;
      const unauthorized = await fetch(`${workerUrl}/metrics`);
      await unauthorized.arrayBuffer();
      assert.equal(unauthorized.status, 401);

      const app = await api.svix.application.create({ name: 'split' });
      await api.svix.endpoint.create(app.id, { url: target.url });
      await api.svix.message.create(app.id, { eventType: 'order.paid', payload: {} });
      await target.waitForRequests(1);

      const fromWorker = await eventually(async () => {
        const samples = await scrape(workerUrl);
        return sumOf(samples, 'hookline_delivery_attempts_total') === 1 ? samples : undefined;
      }, 10_000, 'the worker to count its attempt');
      const fromApi = await scrape(api.url);
      assert.equal(valueOf(fromWorker, 'hookline_delivery_attempts_total', { outcome: 'success', status_class: '2xx' }), 1);
      assert.equal(valueOf(fromWorker, 'hookline_messages_accepted_total', { source: 'api' }), 0);
      assert.equal(valueOf(fromApi, 'hookline_messages_accepted_total', { source: 'api' }), 1);
      assert.equal(sumOf(fromApi, 'hookline_delivery_attempts_total'), 0);
      assert.equal(valueOf(fromWorker, 'hookline_database_up'), 1);
    } finally {
      await worker.close();
      await api.close();
      await target.close();
    }
  });
});

describe('metrics with the database down', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-metrics-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('still answers and reports the database down', async () => {
    const database = createTestDatabase(dir);
    const store = await openStore(database.url);
    await store.close();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const metrics = new HooklineMetrics(store.db, pino({ level: 'warn' }, sink));

    try {
      const first = parseExposition(await metrics.registry.metrics());
      const second = parseExposition(await metrics.registry.metrics());

      assert.equal(valueOf(first, 'hookline_database_up'), 0);
      assert.ok(Number.isNaN(valueOf(first, 'hookline_queue_pending_deliveries')));
      assert.ok(Number.isNaN(valueOf(first, 'hookline_endpoints_disabled')));
      assert.equal(valueOf(second, 'hookline_metrics_database_errors_total'), 2);
      const warnings = lines.filter((line) => line.includes('reading metrics from the database failed'));
      assert.equal(warnings.length, 1, 'the failure is logged once a minute');
    } finally {
      await database.drop();
    }
  });
});
