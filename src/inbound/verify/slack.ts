import { WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { readJsonString } from './json-field.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody, utf8 } from './hmac.js';
import { checkSecrets } from './secrets.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, parseTimestamp } from './timestamp.js';
import { nowSeconds, type Verifier } from './types.js';

/**
 * Creates a Slack verifier: `v0=` hex HMAC-SHA256 of `v0:{timestamp}:` followed by the body
 * bytes. The body is never decoded, so bytes that are not UTF-8 still verify. Without an
 * `event_id` (slash commands, interactions), the timestamp and signature identify the request.
 */
export function slackVerifier(config: { secret: string | string[] }): Verifier {
  const secrets = checkSecrets(config.secret);
  return (request, options) => {
    const body = requireRawBody(request.body);
    const header = readHeader(request.headers, 'x-slack-signature');
    if (!header) throw new WebhookVerificationError('signature_missing', 'The X-Slack-Signature header is missing.');
    const timestamp = parseTimestamp(readHeader(request.headers, 'x-slack-request-timestamp'), 'X-Slack-Request-Timestamp');

    const digest = header.startsWith('v0=') ? decodeDigest(header.slice(3), 'hex') : null;
    if (digest === null) throw new WebhookVerificationError('signature_malformed', 'X-Slack-Signature must be v0= followed by hex.');
    const signed = utf8(`v0:${timestamp}:`);
    if (!secrets.some((secret) => digestsEqual(hmac('sha256', secret, signed, body), digest))) {
      throw new WebhookVerificationError('signature_mismatch', 'The signature does not match.');
    }

    assertFresh(timestamp, nowSeconds(options), options?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    return { deliveryId: readJsonString(body, 'event_id') ?? `${timestamp}.${header}`, timestamp };
  };
}
