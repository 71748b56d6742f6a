import type { ChildProcess } from 'node:child_process';
import { now, sleep } from './clock.js';
import type { LoadOptions } from './loadgen.js';
import { Child, freePort, startHookline, stopProcess, usage } from './proc.js';
import type { ReceiverOptions } from './receiver.js';
import { api, createDatabase, pgBossSchema, POSTGRES_URL, REDIS_PORT, TOKEN, type Engine } from './setup.js';
import { quantile, rateInWindow, reconcile } from './stats.js';

/** One measured run: a system under one workload. */
export interface Result {
  workload: string;
  system: string;
  deliveriesPerSecond: number;
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  /** CPU seconds per process role, and the server's peak memory. */
  cpu: Record<string, number>;
  peakMiB: number;
  note: string;
}

export interface RunSettings {
  durationMs: number;
  concurrency: number;
  payloadBytes: number;
  /** How long to wait for stragglers after the load stops. */
  drainMs: number;
}

/** Posts in flight to one receiver for the queue baselines and for each Hookline endpoint. */
const BASELINE_CONCURRENCY = 64;

const OK_RECEIVER: ReceiverOptions = { latencyMs: 0, errorRate: 0, timeoutRate: 0, hangMs: 0 };

export async function startReceiver(options: ReceiverOptions = OK_RECEIVER): Promise<{ child: Child; url: string }> {
  const child = new Child('receiver.js', options);
  const ready = await child.waitFor('ready');
  const scheme = options.tls ? 'https' : 'http';
  return { child, url: `${scheme}://127.0.0.1:${ready.port}` };
}

async function runLoad(options: LoadOptions): Promise<{ child: Child; started: number }> {
  const child = new Child('loadgen.js', options);
  await child.waitFor('ready');
  const started = now();
  child.send({ type: 'start' });
  await child.waitFor('done');
  return { child, started };
}

/**
 * Waits until `count` deliveries arrived at `receivers`. A backlog may take long to drain, so
 * it waits as long as deliveries keep arriving, and gives up after `idleMs` without progress
 * or 10 minutes in all.
 */
async function waitForDeliveries(receivers: Child[], count: number, idleMs: number): Promise<void> {
  const total = () => receivers.reduce((sum, receiver) => sum + receiver.timings.size, 0);
  const deadline = now() + 600_000;
  let lastCount = -1;
  let lastProgress = now();
  while (total() < count && now() < deadline && now() - lastProgress < idleMs) {
    for (const receiver of receivers) receiver.send({ type: 'flush' });
    await sleep(100);
    if (total() !== lastCount) {
      lastCount = total();
      lastProgress = now();
    }
  }
  for (const receiver of receivers) receiver.send({ type: 'flush' });
  await sleep(150);
}

function merged(receivers: Child[]): Map<string, number> {
  const all = new Map<string, number>();
  for (const receiver of receivers) for (const [key, time] of receiver.timings) all.set(key, time);
  return all;
}

/** Settings every benchmarked Hookline server gets: its port, database, token and loopback receivers. */
function serverEnv(port: number, databaseUrl: string): Record<string, string> {
  return {
    HOOKLINE_LISTEN: `127.0.0.1:${port}`,
    HOOKLINE_DATABASE_URL: databaseUrl,
    HOOKLINE_ADMIN_TOKEN: TOKEN,
    HOOKLINE_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    // The queue baselines keep 64 posts in flight to their one receiver, so Hookline may too.
    // The default of 16 protects other endpoints from a slow one; see docs/benchmarks.md.
    HOOKLINE_ENDPOINT_CONCURRENCY: String(BASELINE_CONCURRENCY),
  };
}

export interface HooklineRun {
  engine: Engine;
  env?: Record<string, string>;
  /** Receiver URLs with paths; each is one endpoint. */
  endpoints: string[];
  load: Omit<LoadOptions, 'target' | 'hookline' | 'payloadBytes' | 'durationMs'> & { durationMs?: number };
  /** Kills the server with SIGKILL halfway through and restarts it. */
  killHalfway?: boolean;
  /** Endpoints whose deliveries are checked; default all. A down endpoint is left out. */
  checkedEndpoints?: string[];
  /** Resident memory of the server in MiB, sampled every 5 s during the load. */
  memorySamples?: number[];
}

