import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { failBackgroundTask, listRunningTaskIds, runRecoverTask } from '../store/background-tasks.js';
import { isDatabaseUnavailable } from '../store/availability.js';
import type { Database } from '../store/schema.js';

/** How often unfinished tasks are looked for, so a task whose process died is resumed. */
const SWEEP_INTERVAL_MS = 30_000;
/** Failed runs of one task in this process before it is marked failed instead of retried. */
const MAX_TASK_FAILURES = 5;

/**
 * Runs stored background tasks. The API process runs a task as soon as it is created. Every
 * process also runs all unfinished tasks at start and every 30 seconds, so a task survives
 * the death of the process that accepted it.
 */
export class BackgroundTaskRunner {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<void>>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    /** Called when deliveries were queued again, to wake the workers. */
    private readonly onRequeued: () => void,
  ) {}

  start(): void {
    this.track(this.sweep());
    this.timer = setInterval(() => this.track(this.sweep()), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Runs one task in the background; errors are logged and the task is retried by the sweep. */
  run(taskId: string): void {
    this.track(this.execute(taskId));
  }

  /** Keeps `work` until it settles, so stop() can wait for it before the store closes. */
  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  async sweep(): Promise<void> {
    try {
      for (const taskId of await listRunningTaskIds(this.db)) await this.execute(taskId);
    } catch (error) {
      this.logger.error({ err: error }, 'looking for unfinished background tasks failed');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.running);
  }

  private async execute(taskId: string): Promise<void> {
    try {
      const recovered = await runRecoverTask(this.db, taskId);
      this.failures.delete(taskId);
      if (recovered === null) return;
      this.logger.info({ taskId, recovered }, 'endpoint recovery finished');
      if (recovered > 0) this.onRequeued();
    } catch (error) {
      await this.recordFailure(taskId, error);
    }
  }

  /** Logs a failed run, and marks the task failed once it has failed too often to retry. */
  private async recordFailure(taskId: string, error: unknown): Promise<void> {
    // An outage is not a fault of the task, so it does not count towards failing it.
    if (isDatabaseUnavailable(error)) {
      this.logger.warn({ err: error, taskId }, 'endpoint recovery waits for the database; it is retried within 30 seconds');
      return;
    }
    const failures = (this.failures.get(taskId) ?? 0) + 1;
    this.failures.set(taskId, failures);
    if (failures < MAX_TASK_FAILURES) {
      this.logger.error({ err: error, taskId, failures }, 'endpoint recovery failed; it is retried within 30 seconds');
      return;
    }
    this.failures.delete(taskId);
    this.logger.error({ err: error, taskId, failures }, 'endpoint recovery failed too often; marking the task failed');
    try {
      await failBackgroundTask(this.db, taskId, `the task failed ${failures} times: ${(error as Error).message}`);
    } catch (markError) {
      this.logger.error({ err: markError, taskId }, 'marking the background task failed did not succeed');
    }
  }
}
