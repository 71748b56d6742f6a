/**
 * Label values for delivery and inbound metrics. Each label takes values from a fixed list, so
 * a metric has a bounded number of series whatever the traffic: ids and URLs are never labels.
 */

/** The prefix of every metric name, the process metrics included. */
export const METRIC_PREFIX = 'hookline_';

/**
 * Attempt error codes: `gone`, `http_error` and `redirect` from decideOutcome in
 * delivery/outcome.ts, the others from classifyTransportError in delivery/http-sender.ts.
 */
export const ATTEMPT_OUTCOMES = [
  'success',
  'http_error',
  'redirect',
  'gone',
  'timeout',
  'dns_error',
  'connection_refused',
  'connection_error',
  'tls_error',
  'destination_blocked',
] as const;

/** Returns the outcome label of an attempt from its error code; `other` for a code not listed. */
export function outcomeLabel(errorCode: string | null): string {
  if (errorCode === null) return 'success';
  return (ATTEMPT_OUTCOMES as readonly string[]).includes(errorCode) ? errorCode : 'other';
}

/** Returns `2xx` and the like for an HTTP status, or `none` when no response arrived (0). */
export function statusClassLabel(statusCode: number): string {
  if (statusCode >= 100 && statusCode <= 599) return `${Math.floor(statusCode / 100)}xx`;
  return statusCode === 0 ? 'none' : 'other';
}

/** The origin of an accepted message: the API, an inbound source, or Hookline's own events. */
export type MessageSource = 'api' | 'inbound' | 'operational';

/** Returns `value` when it is in `allowed`, else `other`, so a label stays bounded. */
export function boundedLabel(value: string, allowed: readonly string[]): string {
  return allowed.includes(value) ? value : 'other';
}
