import type { Kysely } from 'kysely';
import { isDatabaseUnavailable } from './availability.js';
import type { GroupCommit, WriteOptions } from './group-commit.js';
import type { Database } from './schema.js';

/** Writes a list of items in one transaction and returns one result per item, in order. */
export type BatchWrite<I, T> = (trx: Kysely<Database>, items: I[]) => Promise<T[]>;

export interface WriteBatcherOptions extends WriteOptions {
  /** Items in one batch; keep the statements' bound parameters under the engine's limit. */
  maxBatch: number;
}

interface Waiting<I, T> {
  item: I;
  resolve: (result: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes items that arrive in the same turn of the event loop, or while the previous batch is
 * committing, with one call of `write` for all of them: a few statements per batch instead of
 * a few per item. Each caller's promise settles after the commit that contains its item.
 *
 * When a batch fails, each item is written again on its own, so one item's error (a duplicate
 * key, say) reaches only its own caller. An unreachable database fails the whole batch at once.
 */
export class WriteBatcher<I, T> {
  private waiting: Waiting<I, T>[] = [];
  private active = false;

  constructor(
    private readonly writes: GroupCommit,
    private readonly write: BatchWrite<I, T>,
    private readonly options: WriteBatcherOptions,
  ) {}

  add(item: I): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.active) return;
      this.active = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.writeBatch(this.waiting.splice(0, this.options.maxBatch));
    } finally {
      this.active = false;
    }
  }

  private async writeBatch(batch: Waiting<I, T>[]): Promise<void> {
    try {
      const items = batch.map((waiting) => waiting.item);
      const results = await this.writes.run((trx) => this.write(trx, items), this.options);
      batch.forEach((waiting, index) => waiting.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      await Promise.all(batch.map((waiting) => this.writeBatch([waiting])));
    }
  }
}