/**
 * Starts Hookline on a fresh database, points one application at `endpoints`, runs the load
 * generator against its API and reconciles what was accepted with what arrived.
 */
export async function measureHookline(
  run: HooklineRun,
  receivers: Child[],
  settings: RunSettings,
  label: { workload: string; note?: string },
): Promise<Result> {
  const database = await createDatabase(run.engine);
  const port = await freePort();
  const env = { ...serverEnv(port, database.url), HOOKLINE_RETRY_SCHEDULE: '0.5,1,2,4', ...run.env };
  let server: ChildProcess = await startHookline(env);
  const base = `http://127.0.0.1:${port}`;
  try {
    const app = await api(base, '/api/v1/app', { name: 'bench' });
    for (const url of run.endpoints) await api(base, `/api/v1/app/${app.id}/endpoint`, { url });
    for (const receiver of receivers) receiver.timings.clear();

    const durationMs = run.load.durationMs ?? settings.durationMs;
    const options: LoadOptions = {
      ...run.load,
      durationMs,
      target: 'hookline',
      payloadBytes: settings.payloadBytes,
      hookline: { url: base, token: TOKEN, appId: app.id },
    };
    let restartedAt = 0;
    const kill = run.killHalfway
      ? (async () => {
          await sleep(durationMs / 2);
          server.kill('SIGKILL');
          await new Promise((resolve) => server.once('exit', resolve));
          restartedAt = now();
          server = await startHookline(env);
        })()
      : Promise.resolve();
    const sampler = run.memorySamples
      ? setInterval(() => run.memorySamples!.push(usage(server.pid).rssMiB), 5000)
      : undefined;
    const { child: load, started } = await runLoad(options);
    clearInterval(sampler);
    await kill;

    const checked = run.checkedEndpoints ?? run.endpoints;
    const expected = load.timings.size * checked.length;
    await waitForDeliveries(receivers, expected, settings.drainMs + (run.killHalfway ? 30_000 : 0));
    const finished = now();
    const delivered = merged(receivers);
    const paths = checked.map((url) => new URL(url).pathname);
    const ledger = reconcile(load.timings, delivered, paths);
    const serverUsage = usage(server.pid);
    const result: Result = {
      workload: label.workload,
      system: `Hookline (${run.engine})`,
      deliveriesPerSecond: rateInWindow(delivered, started, durationMs),
      acceptedPerSecond: load.timings.size / (durationMs / 1000),
      p50Ms: quantile(ledger.latenciesMs, 0.5),
      p99Ms: quantile(ledger.latenciesMs, 0.99),
      lost: ledger.lost,
      cpu: {
        server: serverUsage.cpuSeconds,
        loadgen: load.done?.cpuSeconds ?? 0,
        receivers: receivers.reduce((sum, receiver) => sum + usage(receiver.process.pid).cpuSeconds, 0),
      },
      peakMiB: serverUsage.peakMiB,
      note: label.note ?? '',
    };
    if (run.killHalfway) {
      result.note += `recovered ${((finished - restartedAt) / 1000).toFixed(1)} s after restart; `;
    }
    await load.stop();
    return result;
  } finally {
    await stopProcess(server);
    await database.drop();
  }
}

/** Posts signed bodies straight to the receiver: no API, no storage, no queue. */
export async function measureCeiling(receiver: Child, url: string, settings: RunSettings): Promise<Result> {
  receiver.timings.clear();
  const { child: load, started } = await runLoad({
    target: 'ceiling',
    mode: 'closed',
    rate: 0,
    concurrency: settings.concurrency,
    durationMs: settings.durationMs,
    payloadBytes: settings.payloadBytes,
    receiverUrls: [url],
  });
  await waitForDeliveries([receiver], load.timings.size, settings.drainMs);
  const delivered = merged([receiver]);
  const result: Result = {
    workload: 'max throughput, 1 endpoint',
    system: 'ceiling: bare undici, no storage',
    deliveriesPerSecond: rateInWindow(delivered, started, settings.durationMs),
    acceptedPerSecond: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    lost: 0,
    cpu: { loadgen: load.done?.cpuSeconds ?? 0, receivers: usage(receiver.process.pid).cpuSeconds },
    peakMiB: NaN,
    note: '',
  };
  await load.stop();
  return result;
}

