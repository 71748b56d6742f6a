import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Store } from '../store/database.js';

/**
 * Wakes delivery workers in other processes when new work is queued. On PostgreSQL this is
 * LISTEN/NOTIFY on one channel; workers also poll, so a lost notification only adds latency.
 * SQLite has no such channel, and workers in other processes find new work by polling.
 */
const CHANNEL = 'hookline_deliveries';
const RECONNECT_MS = [250, 10_000] as const;

/**
 * Sends wake-ups to every listening worker, coalesced: while one notification is on its way,
 * further requests wait and share a single next one, so a busy API sends about one per round
 * trip instead of one per message. Errors are logged, not thrown, because polling covers a
 * lost notification.
 */
export class WorkPublisher {
  private sending = false;
  private again = false;

  constructor(
    private readonly store: Pick<Store, 'engine' | 'db'>,
    private readonly logger: Logger,
    private readonly channel = CHANNEL,
  ) {}

  publish(): void {
    if (this.store.engine !== 'postgres') return;
    if (this.sending) {
      // The notification on its way may predate the caller's commit, so one more follows it.
      this.again = true;
      return;
    }
    this.sending = true;
    void this.sendWhileRequested();
  }

  private async sendWhileRequested(): Promise<void> {
    do {
      this.again = false;
      try {
        await sql`select pg_notify(${this.channel}, '')`.execute(this.store.db);
      } catch (error) {
        this.logger.debug({ err: error }, 'sending the work notification failed');
      }
    } while (this.again);
    this.sending = false;
  }
}

export interface Listener {
  close(): Promise<void>;
}

/** Calls `onWork` whenever another process queues work, reconnecting after failures. */
export function listenForWork(store: Store, logger: Logger, onWork: () => void): Listener {
  if (store.engine !== 'postgres' || !store.pool) return { close: async () => {} };
  const poolOptions = store.pool.options;
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client(poolOptions);
    next.on('notification', () => onWork());
    next.on('error', (error) => {
      logger.warn({ err: error }, 'work listener connection failed, reconnecting');
      void next.end().catch(() => {});
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      // close() may run while connecting; this client would then stay open and keep the
      // process alive.
      if (closed) {
        await next.end().catch(() => {});
        return;
      }
      client = next;
      failures = 0;
      // Work may have been queued while no listener was connected.
      onWork();
    } catch (error) {
      if (failures === 0) logger.warn({ err: error }, 'work listener could not connect, retrying');
      void next.end().catch(() => {});
      schedule();
    }
  };

  const schedule = () => {
    if (closed || timer) return;
    client = null;
    failures++;
    const delay = Math.min(RECONNECT_MS[1], RECONNECT_MS[0] * 2 ** Math.min(failures, 10));
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
