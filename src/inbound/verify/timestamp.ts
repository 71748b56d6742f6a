import { WebhookVerificationError } from './errors.js';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Parses a Unix timestamp in whole seconds, or throws `timestamp_invalid`. */
export function parseTimestamp(text: string | undefined, header: string): number {
  if (text === undefined || text === '') {
    throw new WebhookVerificationError('timestamp_missing', `The ${header} timestamp is missing.`);
  }
  if (!/^\d{1,12}$/.test(text)) {
    throw new WebhookVerificationError('timestamp_invalid', `The ${header} timestamp is not whole seconds.`);
  }
  return Number(text);
}

/**
 * Rejects a timestamp outside `toleranceSeconds` on either side of `nowSeconds`. Checking only
 * the past would let a request dated in the future be replayed for longer than the tolerance.
 */
export function assertFresh(timestamp: number, nowSeconds: number, toleranceSeconds: number): void {
  if (timestamp < nowSeconds - toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `The timestamp is ${nowSeconds - timestamp} s old; the tolerance is ${toleranceSeconds} s.`,
    );
  }
  if (timestamp > nowSeconds + toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_in_future',
      `The timestamp is ${timestamp - nowSeconds} s in the future; the tolerance is ${toleranceSeconds} s.`,
    );
  }
}
