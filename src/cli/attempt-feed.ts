import type { Kysely } from 'kysely';
import { firstIdAt } from '../ids.js';
import type { Database } from '../store/schema.js';

/**
 * How far back each poll looks again, in milliseconds. An attempt's id carries the time it
 * was recorded, but its transaction commits a little later, and on PostgreSQL several workers
 * commit in any order. A row whose commit lags its id by less than this is still printed.
 */
export const LOOKBACK_MS = 10_000;
/** Ids read per query; a poll pages on while a page comes back full. */
const PAGE_SIZE = 1000;

export interface FeedFilter {
  appId?: string;
  endpointId?: string;
  /** DeliveryStatus.success or DeliveryStatus.fail, as stored in attempts.status. */
  status?: number;
}

export interface FeedAttempt {
  id: string;
  created_at: number;
  app_id: string;
  app_uid: string | null;
  endpoint_id: string;
  endpoint_uid: string | null;
  message_id: string;
  event_type: string | null;
  status: number;
  response_status_code: number;
  response_duration_ms: number;
  error_code: string | null;
  next_attempt_at: number | null;
  trigger_type: number;
}

/**
 * Reads new delivery attempts from the attempts table in id order, once each. Every query
 * is a range scan of the primary key (or of attempts_endpoint with an endpoint filter), so a
 * poll costs the rows of the last LOOKBACK_MS, not the size of the table.
 */
export class AttemptFeed {
  readonly #db: Kysely<Database>;
  readonly #filter: FeedFilter;
  readonly #startMs: number;
  /** Ids already returned, with their creation time, kept for LOOKBACK_MS. */
  readonly #seen = new Map<string, number>();
  #newestMs: number;

  constructor(db: Kysely<Database>, filter: FeedFilter, startMs: number) {
    this.#db = db;
    this.#filter = filter;
    this.#startMs = startMs;
    this.#newestMs = startMs;
  }

  /** Returns the attempts committed since the last call that were not returned before. */
  async poll(): Promise<FeedAttempt[]> {
    const lowerMs = Math.max(this.#startMs, this.#newestMs - LOOKBACK_MS);
    const unseen: string[] = [];
    let after = firstIdAt('atmpt', lowerMs);
    for (;;) {
      const ids = await this.#idsAfter(after);
      unseen.push(...ids.filter((id) => !this.#seen.has(id)));
      if (ids.length < PAGE_SIZE) break;
      after = ids[ids.length - 1]!;
    }

    const rows = await this.#load(unseen);
    for (const row of rows) {
      this.#seen.set(row.id, row.created_at);
      this.#newestMs = Math.max(this.#newestMs, row.created_at);
    }
    // An id's time can run a little ahead of created_at, so ids are kept one window longer.
    this.#forget(lowerMs - LOOKBACK_MS);
    return rows;
  }

  async #idsAfter(after: string): Promise<string[]> {
    let query = this.#db.selectFrom('attempts').select('id').where('id', '>', after);
    if (this.#filter.endpointId !== undefined) query = query.where('endpoint_id', '=', this.#filter.endpointId);
    if (this.#filter.appId !== undefined) query = query.where('app_id', '=', this.#filter.appId);
    if (this.#filter.status !== undefined) query = query.where('status', '=', this.#filter.status);
    const rows = await query.orderBy('id').limit(PAGE_SIZE).execute();
    return rows.map((row) => row.id);
  }

  async #load(ids: string[]): Promise<FeedAttempt[]> {
    const rows: FeedAttempt[] = [];
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      const chunk = ids.slice(i, i + PAGE_SIZE);
      const loaded = await this.#db
        .selectFrom('attempts as a')
        .leftJoin('messages as m', 'm.id', 'a.message_id')
        .leftJoin('applications as ap', 'ap.id', 'a.app_id')
        .leftJoin('endpoints as e', 'e.id', 'a.endpoint_id')
        .select([
          'a.id', 'a.created_at', 'a.app_id', 'ap.uid as app_uid', 'a.endpoint_id', 'e.uid as endpoint_uid',
          'a.message_id', 'm.event_type', 'a.status', 'a.response_status_code', 'a.response_duration_ms',
          'a.error_code', 'a.next_attempt_at', 'a.trigger_type',
        ])
        .where('a.id', 'in', chunk)
        .orderBy('a.id')
        .execute();
      rows.push(...loaded);
    }
    return rows;
  }

  /** Drops remembered ids older than the next poll's lower bound; they cannot come back. */
  #forget(beforeMs: number): void {
    for (const [id, createdMs] of this.#seen) {
      if (createdMs < beforeMs) this.#seen.delete(id);
    }
  }
}
