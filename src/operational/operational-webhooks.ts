import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AttemptEvents } from '../delivery/attempt-events.js';
import type { Outcome } from '../delivery/outcome.js';
import type { DeliveryJob, RecordedAttempt } from '../queue/deliveries.js';
import type { ApplicationRow } from '../store/applications.js';
import type { SecretCipher } from '../signing/secret-cipher.js';
import type { Store } from '../store/database.js';
import type { EndpointRow } from '../store/endpoints.js';
import { insertMessage } from '../store/messages.js';
import { OPERATIONAL_APP_ID, ensureOperationalEndpoint } from './operational-app.js';

/** Svix sends message.attempt.failing on this failed attempt of a message (the fourth). */
export const FAILING_AFTER_ATTEMPTS = 4;

export type EndpointEventType = 'endpoint.created' | 'endpoint.updated' | 'endpoint.deleted' | 'endpoint.disabled';

/** Receives endpoint changes made through the API. Implementations must not throw. */
export interface EndpointEvents {
  endpointChanged(type: EndpointEventType, app: ApplicationRow, endpoint: EndpointRow): void;
}

type Payload = { type: string; timestamp: string; data: Record<string, unknown> };

/**
 * Hookline's own events about endpoints and attempts, in the shapes of Svix's operational
 * webhooks. Each event is stored as a message of a hidden internal application whose single
 * endpoint is HOOKLINE_OPERATIONAL_WEBHOOK_URL, so it is signed, retried and recorded like any
 * delivery. Storing runs in the background: a slow or failing write never delays the API
 * response or the attempt that caused it, and is logged instead.
 */
export class OperationalWebhooks implements AttemptEvents, EndpointEvents {
  private readonly pending = new Set<Promise<void>>();
  /** Called after an event is stored, to wake the workers. */
  onStored: () => void = () => {};

  private constructor(
    private readonly store: Store | null,
    private readonly logger: Logger,
    readonly generatedSecret: string | null,
  ) {}

  /** Sets up the internal application when HOOKLINE_OPERATIONAL_WEBHOOK_URL is set. */
  static async open(store: Store, config: Config, logger: Logger, cipher: SecretCipher): Promise<OperationalWebhooks> {
    if (config.operationalWebhookUrl === undefined) return new OperationalWebhooks(null, logger, null);
    const { generatedSecret } = await ensureOperationalEndpoint(
      store,
      config.operationalWebhookUrl,
      config.operationalWebhookSecret,
      cipher,
    );
    return new OperationalWebhooks(store, logger, generatedSecret);
  }

  endpointChanged(type: EndpointEventType, app: ApplicationRow, endpoint: EndpointRow): void {
    const data: Record<string, unknown> = {
      appId: app.id,
      appUid: app.uid,
      endpointId: endpoint.id,
      endpointUid: endpoint.uid,
    };
    if (type === 'endpoint.disabled') Object.assign(data, { failSince: new Date().toISOString(), trigger: 'manual', reason: 'manual' });
    this.emit(type, data);
  }

  attemptRecorded(job: DeliveryJob, recorded: RecordedAttempt, attemptNumber: number, outcome: Outcome): void {
    if (this.store === null || job.appId === OPERATIONAL_APP_ID) return;
    this.track(this.emitForAttempt(job, recorded, attemptNumber, outcome));
  }

  /** Waits for events still being stored, before the store closes. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async emitForAttempt(job: DeliveryJob, recorded: RecordedAttempt, attemptNumber: number, outcome: Outcome) {
    const types: string[] = [];
    if (outcome.success && attemptNumber > FAILING_AFTER_ATTEMPTS) types.push('message.attempt.recovered');
    const exhausted = !outcome.success && !outcome.endpointGone && outcome.nextAttemptAt === null;
    if (exhausted) types.push('message.attempt.exhausted');
    else if (!outcome.success && attemptNumber === FAILING_AFTER_ATTEMPTS) types.push('message.attempt.failing');
    if (types.length === 0 && recorded.disabledReason === null) return;

    const ids = await this.lookupIds(job);
    const { attempt } = recorded;
    const lastAttempt = {
      id: attempt.id,
      responseStatusCode: attempt.response_status_code,
      timestamp: new Date(attempt.created_at).toISOString(),
    };
    for (const type of types) {
      await this.insert(type, { appId: job.appId, appUid: ids.appUid, endpointId: job.endpointId, msgId: job.messageId, msgEventId: ids.msgEventId, lastAttempt });
    }
    if (recorded.disabledReason !== null) {
      await this.insert('endpoint.disabled', {
        appId: job.appId,
        appUid: ids.appUid,
        endpointId: job.endpointId,
        endpointUid: ids.endpointUid,
        failSince: new Date(ids.failSince ?? attempt.created_at).toISOString(),
        trigger: 'automatic',
        reason: recorded.disabledReason,
      });
    }
  }

  private async lookupIds(job: DeliveryJob) {
    const db = this.store!.db;
    const app = await db.selectFrom('applications').select('uid').where('id', '=', job.appId).executeTakeFirst();
    const endpoint = await db.selectFrom('endpoints').select('uid').where('id', '=', job.endpointId).executeTakeFirst();
    const message = await db.selectFrom('messages').select('event_id').where('id', '=', job.messageId).executeTakeFirst();
    const health = await db
      .selectFrom('endpoint_health')
      .select('failing_since')
      .where('endpoint_id', '=', job.endpointId)
      .executeTakeFirst();
    return {
      appUid: app?.uid ?? null,
      endpointUid: endpoint?.uid ?? null,
      msgEventId: message?.event_id ?? null,
      failSince: health?.failing_since == null ? null : Number(health.failing_since),
    };
  }

  private emit(type: string, data: Record<string, unknown>): void {
    if (this.store === null || data.appId === OPERATIONAL_APP_ID) return;
    this.track(this.insert(type, data));
  }

  private async insert(type: string, data: Record<string, unknown>): Promise<void> {
    const payload: Payload = { type, timestamp: new Date().toISOString(), data };
    await insertMessage(this.store!.writes, {
      appId: OPERATIONAL_APP_ID,
      eventType: type,
      eventId: null,
      payload: JSON.stringify(payload),
      channels: null,
      tags: null,
    });
    this.onStored();
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => {
      this.logger.error({ err: error }, 'storing an operational webhook failed; the event is lost');
    });
    const entry = tracked.finally(() => this.pending.delete(entry));
    this.pending.add(entry);
  }
}
