import { WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody } from './hmac.js';
import { checkSecrets } from './secrets.js';
import type { Verifier } from './types.js';

/**
 * Creates a Shopify verifier: base64 HMAC-SHA256 of the body in `X-Shopify-Hmac-Sha256`, keyed
 * with the app secret. A hex digest is rejected, because Shopify only sends base64.
 */
export function shopifyVerifier(config: { secret: string | string[] }): Verifier {
  const secrets = checkSecrets(config.secret);
  return (request) => {
    const body = requireRawBody(request.body);
    const header = readHeader(request.headers, 'x-shopify-hmac-sha256');
    if (!header) throw new WebhookVerificationError('signature_missing', 'The X-Shopify-Hmac-Sha256 header is missing.');

    const digest = decodeDigest(header.trim(), 'base64');
    if (digest === null) {
      throw new WebhookVerificationError('signature_malformed', 'X-Shopify-Hmac-Sha256 is not base64.');
    }
    if (!secrets.some((secret) => digestsEqual(hmac('sha256', secret, body), digest))) {
      throw new WebhookVerificationError('signature_mismatch', 'The signature does not match.');
    }
    const deliveryId = readHeader(request.headers, 'x-shopify-webhook-id') ?? readHeader(request.headers, 'x-shopify-event-id');
    return { deliveryId, timestamp: undefined };
  };
}
