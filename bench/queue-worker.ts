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
  // pg-boss 10 polls; half a second is its shortest interval. Several pollers fetch in parallel.
  for (let i = 0; i < 4; i++) {
    await boss.work<{ id: string; body: string }>(
      'deliveries',
      { batchSize: Math.ceil(options.concurrency / 4), pollingIntervalSeconds: 0.5 },
      async (jobs) => {
        await Promise.all(jobs.map((job) => post(job.data)));
      },
    );
  }
  stop = () => boss.stop({ graceful: false, wait: false });
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
