import type { Kysely } from 'kysely';
import type { GroupCommit } from '../store/group-commit.js';
import type { Database } from '../store/schema.js';
import { WriteBatcher } from '../store/write-batcher.js';
import type { AttemptRecord, DeliveryJob, HealthPolicy, RecordedAttempt } from './deliveries.js';
import { recordAttempts, type AttemptEntry } from './record-attempts.js';

/** Maximum number of attempts in one batch. Each attempt row binds 14 parameters. */
const MAX_BATCH = 128;

/**
 * Stores finished attempts in batches: attempts that end in the same turn of the event loop,
 * or while a batch is being written, share a few statements for the whole batch. An attempt
 * result lost in a power failure only makes the delivery go out again, so batches commit
 * without waiting for the disk.
 */
export class AttemptRecorder {
  private readonly batcher: WriteBatcher<AttemptEntry, RecordedAttempt | null>;

  constructor(writes: GroupCommit, workerId: string, policy: HealthPolicy) {
    const write = (trx: Kysely<Database>, entries: AttemptEntry[]) => recordAttempts(trx, workerId, entries, policy);
    this.batcher = new WriteBatcher(writes, write, { maxBatch: MAX_BATCH, durable: false });
  }

  record(job: DeliveryJob, record: AttemptRecord): Promise<RecordedAttempt | null> {
    return this.batcher.add({ job, record });
  }
}
