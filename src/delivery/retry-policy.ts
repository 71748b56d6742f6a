/**
 * Retry timing. The schedule lists the delay before each retry. Every delay is spread by ±20%
 * so endpoints that fail together are not retried in lockstep. A `Retry-After` from the
 * endpoint sets a floor that jitter cannot undercut.
 */
export const JITTER_FRACTION = 0.2;
/** The longest `Retry-After` honoured, so a hostile or broken value cannot park a message. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Status codes whose `Retry-After` header is honoured. */
export const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * Returns the delay in milliseconds before the next attempt, or null when the attempt that
 * just failed (1-based `attemptNumber`) was the last one the schedule allows.
 */
export function nextRetryDelayMs(
  attemptNumber: number,
  scheduleMs: readonly number[],
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | null {
  const base = scheduleMs[attemptNumber - 1];
  if (base === undefined) return null;

  const jittered = Math.round(base * (1 - JITTER_FRACTION + 2 * JITTER_FRACTION * random()));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/**
 * Parses a `Retry-After` value (delay-seconds or an HTTP-date) into milliseconds from `nowMs`.
 * Returns undefined for a missing or malformed value; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);

  // IMF-fixdate and the obsolete RFC 850 form both start with a weekday and a comma and end
  // in GMT (RFC 9110, section 5.6.7). Requiring that keeps Date.parse from accepting looser
  // text such as "2023-11-15". The asctime form is not accepted.
  if (!/^[A-Za-z]{3,9}, .+ GMT$/.test(text)) return undefined;
  const when = Date.parse(text);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - nowMs);
}
