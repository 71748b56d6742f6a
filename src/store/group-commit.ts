import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

type Operation<T> = (trx: Kysely<Database>) => Promise<T>;

interface Pending {
  operation: Operation<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Maximum number of operations in one transaction. */
  maxBatch?: number;
  /**
   * Starts each transaction with SQLite's BEGIN IMMEDIATE, which takes the write lock up front
   * (waiting out busy_timeout). A deferred BEGIN that reads first fails at once with
   * SQLITE_BUSY when another process wrote in between, so a read-then-write batch needs it.
   */
  beginImmediate?: boolean;
}

/**
 * Group commit: write operations that arrive while a transaction is being committed, or in the
 * same turn of the event loop, run together in one transaction, so many concurrent writes
 * share one commit (one fsync on SQLite, one round trip of COMMIT on PostgreSQL). Each caller
 * still gets its own result only after the commit that contains its write.
 *
 * When any operation in a batch fails, the batch is rolled back and every operation runs again
 * in a transaction of its own, so one caller's error (a duplicate eventId, say) never fails or
 * loses another caller's write.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private flushing = false;
  private readonly maxBatch: number;
  private readonly beginImmediate: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.beginImmediate = options.beginImmediate ?? false;
  }

  run<T>(operation: Operation<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ operation, resolve: resolve as (value: unknown) => void, reject });
      if (this.flushing) return;
      this.flushing = true;
      // SQLite calls are synchronous, so without this wait a write would commit before the
      // I/O callbacks of the same turn (other requests, other responses) could add theirs.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
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
      results = await this.transaction(async (trx) => {
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
      item.resolve(await this.transaction(item.operation));
    } catch (error) {
      item.reject(error);
    }
  }

  private transaction<T>(operation: Operation<T>): Promise<T> {
    if (!this.beginImmediate) return this.db.transaction().execute(operation);
    return this.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await operation(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        // A failed COMMIT leaves the transaction open too.
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
    });
  }
}
