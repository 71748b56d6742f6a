import { MAX_RETRY_AFTER_MS } from './retry-policy.js';

/**
 * Endpoint-wide decisions after each attempt, as pure functions of the stored state and `now`:
 * pausing the whole endpoint when it signals overload, pacing it back up, and disabling
 * it after a long unbroken run of failures.
 */
export interface EndpointHealth {
  nextSendAt: number;
  pausedUntil: number;
  backoffLevel: number;
  failingSince: number | null;
  consecutiveFailures: number;
}

export const HEALTHY: EndpointHealth = {
  nextSendAt: 0,
  pausedUntil: 0,
  backoffLevel: 0,
  failingSince: null,
  consecutiveFailures: 0,
};

/** Highest backoff level; the pause doubles per level from PAUSE_BASE_MS up to MAX_PAUSE_MS. */
export const MAX_BACKOFF_LEVEL = 8;
export const PAUSE_BASE_MS = 1000;
export const MAX_PAUSE_MS = 10 * 60 * 1000;

/**
 * Failures in a row, the last a 503 without Retry-After, that pause an endpoint. One such 503
 * among successes is a busy moment, not overload, and pausing on it would stall the endpoint.
 */
export const UNAVAILABLE_RUN = 3;

export interface AttemptSummary {
  success: boolean;
  /** The endpoint returned 429, or sent a Retry-After. */
  pushback: boolean;
  /** The endpoint returned 503 without Retry-After. */
  unavailable?: boolean;
  retryAfterMs: number | undefined;
}

export interface HealthDecision {
  health: EndpointHealth;
  /** True when the endpoint has failed for at least the disable window without a success. */
  disable: boolean;
}

/** Milliseconds between attempt starts: throttleRate (per second) or backoff pacing, the slower. */
export function sendIntervalMs(throttleRate: number | null, backoffLevel: number): number {
  const throttle = throttleRate && throttleRate > 0 ? 1000 / throttleRate : 0;
  const pacing = backoffLevel > 0 ? PAUSE_BASE_MS * 2 ** Math.min(backoffLevel - 1, MAX_BACKOFF_LEVEL) : 0;
  return Math.ceil(Math.max(throttle, pacing));
}

/** Pause after pushback at `level` (before it is raised), at least the Retry-After. */
export function pauseMs(level: number, retryAfterMs: number | undefined): number {
  const backoff = Math.min(MAX_PAUSE_MS, PAUSE_BASE_MS * 2 ** Math.min(level, MAX_BACKOFF_LEVEL));
  return Math.max(backoff, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * Applies one attempt's result. A success clears the failure run and lowers the backoff one
 * level, so pacing relaxes step by step. A failure starts or extends the run; the endpoint is
 * disabled once the run is `disableAfterMs` old, however few attempts it contains.
 */
export function nextHealth(
  current: EndpointHealth,
  attempt: AttemptSummary,
  now: number,
  disableAfterMs: number,
): HealthDecision {
  if (attempt.success) {
    const health = {
      ...current,
      backoffLevel: Math.max(0, current.backoffLevel - 1),
      failingSince: null,
      consecutiveFailures: 0,
    };
    return { health, disable: false };
  }

  const failingSince = current.failingSince ?? now;
  const health: EndpointHealth = {
    ...current,
    failingSince,
    consecutiveFailures: current.consecutiveFailures + 1,
  };
  const pushback = attempt.pushback || (attempt.unavailable === true && health.consecutiveFailures >= UNAVAILABLE_RUN);
  if (pushback && current.pausedUntil > now) {
    // Responses to attempts already in flight when the pause began belong to the same
    // episode: they may extend the pause to their Retry-After but do not raise the level.
    const retryAfter = Math.min(attempt.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
    health.pausedUntil = Math.max(current.pausedUntil, now + retryAfter);
  } else if (pushback) {
    health.pausedUntil = now + pauseMs(current.backoffLevel, attempt.retryAfterMs);
    health.backoffLevel = Math.min(MAX_BACKOFF_LEVEL, current.backoffLevel + 1);
  }
  return { health, disable: now - failingSince >= disableAfterMs };
}
