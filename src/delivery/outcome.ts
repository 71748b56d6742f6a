import type { SendResult } from './http-sender.js';
import { nextRetryDelayMs, parseRetryAfter, RETRY_AFTER_STATUSES } from './retry-policy.js';

export interface Outcome {
  success: boolean;
  errorCode: string | null;
  errorDetail: string | null;
  /** Null when no further attempt is made. */
  nextAttemptAt: number | null;
  endpointGone: boolean;
}

/**
 * Decides what an attempt's result means. Only 2xx is success. 3xx is a failure and the
 * Location is recorded, never followed. 410 Gone stops all retries. Everything else, network
 * errors included, is retried on the schedule.
 */
export function decideOutcome(
  result: SendResult,
  attemptNumber: number,
  scheduleMs: readonly number[],
  now: number,
  random: () => number = Math.random,
): Outcome {
  const status = result.statusCode;
  if (result.errorCode === null && status >= 200 && status < 300) {
    return { success: true, errorCode: null, errorDetail: null, nextAttemptAt: null, endpointGone: false };
  }

  if (status === 410) {
    return {
      success: false,
      errorCode: 'gone',
      errorDetail: 'The endpoint answered 410 Gone, so it was disabled and its pending messages cancelled.',
      nextAttemptAt: null,
      endpointGone: true,
    };
  }

  let errorCode = result.errorCode ?? 'http_error';
  let errorDetail = result.errorDetail ?? `The endpoint answered HTTP ${status}.`;
  if (result.errorCode === null && status >= 300 && status < 400) {
    errorCode = 'redirect';
    const location = result.headers.location ?? '(no Location header)';
    errorDetail = `The endpoint answered HTTP ${status} redirecting to ${location}; redirects are not followed.`;
  }

  const retryAfterMs = RETRY_AFTER_STATUSES.has(status)
    ? parseRetryAfter(result.headers['retry-after'], now)
    : undefined;
  const delay = nextRetryDelayMs(attemptNumber, scheduleMs, retryAfterMs, random);
  return {
    success: false,
    errorCode,
    errorDetail,
    nextAttemptAt: delay === null ? null : now + delay,
    endpointGone: false,
  };
}
