import { sql, type Kysely } from 'kysely';
import type { Engine } from './database.js';
import type { Database } from './schema.js';

type Operation<T> = (trx: Kysely<Database>) => Promise<T>;

interface Pending {
  operation: Operation<unknown>;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Maximum number of operations in one transaction. */
  maxBatch?: number;
  /** The engine behind `db`, for its transaction and durability settings; none uses neither. */
  engine?: Engine;
  /**
   * Batches committing at once, each on its own connection. SQLite has one connection; on
   * PostgreSQL a batch spends most of its time in round trips, so several overlap.
   */
  concurrency?: number;
}

export interface WriteOptions {
  /**
   * False for bookkeeping that may be lost in a power failure or an operating-system crash,
   * never in a crash of Hookline alone: claims and attempt results, whose loss only makes
   * a delivery go out again. Such a batch commits without waiting for the disk. Default true.
   */
  durable?: boolean;
}

/**
 * Group commit. Write operations that arrive while a transaction is being committed, or in the
 * same turn of the event loop, run together in one transaction. Many concurrent writes thus
 * share one commit: one fsync on SQLite, one COMMIT round trip on PostgreSQL. Each caller
 * still gets its own result only after the commit that contains its write.
 *
 * When any operation in a batch fails, the batch is rolled back and every operation runs again
 * in a transaction of its own, so one caller's error (a duplicate eventId, say) never fails or
 * loses another caller's write.
 *
 * On PostgreSQL a write that need not be durable runs at once in a transaction of its own: its
 * commit does not wait for the disk, so sharing one would save nothing.
 */
export class GroupCommit {
  /** Writes waiting for a batch; those that need not be durable wait in their own queue. */
  private readonly queues = { durable: [] as Pending[], lazy: [] as Pending[] };
  private scheduled = false;
  private active = 0;
  private readonly maxBatch: number;
  private readonly engine: Engine | undefined;
  private readonly concurrency: number;

  constructor(
    private readonly db: Kysely<Database>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.engine = options.engine;
    this.concurrency = options.concurrency ?? 1;
  }

  run<T>(operation: Operation<T>, options: WriteOptions = {}): Promise<T> {
    const durable = options.durable ?? true;
    if (!durable && this.engine === 'postgres') return this.transaction(false, operation);
    return new Promise<T>((resolve, reject) => {
      const queue = durable ? this.queues.durable : this.queues.lazy;
      queue.push({ operation, durable, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled || this.active >= this.concurrency) return;
      this.scheduled = true;
      // SQLite calls are synchronous, so without this wait a write would commit before the
      // I/O callbacks of the same turn (other requests, other responses) could add theirs.
      setImmediate(() => {
        this.scheduled = false;
        this.startBatches();
      });
    });
  }

  /**
   * Starts batches while fewer than `concurrency` are committing. Writes that need not be
   * durable go first and alone: their commit skips the fsync, so they need not wait for one.
   */
  private startBatches(): void {
    while (this.active < this.concurrency) {
      const queue = this.queues.lazy.length > 0 ? this.queues.lazy : this.queues.durable;
      if (queue.length === 0) return;
      const batch = queue.splice(0, this.maxBatch);
      this.active++;
      const done = batch.length === 1 ? this.runAlone(batch[0]!) : this.runTogether(batch);
      void done.finally(() => {
        this.active--;
        this.startBatches();
      });
    }
  }

  private async runTogether(batch: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      const durable = batch.some((item) => item.durable);
      results = await this.transaction(durable, async (trx) => {
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
      item.resolve(await this.transaction(item.durable, item.operation));
    } catch (error) {
      item.reject(error);
    }
  }

  private transaction<T>(durable: boolean, operation: Operation<T>): Promise<T> {
    if (this.engine === 'sqlite') return this.sqliteTransaction(durable, operation);
    return this.db.transaction().execute(async (trx) => {
      // An asynchronous commit returns before the WAL reaches the disk. PostgreSQL keeps commit
      // order, so a later durable commit makes this one durable too.
      if (!durable && this.engine === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
      return operation(trx);
    });
  }

  /**
   * Runs a transaction that begins with BEGIN IMMEDIATE, which takes the write lock up front
   * (waiting out busy_timeout). A deferred BEGIN that reads first fails at once with
   * SQLITE_BUSY when another process wrote in between, and most batches read first.
   */
  private sqliteTransaction<T>(durable: boolean, operation: Operation<T>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      // The connection runs synchronous=FULL. With NORMAL, a commit in WAL mode skips the
      // fsync. A later FULL commit syncs the whole WAL, so commit order is kept on disk too.
      if (!durable) await sql`pragma synchronous = normal`.execute(connection);
      await sql`begin immediate`.execute(connection);
      try {
        const result = await operation(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        // A failed COMMIT leaves the transaction open too.
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      } finally {
        if (!durable) await sql`pragma synchronous = full`.execute(connection);
      }
    });
  }
}
