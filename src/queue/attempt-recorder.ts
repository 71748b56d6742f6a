import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isDatabaseUnavailable } from '../store/availability.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { AttemptRecord, DeliveryJob, HealthPolicy, RecordedAttempt } from './deliveries.js';
import { recordAttempts, type AttemptEntry } from './record-attempts.js';

/** Maximum number of attempts in one batch. Each attempt row binds 14 parameters. */
const MAX_BATCH = 128;

interface Waiting {
  entry: AttemptEntry;
  resolve: (result: RecordedAttempt | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Stores finished attempts in batches. Attempts that end while a batch is being written, or in
 * the same turn of the event loop, are written together by the next batch, with a few
 * statements for the whole batch instead of several per attempt. Each caller's promise settles
 * only after the commit that contains its attempt.
 */
export class AttemptRecorder {
  private waiting: Waiting[] = [];
  private active = false;

  constructor(
    private readonly writes: GroupCommit,
    private readonly workerId: string,
    private readonly policy: HealthPolicy,
  ) {}

  record(job: DeliveryJob, record: AttemptRecord): Promise<RecordedAttempt | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry: { job, record }, resolve, reject });
      if (this.active) return;
      this.active = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.write(this.waiting.splice(0, MAX_BATCH));
    } finally {
      this.active = false;
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const entries = batch.map((item) => item.entry);
      // An attempt result lost in a power failure only makes the delivery go out again.
      const write = (trx: Kysely<Database>) => recordAttempts(trx, this.workerId, entries, this.policy);
      const results = await this.writes.run(write, { durable: false });
      batch.forEach((item, index) => item.resolve(results[index]!));
    } catch (error) {
      // One attempt's error (its message deleted meanwhile, say) must not fail the others:
      // each is written on its own. An unreachable database fails them all alike.
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const item of batch) item.reject(error);
        return;
      }
      await Promise.all(batch.map((item) => this.write([item])));
    }
  }
}
