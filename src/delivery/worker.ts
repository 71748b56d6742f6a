import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { KeyedLogLimiter } from '../logger.js';
import {
  claimDueDeliveries,
  countLeases,
  deferDelivery,
  nextDueTime,
  releaseLeases,
  TriggerType,
  type DeliveryJob,
  type RecordedAttempt,
} from '../queue/deliveries.js';
import { AttemptRecorder } from '../queue/attempt-recorder.js';
import { acquireSendSlot } from '../queue/endpoint-health.js';
import { LeaseHeartbeat } from '../queue/lease-heartbeat.js';
import { sendIntervalMs } from './endpoint-policy.js';
import type { AttemptEvents } from './attempt-events.js';
import { isForeignKeyViolation } from '../store/constraint-errors.js';
import type { SecretCipher } from '../signing/secret-cipher.js';
import { signAll } from '../signing/standard-webhooks.js';
import { signingSecrets } from '../store/endpoint-secrets.js';
import { isDatabaseUnavailable } from '../store/availability.js';
import type { Store } from '../store/database.js';
import type { HttpSender, SendResult } from './http-sender.js';
import { decideOutcome, type Outcome } from './outcome.js';
import { maskSensitiveHeaders } from './sensitive-headers.js';

/** Maximum lease length. A heartbeat (LeaseHeartbeat) extends the lease while the attempt runs. */
const MAX_LEASE_MS = 15_000;
/** Pause before claiming for new messages after a claim found nothing; see run(). */
const BUSY_CLAIM_PAUSE_MS = 5;
/** Maximum sleep between looks for due work, so expired leases are noticed. */
const MAX_IDLE_MS = 1000;
const CLAIM_BATCH = 32;
/**
 * Minimum time between claims that look for expired leases. A lease expires only when its
 * worker died, so looking on every claim of a busy worker would cost a query for nothing.
 */
const EXPIRED_SCAN_INTERVAL_MS = 1000;
/** Time allowed beyond the delivery timeout for an attempt's result to be written at shutdown. */
const RECORD_GRACE_MS = 5000;
/** Backoff while the database is failing: doubles from the first value up to the second. */
const DATABASE_BACKOFF_MS = [500, 30_000] as const;
/** Tries to store an attempt's result before giving up and letting its lease expire. */
const RECORD_TRIES = 4;
/**
 * Failed-attempt lines logged per endpoint per minute, for retries and for exhausted deliveries
 * each. The first line after a dropped one carries the count dropped.
 */
const FAILURE_LOGS_PER_MINUTE = 10;

export interface WorkerOptions {
  store: Store;
  sender: HttpSender;
  cipher: SecretCipher;
  logger: Logger;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  concurrency: number;
  userAgent: string;
  /** Attempts in flight to one endpoint across every worker sharing the database. */
  endpointConcurrency?: number;
  /** An endpoint failing this long without a success is disabled, in milliseconds. */
  disableAfterMs?: number;
  /** Receives attempt results for operational webhooks; must not throw. */
  events?: AttemptEvents;
  /** Lease length in milliseconds; by default twice the timeout plus 5 s, at most 15 s. */
  leaseMs?: number;
}

/**
 * Builds the request headers for one attempt: Standard Webhooks names plus the svix- names.
 * `secrets` are the endpoint's current secret and those still in their rotation grace period;
 * the signature header carries one signature per secret.
 */
export function signedHeaders(
  job: Pick<DeliveryJob, 'messageId' | 'payload' | 'headers'>,
  secrets: readonly string[],
  timestampSeconds: number,
  userAgent: string,
): Record<string, string> {
  const signature = signAll(secrets, job.messageId, timestampSeconds, job.payload);
  const timestamp = String(timestampSeconds);
  // A custom User-Agent, in any case, replaces the default rather than being sent beside it.
  const customUserAgent = Object.keys(job.headers).some((name) => name.toLowerCase() === 'user-agent');
  return {
    ...job.headers,
    'content-type': 'application/json',
    ...(customUserAgent ? {} : { 'user-agent': userAgent }),
    'webhook-id': job.messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature,
    'svix-id': job.messageId,
    'svix-timestamp': timestamp,
    'svix-signature': signature,
  };
}

/**
 * Claims due deliveries under a lease, sends them concurrently and records each outcome. A
 * worker that dies leaves leases that expire, after which any worker claims the work again.
 */
