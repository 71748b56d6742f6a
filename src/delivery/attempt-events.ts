import type { DeliveryJob, RecordedAttempt } from '../queue/deliveries.js';
import type { Outcome } from './outcome.js';

/** Receives every recorded attempt, for operational webhooks. Implementations must not throw. */
export interface AttemptEvents {
  attemptRecorded(job: DeliveryJob, recorded: RecordedAttempt, attemptNumber: number, outcome: Outcome): void;
}
