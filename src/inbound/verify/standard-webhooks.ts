import { VerifierConfigError, WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody, utf8 } from './hmac.js';
import { checkSecrets } from './secrets.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, parseTimestamp } from './timestamp.js';
import { nowSeconds, type Verifier } from './types.js';

const PREFIX = 'whsec_';

/**
 * Returns the HMAC key of a Standard Webhooks secret: the base64 text after an optional
 * `whsec_` prefix, decoded. The UTF-8 bytes of the secret string are not the key.
 */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = decodeDigest(encoded, 'base64');
  if (key === null || key.length === 0) {
    throw new VerifierConfigError('secret', 'secret must be whsec_ followed by base64, such as whsec_MfKQ9r8G...');
  }
  return key;
}

/** Reads `webhook-*` headers, falling back to the `svix-*` names that older Svix senders use. */
function header(headers: Parameters<typeof readHeader>[0], name: string): string | undefined {
  return readHeader(headers, `webhook-${name}`) ?? readHeader(headers, `svix-${name}`);
}

/**
 * Creates a Standard Webhooks (Svix) verifier. Any `v1` entry of the space-separated
 * signature list may match; entries of other versions are skipped.
 */
export function standardWebhooksVerifier(config: { secret: string | string[] }): Verifier {
  const keys = checkSecrets(config.secret).map(standardWebhooksKey);
  return (request, options) => {
    const body = requireRawBody(request.body);
    const id = header(request.headers, 'id');
    const signatures = header(request.headers, 'signature');
    if (!id || !signatures) {
      throw new WebhookVerificationError('signature_missing', 'The webhook-id or webhook-signature header is missing.');
    }
    const timestamp = parseTimestamp(header(request.headers, 'timestamp'), 'webhook-timestamp');

    const received = signatures
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => decodeDigest(entry.slice(3), 'base64'))
      .filter((digest): digest is Buffer => digest !== null);
    if (received.length === 0) {
      throw new WebhookVerificationError('signature_malformed', 'webhook-signature contains no v1 signature.');
    }
    const signed = utf8(`${id}.${timestamp}.`);
    const matched = keys.some((key) => {
      const expected = hmac('sha256', key, signed, body);
      return received.some((digest) => digestsEqual(expected, digest));
    });
    if (!matched) throw new WebhookVerificationError('signature_mismatch', 'No v1 signature matches.');

    assertFresh(timestamp, nowSeconds(options), options?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    return { deliveryId: id, timestamp };
  };
}
