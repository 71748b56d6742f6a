import { WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { readJsonString } from './json-field.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody, utf8 } from './hmac.js';
import { checkSecrets } from './secrets.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, parseTimestamp } from './timestamp.js';
import { nowSeconds, type Verifier } from './types.js';

/** Splits `t=...,v1=...,v1=...,v0=...` into its timestamp and every v1 digest. */
function parseStripeHeader(value: string): { timestamp: string | undefined; digests: Buffer[] } {
  let timestamp: string | undefined;
  const digests: Buffer[] = [];
  for (const item of value.split(',')) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const text = item.slice(separator + 1).trim();
    if (key === 't') timestamp = text;
    // v0 is Stripe's test-mode scheme and never proves anything here.
    if (key !== 'v1') continue;
    const digest = decodeDigest(text, 'hex');
    if (digest) digests.push(digest);
  }
  return { timestamp, digests };
}

/**
 * Creates a Stripe verifier. The key is the UTF-8 secret string, `whsec_` included, and every
 * `v1` entry is checked, because Stripe signs with both secrets while one is being rolled.
 */
export function stripeVerifier(config: { secret: string | string[] }): Verifier {
  const secrets = checkSecrets(config.secret);
  return (request, options) => {
    const body = requireRawBody(request.body);
    const header = readHeader(request.headers, 'stripe-signature');
    if (!header) throw new WebhookVerificationError('signature_missing', 'The Stripe-Signature header is missing.');

    const { timestamp: timestampText, digests } = parseStripeHeader(header);
    const timestamp = parseTimestamp(timestampText, 'Stripe-Signature t=');
    if (digests.length === 0) {
      throw new WebhookVerificationError('signature_malformed', 'Stripe-Signature contains no v1 signature.');
    }
    const signed = utf8(`${timestamp}.`);
    const matched = secrets.some((secret) => {
      const expected = hmac('sha256', secret, signed, body);
      return digests.some((digest) => digestsEqual(expected, digest));
    });
    if (!matched) throw new WebhookVerificationError('signature_mismatch', 'No v1 signature matches.');

    assertFresh(timestamp, nowSeconds(options), options?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    return { deliveryId: readJsonString(body, 'id'), timestamp };
  };
}
