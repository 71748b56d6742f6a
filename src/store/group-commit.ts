import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Operation<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  operation: Operation<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: write operations that arrive while a transaction is being committed wait and
 * then run together in the next transaction, so many concurrent writes share one commit (one
 * fsync on SQLite, one round trip of COMMIT on PostgreSQL). Each caller still gets its own
 * result only after the commit that contains its write.
 *
 * When any operation in a batch fails, the batch is rolled back and every operation runs again
 * in a transaction of its own, so one caller's error (a duplicate eventId, say) never fails or
 * loses another caller's write.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 64,
  ) {}

  run<T>(operation: Operation<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ operation, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1) await this.runAlone(batch[0]!);
        else await this.runTogether(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async runTogether(batch: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const values: unknown[] = [];
        for (const item of batch) values.push(await item.operation(trx));
        return values;
      });
    } catch {
      for (const item of batch) await this.runAlone(item);
      return;
    }
    batch.forEach((item, index) => item.resolve(results[index]));
  }

  private async runAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.db.transaction().execute((trx) => item.operation(trx)));
    } catch (error) {
      item.reject(error);
    }
  }
}
