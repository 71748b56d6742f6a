import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { DeliveryStatus } from '../store/messages.js';
import type { Database } from '../store/schema.js';

/** Heartbeats per lease period, so a few missed or late ones do not let a lease expire. */
const BEATS_PER_LEASE = 5;

/**
 * Extends the leases a live worker holds, so a lease can be short. A worker that dies (even by
 * SIGKILL) stops extending, so its deliveries are claimed again once `leaseMs` has passed. An
 * attempt of a live worker keeps its lease however long it runs.
 */
export class LeaseHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly workerId: string,
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), this.leaseMs / BEATS_PER_LEASE);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    try {
      const now = Date.now();
      await extendLeases(this.db, this.workerId, now + this.leaseMs, now);
      if (this.failing) this.logger.info('extending delivery leases succeeded again');
      this.failing = false;
    } catch (error) {
      // Logged once per run of failures: the claim loop reports the database being down.
      if (!this.failing) this.logger.warn({ err: error }, 'extending delivery leases failed, retrying');
      this.failing = true;
    }
  }
}

/** Moves the expiry of every lease `workerId` holds to `until`. */
export async function extendLeases(db: Kysely<Database>, workerId: string, until: number, now: number): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ lease_expires_at: until, updated_at: now })
    .where('status', '=', DeliveryStatus.sending)
    .where('lease_owner', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
