import { Pool } from 'undici';
import { tell, type DriverMessage } from './messages.js';
import { signedHeaders } from './signing.js';

/**
 * The consuming half of a hand-rolled webhook queue on pg-boss or BullMQ, run as its own
 * process: it takes jobs and posts each signed body to the receiver with undici, the way a
 * team without a gateway would build it. Failed posts go back to the queue for a retry.
 */
interface WorkerOptions {
  kind: 'pgboss' | 'bullmq';
  receiverUrl: string;
  concurrency: number;
  pgUrl?: string;
  pgSchema?: string;
  redisPort?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
const target = new URL(options.receiverUrl);
const pool = new Pool(target.origin, { connections: options.concurrency });

async function post(job: { id: string; body: string }): Promise<void> {
  const response = await pool.request({ method: 'POST', path: target.pathname, headers: signedHeaders(job.id, job.body), body: job.body });
  await response.body.dump();
  if (response.statusCode >= 300) throw new Error(`receiver returned ${response.statusCode}`);
}

let stop: () => Promise<void>;
if (options.kind === 'pgboss') {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: options.pgUrl!, schema: options.pgSchema!, max: 8 });
  await boss.start();
  await boss.createQueue('deliveries');
  // boss.work() waits its polling interval (half a second at least) after every batch, which
  // capped this loop at 128 jobs/s. A team after throughput fetches again at once instead.
  // Each lane fetches a batch and posts it. It then completes the successes and fails the
  // rest in two statements, and sleeps only when the queue is empty.
  let running = true;
  const lanes = 4;
  const batchSize = Math.ceil(options.concurrency / lanes);
  const lane = async () => {
    while (running) {
      const jobs = await boss.fetch<{ id: string; body: string }>('deliveries', { batchSize });
      if (jobs.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const results = await Promise.allSettled(jobs.map((job) => post(job.data)));
      const done = jobs.filter((_, i) => results[i]!.status === 'fulfilled').map((job) => job.id);
      const failed = jobs.filter((_, i) => results[i]!.status === 'rejected').map((job) => job.id);
      if (done.length > 0) await boss.complete('deliveries', done);
      if (failed.length > 0) await boss.fail('deliveries', failed);
    }
  };
  const loops = Array.from({ length: lanes }, lane);
  stop = async () => {
    running = false;
    await Promise.allSettled(loops);
    await boss.stop({ graceful: false, wait: false });
  };
} else {
  const { Worker } = await import('bullmq');
  const worker = new Worker<{ id: string; body: string }>('deliveries', async (job) => post(job.data), {
    connection: { host: '127.0.0.1', port: options.redisPort ?? 6379 },
    concurrency: options.concurrency,
  });
  stop = () => worker.close(true);
}

tell({ type: 'ready' });
process.on('message', async (message: DriverMessage) => {
  if (message.type === 'stop') {
    await stop();
    process.exit(0);
  }
});