export class DeliveryWorker {
  readonly workerId = `wrk_${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  private readonly options: WorkerOptions;
  private readonly logger: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Set by notify() while the loop is busy, so the next sleep returns at once. */
  private wakePending = false;
  /** Set when an attempt ends, which frees room at its endpoint, until the next claim. */
  private roomFreed = false;
  /** True during the pause before claiming for new messages; notify() then waits for its end. */
  private pausing = false;
  /** When the last claim that looked for expired leases ran. */
  private lastExpiredScan = 0;
  /** The next due time as last read by idleDelay(), null when nothing was pending then. */
  private nextDueAt: number | null = null;
  /** Set when this worker schedules a retry or defers a delivery after that read. */
  private nextDueStale = true;
  /** Consecutive failed claims; above zero the database is considered down. */
  private claimFailures = 0;
  private readonly failureLogs = new KeyedLogLimiter(FAILURE_LOGS_PER_MINUTE, 60_000);
  private readonly recorder: AttemptRecorder;
  private readonly heartbeat: LeaseHeartbeat;

  constructor(options: WorkerOptions) {
    this.options = options;
    this.logger = options.logger.child({ workerId: this.workerId });
    // A second worker takes over a delivery whose lease expired, so the heartbeat extends the
    // leases of attempts still running. Without it the lease would have to outlast the slowest
    // attempt, and a crashed worker's deliveries would wait that long.
    this.leaseMs = options.leaseMs ?? Math.min(options.timeoutMs * 2 + 5000, MAX_LEASE_MS);
    this.heartbeat = new LeaseHeartbeat(options.store.db, this.workerId, this.leaseMs, this.logger);
    const policy = { engine: options.store.engine, disableAfterMs: options.disableAfterMs ?? Number.MAX_SAFE_INTEGER };
    this.recorder = new AttemptRecorder(options.store.writes, this.workerId, policy);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    this.heartbeat.start();
    this.logger.info({ concurrency: this.options.concurrency }, 'delivery worker started');
  }

  /** Wakes the worker early, for example because a message was just accepted. */
  notify(): void {
    if (this.pausing) return;
    this.wakeUp();
  }

  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.wakePending = true;
  }

  /**
   * Stops claiming, waits up to `drainMs` for attempts in flight, then hands back the leases of
   * any still running so another worker (or the next start) sends them at once. The default
   * covers the longest possible request plus time to record its result on a busy database.
   */
  async stop(drainMs = this.options.timeoutMs + RECORD_GRACE_MS): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp();
    await this.loop;

    const drained = await Promise.race([
      Promise.all(this.inFlight).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, drainMs, false).unref()),
    ]);
    this.heartbeat.stop();
    const released = await releaseLeases(this.options.store.db, this.workerId);
    this.logger.info({ drained, released, inFlight: this.inFlight.size }, 'delivery worker stopped');
  }

  // The loop stays in one function so the claim, dispatch and wait steps read in order.
  private async run(): Promise<void> {
    const { store, concurrency } = this.options;
    while (this.running) {
      const free = concurrency - this.inFlight.size;
      const wanted = Math.min(free, CLAIM_BATCH);
      let jobs: DeliveryJob[] = [];
      let handedBack = false;

      if (wanted > 0) {
        const now = Date.now();
        this.roomFreed = false;
        try {
          const scanExpired = now - this.lastExpiredScan >= EXPIRED_SCAN_INTERVAL_MS;
          const leaseUntil = now + this.leaseMs;
          const claimed = await claimDueDeliveries(store, this.workerId, wanted, now, leaseUntil, this.endpointConcurrency, scanExpired);
          if (scanExpired) this.lastExpiredScan = now;
          jobs = await this.handBackExcess(claimed, now);
          handedBack = jobs.length < claimed.length;
          if (this.claimFailures > 0) {
            this.logger.info({ failures: this.claimFailures }, 'database reachable again, claiming resumed');
            this.claimFailures = 0;
          }
        } catch (error) {
          await this.sleep(this.claimBackoff(error));
          continue;
        }
      }
      for (const job of jobs) this.dispatch(job);

      // Endpoints at their concurrency limit free up only when an attempt ends, and every end
      // wakes the loop, so claiming again before then would only hand the same work back.
      if (wanted === 0 || handedBack) await this.sleep(MAX_IDLE_MS);
      else if (jobs.length > 0 && jobs.length < wanted) {
        // The claim took every due delivery it could. The attempts just started wake the loop
        // when they end, but a retry may fall due before then. So the loop sleeps until the
        // next due time, which it reads again only after that time passed or a new retry.
        await this.sleep(await this.busyDelay());
      } else if (jobs.length < wanted) {
        await this.sleep(await this.idleDelay());
        // Each accepted message wakes the loop. When the last claim found nothing while
        // attempts run (their endpoints are full), claiming for each message would cost more
        // than the messages, so new messages wait briefly and share one claim. An attempt
        // that ends frees room and claims at once.
        if (jobs.length === 0 && this.inFlight.size > 0 && !this.roomFreed) await this.pause();
      }
    }
  }

  private get endpointConcurrency(): number {
    return this.options.endpointConcurrency ?? Number.MAX_SAFE_INTEGER;
  }

  /**
   * Keeps at most `endpointConcurrency` leases per endpoint, counting other workers' leases,
   * and hands the rest back still due, so a backlog for one slow endpoint cannot fill the
   * worker while other endpoints wait. The claim takes only what each endpoint has room for,
   * but on PostgreSQL two processes claiming at once do not see each other's leases; SQLite
   * claims one at a time, so there is nothing to hand back.
   */
  private async handBackExcess(jobs: DeliveryJob[], now: number): Promise<DeliveryJob[]> {
    if (this.options.endpointConcurrency === undefined || jobs.length === 0) return jobs;
    if (this.options.store.engine === 'sqlite') return jobs;
    const leases = await countLeases(this.options.store.db, [...new Set(jobs.map((job) => job.endpointId))], now);
    const kept: DeliveryJob[] = [];
    const excess = new Map<string, number>();
    for (const [endpointId, count] of leases) excess.set(endpointId, count - this.endpointConcurrency);

    // Jobs come in due order, so the latest ones go back, all in one statement.
    const handBack: string[] = [];
    for (const job of [...jobs].reverse()) {
      const over = excess.get(job.endpointId) ?? 0;
      if (over > 0) {
        excess.set(job.endpointId, over - 1);
        handBack.push(job.deliveryId);
      } else kept.push(job);
    }
    await deferDelivery(this.options.store.db, handBack, this.workerId, null, now);
    return kept.reverse();
  }

  /** Logs the first failure and every tenth after it, and returns how long to wait. */
  private claimBackoff(error: unknown): number {
    this.claimFailures++;
    const [first, max] = DATABASE_BACKOFF_MS;
    const delay = Math.min(max, first * 2 ** Math.min(this.claimFailures - 1, 16));
    if (this.claimFailures === 1 || this.claimFailures % 10 === 0) {
      this.logger.error({ err: error, failures: this.claimFailures, retryInMs: delay }, 'claiming deliveries failed, retrying');
    }
    return delay;
  }

  /** Returns how long to sleep after a claim that started attempts but had room for more. */
  private async busyDelay(): Promise<number> {
    if (this.nextDueStale) return this.idleDelay();
    if (this.nextDueAt === null) return MAX_IDLE_MS;
    const untilDue = this.nextDueAt - Date.now();
    return untilDue > 0 ? Math.min(MAX_IDLE_MS, untilDue) : this.idleDelay();
  }

  private async idleDelay(): Promise<number> {
    // Cleared before the read, so a retry scheduled while it runs marks it stale again.
    this.nextDueStale = false;
    try {
      const due = await nextDueTime(this.options.store.db, Date.now(), this.endpointConcurrency);
      this.nextDueAt = due;
      if (due === null) return MAX_IDLE_MS;
      return Math.max(0, Math.min(MAX_IDLE_MS, due - Date.now()));
    } catch {
      this.nextDueStale = true;
      return MAX_IDLE_MS;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async pause(): Promise<void> {
    this.pausing = true;
    try {
      await this.sleep(BUSY_CLAIM_PAUSE_MS);
    } finally {
      this.pausing = false;
    }
  }

  private dispatch(job: DeliveryJob): void {
    const task = this.attempt(job).finally(() => {
      this.inFlight.delete(task);
      this.roomFreed = true;
      this.wakeUp();
    });
    this.inFlight.add(task);
  }

  /** Retries `operation` with backoff while the database is unreachable. */
  private async withRetries<T>(operation: () => Promise<T>): Promise<T> {
    for (let tryNumber = 1; ; tryNumber++) {
      try {
        return await operation();
      } catch (error) {
        if (tryNumber >= RECORD_TRIES || !isDatabaseUnavailable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, DATABASE_BACKOFF_MS[0] * 2 ** tryNumber));
      }
    }
  }

  /**
   * Takes the endpoint's send slot when it is throttled or pacing back up after a backoff.
   * Returns false, with the delivery handed back until the slot opens, when it has not come.
   */
  private async takeSlot(job: DeliveryJob): Promise<boolean> {
    const interval = sendIntervalMs(job.throttleRate, job.backoffLevel);
    if (interval === 0) return true;
    const { db } = this.options.store;
    const slot = await this.withRetries(() => acquireSendSlot(db, job.endpointId, interval, Date.now()));
    if (slot.acquired) return true;
    await this.withRetries(() => deferDelivery(db, job.deliveryId, this.workerId, slot.retryAt));
    this.nextDueStale = true;
    return false;
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const { sender, store, cipher, retryScheduleMs, userAgent } = this.options;
    const log = this.logger.child({ appId: job.appId, endpointId: job.endpointId, messageId: job.messageId });
    const attemptNumber = job.attemptCount + 1;

    try {
      if (!(await this.takeSlot(job))) return;
    } catch (error) {
      // The lease expires and the delivery is claimed again.
      log.error({ err: error }, 'taking the endpoint send slot failed');
      return;
    }

    let headers: Record<string, string>;
    try {
      const secrets = signingSecrets(cipher, { secret: job.secret, previous_secrets: job.previousSecrets }, Date.now());
      headers = signedHeaders(job, secrets, Math.floor(Date.now() / 1000), userAgent);
    } catch (error) {
      // The start-up key check makes this unexpected; the lease expires and the delivery is retried.
      log.error({ err: error, attempt: attemptNumber }, 'signing failed: the endpoint secret could not be read');
      return;
    }
    const result = await sender.send({ url: job.url, headers, body: job.payload });
    const now = Date.now();
    // A manual resend is a single attempt: it never enters the retry schedule.
    const schedule = job.triggerType === TriggerType.manual ? [] : retryScheduleMs;
    const outcome = decideOutcome(result, attemptNumber, schedule, now);

    let recorded: RecordedAttempt | null;
    try {
      recorded = await this.withRetries(() =>
        this.recorder.record(job, {
          url: job.url,
          requestHeaders: maskSensitiveHeaders(headers),
          statusCode: result.statusCode,
          response: result.responseExcerpt,
          durationMs: result.durationMs,
          triggerType: job.triggerType,
          ...outcome,
        }),
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) recorded = null;
      else {
        // The lease expires and the delivery is sent again: at-least-once, never lost.
        log.error({ err: error, attempt: attemptNumber }, 'recording the attempt failed, the delivery will be retried');
        return;
      }
    }

    if (recorded === null) {
      log.info({ attempt: attemptNumber }, 'attempt not recorded: its endpoint, message or application was deleted');
      return;
    }
    if (outcome.nextAttemptAt !== null) this.nextDueStale = true;
    logOutcome(log, recorded, attemptNumber, result, outcome, this.failureLogs);
    this.options.events?.attemptRecorded(job, recorded, attemptNumber, outcome);
  }
}

/** Returns the endpoint URL without its query string, which may carry a credential. */
function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Logs an attempt's result. Failures are limited per endpoint, so an endpoint that is down
 * cannot flood the log; its attempts are all recorded in the database anyway.
 */
function logOutcome(
  log: Logger,
  recorded: RecordedAttempt,
  attemptNumber: number,
  result: SendResult,
  outcome: Outcome,
  failureLogs: KeyedLogLimiter,
): void {
  const { attempt } = recorded;
  const fields = {
    attemptId: attempt.id,
    attempt: attemptNumber,
    url: urlForLog(attempt.url),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    errorCode: outcome.errorCode,
    errorDetail: outcome.errorDetail,
  };
  if (outcome.success) {
    log.info(fields, 'message delivered');
    return;
  }
  // reason is gone (the endpoint returned 410) or failing (it failed for the whole disable window).
  if (recorded.disabledReason !== null) log.error({ ...fields, reason: recorded.disabledReason }, 'endpoint disabled');
  // After a 410 the line above is the attempt's line, and no retry follows.
  if (outcome.endpointGone) return;

  // Exhausted deliveries have their own budget, so retries of other messages cannot hide them.
  const { nextAttemptAt } = outcome;
  const dropped = failureLogs.take(nextAttemptAt !== null ? attempt.endpoint_id : `${attempt.endpoint_id}:exhausted`);
  if (dropped === null) return;
  const limited = dropped > 0 ? { ...fields, dropped } : fields;
  if (nextAttemptAt !== null) {
    log.warn({ ...limited, nextAttemptAt: new Date(nextAttemptAt).toISOString() }, 'attempt failed, retry scheduled');
  } else log.error(limited, 'attempt failed, retries exhausted');
}
