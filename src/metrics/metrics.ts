import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AttemptEvents } from '../delivery/attempt-events.js';
import type { Outcome } from '../delivery/outcome.js';
import { idTimestamp } from '../ids.js';
import type { RejectionReason } from '../inbound/verify/errors.js';
import { SOURCE_TYPES } from '../inbound/verify/index.js';
import type { EndpointEventType, EndpointEvents } from '../operational/operational-webhooks.js';
import { TriggerType, type DeliveryJob, type RecordedAttempt } from '../queue/deliveries.js';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import { registerDatabaseGauges } from './database-gauges.js';
import { boundedLabel, METRIC_PREFIX, outcomeLabel, statusClassLabel, type MessageSource } from './labels.js';

/** The counters that API routes update after accepting or rejecting a request. */
export interface ApiMetrics {
  messageAccepted(source: MessageSource): void;
  inboundAccepted(provider: string): void;
  inboundRejected(provider: string, reason: InboundRejection): void;
}

/** Why an inbound request was not forwarded: a verification code, or an unknown source id. */
export type InboundRejection = RejectionReason | 'source_not_found';

/** Seconds from message accepted to delivered: fast receivers through the whole retry schedule. */
const LATENCY_BUCKETS = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36_000, 86_400,
];
/** Seconds one attempt took; the default delivery timeout is 15 seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
/** The provider label of a request to a source id that does not exist. */
export const UNKNOWN_PROVIDER = 'unknown';

/**
 * The counters and histograms of one Hookline instance, in a registry of its own so several
 * instances in one process never share series. Each process counts only its own events.
 */
export class HooklineMetrics implements AttemptEvents, EndpointEvents, ApiMetrics {
  readonly registry = new Registry();
  private readonly messages = this.counter(
    'messages_accepted_total',
    'Messages stored for delivery, by where they came from.',
    ['source'],
  );
  private readonly attempts = this.counter(
    'delivery_attempts_total',
    'Delivery attempts recorded, by outcome (success or the error code) and response status class.',
    ['outcome', 'status_class'],
  );
  private readonly retries = this.counter(
    'delivery_retries_scheduled_total',
    'Failed attempts after which a retry was scheduled.',
  );
  private readonly exhausted = this.counter(
    'deliveries_exhausted_total',
    'Deliveries that ended without a success: retries used up, a 410 Gone, or a failed manual resend.',
  );
  private readonly disabled = this.counter(
    'endpoint_disabled_events_total',
    'Times an endpoint was disabled, by reason (gone, failing, manual).',
    ['reason'],
  );
  private readonly inboundAccepts = this.counter(
    'inbound_requests_accepted_total',
    'Inbound requests verified and stored, by provider.',
    ['provider'],
  );
  private readonly inboundRejections = this.counter(
    'inbound_requests_rejected_total',
    'Inbound requests rejected or acknowledged as duplicates, by provider and reason.',
    ['provider', 'reason'],
  );
  private readonly latency = new Histogram({
    name: `${METRIC_PREFIX}delivery_latency_seconds`,
    help: 'Seconds from message accepted to its successful delivery, for scheduled deliveries.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: `${METRIC_PREFIX}delivery_attempt_duration_seconds`,
    help: 'Seconds one delivery attempt took, from sending the request to the response or error.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** Also registers the process metrics and the gauges that `db` is queried for at scrape time. */
  constructor(db: Kysely<Database>, logger: Logger) {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    registerDatabaseGauges(this.registry, db, logger);
  }

  messageAccepted(source: MessageSource): void {
    this.messages.inc({ source });
  }

  inboundAccepted(provider: string): void {
    this.inboundAccepts.inc({ provider: providerLabel(provider) });
  }

  inboundRejected(provider: string, reason: InboundRejection): void {
    this.inboundRejections.inc({ provider: providerLabel(provider), reason });
  }

  attemptRecorded(
    job: DeliveryJob,
    recorded: RecordedAttempt,
    _attemptNumber: number,
    outcome: Outcome,
  ): void {
    const { attempt } = recorded;
    const now = Number(attempt.created_at);
    this.attempts.inc({
      outcome: outcomeLabel(outcome.errorCode),
      status_class: statusClassLabel(attempt.response_status_code),
    });
    this.duration.observe(attempt.response_duration_ms / 1000);
    if (recorded.disabledReason !== null) this.disabled.inc({ reason: recorded.disabledReason });

    if (!outcome.success) {
      if (outcome.nextAttemptAt === null) this.exhausted.inc();
      else this.retries.inc();
      return;
    }
    // A manual resend may come days after the message; it would distort the latency.
    const acceptedAt = idTimestamp(job.messageId);
    if (job.triggerType === TriggerType.scheduled && acceptedAt !== null) {
      // Clocks of the accepting and the delivering process may differ slightly.
      this.latency.observe(Math.max(0, now - acceptedAt) / 1000);
    }
  }

  endpointChanged(type: EndpointEventType): void {
    if (type === 'endpoint.disabled') this.disabled.inc({ reason: 'manual' });
  }

  private counter(name: string, help: string, labelNames: string[] = []): Counter {
    return new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }
}

function providerLabel(provider: string): string {
  return provider === UNKNOWN_PROVIDER ? provider : boundedLabel(provider, SOURCE_TYPES);
}
