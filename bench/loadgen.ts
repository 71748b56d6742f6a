import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { now, sleep } from './clock.js';
import { tell, TimingBatch } from './messages.js';
import { payloadFor, signedHeaders } from './signing.js';

/**
 * Load generator, run as its own process. It reports when each message was accepted. Open-loop
 * mode sends at a fixed rate whatever the server does, so a slow server cannot hide its queue.
 * Closed-loop mode keeps `concurrency` requests in flight, to find the maximum.
 */
export interface LoadOptions {
  target: 'hookline' | 'pgboss' | 'bullmq' | 'ceiling';
  mode: 'open' | 'closed';
  rate: number;
  concurrency: number;
  durationMs: number;
  payloadBytes: number;
  hookline?: { url: string; token: string; appId: string };
  pgUrl?: string;
  pgSchema?: string;
  redisPort?: number;
  /** For the ceiling: receiver URLs to post to directly. */
  receiverUrls?: string[];
}

type Send = (seq: number) => Promise<string | null>;

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const accepted = new TimingBatch('accepted');
const counts = { sent: 0, accepted: 0, rejected: 0, errors: 0 };
/** Open-loop sends beyond this many in flight are counted as errors instead of queued. */
const MAX_IN_FLIGHT = 4000;

async function hooklineSender(): Promise<Send> {
  const { url, token, appId } = options.hookline!;
  const pool = new Pool(url, { connections: Math.max(8, options.concurrency) });
  const path = `/api/v1/app/${appId}/msg?with_content=false`;
  return async (seq) => {
    const body = JSON.stringify({ eventType: 'invoice.paid', payload: payloadFor(seq, options.payloadBytes) });
    const response = await pool.request({
      method: 'POST',
      path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 202) return null;
    return (JSON.parse(text) as { id: string }).id;
  };
}

async function pgBossSender(): Promise<Send> {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: options.pgUrl!, schema: options.pgSchema!, max: 8 });
  await boss.start();
  await boss.createQueue('deliveries');
  return async (seq) => {
    const id = `msg_${randomUUID()}`;
    await boss.send('deliveries', { id, body: JSON.stringify(payloadFor(seq, options.payloadBytes)) });
    return id;
  };
}

async function bullSender(): Promise<Send> {
  const { Queue } = await import('bullmq');
  const queue = new Queue('deliveries', { connection: { host: '127.0.0.1', port: options.redisPort ?? 6379 } });
  return async (seq) => {
    const id = `msg_${randomUUID()}`;
    await queue.add('d', { id, body: JSON.stringify(payloadFor(seq, options.payloadBytes)) }, { removeOnComplete: true });
    return id;
  };
}

/** Posts straight to the receivers with no storage: the machine's ceiling for deliveries. */
async function ceilingSender(): Promise<Send> {
  const pools = options.receiverUrls!.map((url) => ({ url, pool: new Pool(new URL(url).origin, { connections: options.concurrency }) }));
  return async (seq) => {
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify(payloadFor(seq, options.payloadBytes));
    await Promise.all(
      pools.map(async ({ url, pool }) => {
        const response = await pool.request({ method: 'POST', path: new URL(url).pathname, headers: signedHeaders(id, body), body });
        await response.body.dump();
      }),
    );
    return id;
  };
}

async function sendOne(send: Send, seq: number): Promise<void> {
  counts.sent++;
  try {
    const id = await send(seq);
    if (id === null) counts.rejected++;
    else {
      counts.accepted++;
      accepted.add(id, now());
    }
  } catch {
    counts.errors++;
  }
}

async function runClosed(send: Send): Promise<void> {
  const deadline = now() + options.durationMs;
  let seq = 0;
  const lane = async () => {
    while (now() < deadline) await sendOne(send, seq++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
}

async function runOpen(send: Send): Promise<void> {
  const started = now();
  const inFlight = new Set<Promise<void>>();
  let seq = 0;
  while (now() - started < options.durationMs) {
    const due = Math.floor(((now() - started) * options.rate) / 1000);
    while (seq < due) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        counts.sent++;
        counts.errors++;
        seq++;
        continue;
      }
      const task = sendOne(send, seq++).finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
}

const senders = { hookline: hooklineSender, pgboss: pgBossSender, bullmq: bullSender, ceiling: ceilingSender };
const send = await senders[options.target]();
tell({ type: 'ready' });
process.once('message', async () => {
  if (options.mode === 'open') await runOpen(send);
  else await runClosed(send);
  accepted.close();
  const cpu = process.cpuUsage();
  tell({ type: 'done', ...counts, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  setTimeout(() => process.exit(0), 200);
});