/** Measures a hand-rolled queue: producers enqueue through pg-boss or BullMQ, a worker process posts. */
export async function measureQueue(
  kind: 'pgboss' | 'bullmq',
  receiver: Child,
  url: string,
  settings: RunSettings,
): Promise<Result> {
  const boss = kind === 'pgboss' ? pgBossSchema() : null;
  const shared = { pgUrl: POSTGRES_URL, pgSchema: boss?.schema, redisPort: REDIS_PORT };
  const worker = new Child('queue-worker.js', { kind, receiverUrl: url, concurrency: BASELINE_CONCURRENCY, ...shared });
  try {
    await worker.waitFor('ready');
    receiver.timings.clear();
    const { child: load, started } = await runLoad({
      target: kind,
      mode: 'closed',
      rate: 0,
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      payloadBytes: settings.payloadBytes,
      ...shared,
    });
    await waitForDeliveries([receiver], load.timings.size, settings.drainMs);
    const delivered = merged([receiver]);
    const ledger = reconcile(load.timings, delivered, [new URL(url).pathname]);
    const result: Result = {
      workload: 'max throughput, 1 endpoint',
      system: kind === 'pgboss' ? 'pg-boss 10 queue + undici' : 'BullMQ 5 queue (Redis) + undici',
      deliveriesPerSecond: rateInWindow(delivered, started, settings.durationMs),
      acceptedPerSecond: load.timings.size / (settings.durationMs / 1000),
      p50Ms: quantile(ledger.latenciesMs, 0.5),
      p99Ms: quantile(ledger.latenciesMs, 0.99),
      lost: ledger.lost,
      cpu: {
        worker: usage(worker.process.pid).cpuSeconds,
        loadgen: load.done?.cpuSeconds ?? 0,
        receivers: usage(receiver.process.pid).cpuSeconds,
      },
      peakMiB: usage(worker.process.pid).peakMiB,
      note: '',
    };
    await load.stop();
    return result;
  } finally {
    await worker.stop();
    await boss?.drop();
  }
}

/**
 * Measures a backlog drain: an API-only server accepts messages for the load duration, then a
 * server with a worker starts on the same database and delivers the backlog. Returns deliveries per
 * second from the worker's start until the last delivery.
 */
export async function measureDrain(engine: Engine, receiver: Child, url: string, settings: RunSettings): Promise<Result> {
  const database = await createDatabase(engine);
  const port = await freePort();
  const env = serverEnv(port, database.url);
  const base = `http://127.0.0.1:${port}`;
  let server = await startHookline(env, 'api');
  try {
    const app = await api(base, '/api/v1/app', { name: 'bench' });
    await api(base, `/api/v1/app/${app.id}/endpoint`, { url });
    const { child: load } = await runLoad({
      target: 'hookline',
      mode: 'closed',
      rate: 0,
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      payloadBytes: settings.payloadBytes,
      hookline: { url: base, token: TOKEN, appId: app.id },
    });
    await load.stop();
    await stopProcess(server);

    receiver.timings.clear();
    const started = now();
    server = await startHookline(env, 'all');
    await waitForDeliveries([receiver], load.timings.size, settings.drainMs * 4);
    const delivered = merged([receiver]);
    const ledger = reconcile(load.timings, delivered, [new URL(url).pathname]);
    const last = Math.max(...delivered.values());
    const serverUsage = usage(server.pid);
    return {
      workload: `backlog drain, ${load.timings.size} messages`,
      system: `Hookline (${engine})`,
      deliveriesPerSecond: ledger.delivered / ((last - started) / 1000),
      acceptedPerSecond: load.timings.size / (settings.durationMs / 1000),
      p50Ms: NaN,
      p99Ms: NaN,
      lost: ledger.lost,
      cpu: { server: serverUsage.cpuSeconds, receivers: usage(receiver.process.pid).cpuSeconds },
      peakMiB: serverUsage.peakMiB,
      note: 'includes server start-up',
    };
  } finally {
    await stopProcess(server);
    await database.drop();
  }
}
