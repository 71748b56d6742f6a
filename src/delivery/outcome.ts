import type { SendResult } from './http-sender.js';
import { nextRetryDelayMs, parseRetryAfter, RETRY_AFTER_STATUSES } from './retry-policy.js';

export interface Outcome {
  success: boolean;
  errorCode: string | null;
  errorDetail: string | null;
  /** Null when no further attempt is made. */
  nextAttemptAt: number | null;
  endpointGone: boolean;
  /** The endpoint asked for less traffic: 429, or a Retry-After on a failure. */
  pushback: boolean;
  /** The endpoint returned 503 without Retry-After, which is pushback only in a run of failures. */
  unavailable: boolean;
  /** The parsed Retry-After of a failed attempt, in milliseconds from now. */
  retryAfterMs: number | undefined;
}

const NO_PUSHBACK = { pushback: false, unavailable: false, retryAfterMs: undefined } as const;

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
    return { success: true, errorCode: null, errorDetail: null, nextAttemptAt: null, endpointGone: false, ...NO_PUSHBACK };
  }

  if (status === 410) {
    return {
      success: false,
      errorCode: 'gone',
      errorDetail: 'The endpoint answered 410 Gone, so it was disabled and its pending messages cancelled.',
      nextAttemptAt: null,
      endpointGone: true,
      ...NO_PUSHBACK,
    };
  }

  let errorCode = result.errorCode ?? 'http_error';
  let errorDetail = result.errorDetail ?? `The endpoint answered HTTP ${status}.`;
  if (result.errorCode === null && status >= 300 && status < 400) {
    errorCode = 'redirect';
    const location = result.headers.location ?? '(no Location header)';
    errorDetail = `The endpoint answered HTTP ${status} redirecting to ${location}; redirects are not followed.`;
  }

  // Retry-After sets the message's next attempt only on 429 and 503, as before; on any
  // failure it also pauses the whole endpoint.
  const retryAfterMs = parseRetryAfter(result.headers['retry-after'], now);
  const throttled = RETRY_AFTER_STATUSES.has(status);
  const delay = nextRetryDelayMs(attemptNumber, scheduleMs, throttled ? retryAfterMs : undefined, random);
  return {
    success: false,
    errorCode,
    errorDetail,
    nextAttemptAt: delay === null ? null : now + delay,
    endpointGone: false,
    pushback: status === 429 || retryAfterMs !== undefined,
    unavailable: status === 503 && retryAfterMs === undefined,
    retryAfterMs,
  };
}
