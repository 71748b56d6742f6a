import { WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody } from './hmac.js';
import { checkSecrets } from './secrets.js';
import type { Verifier } from './types.js';

export interface GithubVerifierConfig {
  secret: string | string[];
  /** Accept `X-Hub-Signature` (HMAC-SHA1) when no SHA-256 header is sent; off by default. */
  allowLegacySha1?: boolean;
}

function matchHeader(value: string, prefix: string, algorithm: 'sha1' | 'sha256', secrets: string[], body: Uint8Array): void {
  const digest = value.startsWith(prefix) ? decodeDigest(value.slice(prefix.length), 'hex') : null;
  if (digest === null) {
    throw new WebhookVerificationError('signature_malformed', `The signature must be ${prefix} followed by hex.`);
  }
  const matched = secrets.some((secret) => digestsEqual(hmac(algorithm, secret, body), digest));
  if (!matched) throw new WebhookVerificationError('signature_mismatch', 'The signature does not match.');
}

/**
 * Creates a GitHub verifier: HMAC-SHA256 of the body in `X-Hub-Signature-256`. When that
 * header is present it alone decides, so a valid legacy SHA-1 header never rescues it.
 * GitHub signs no timestamp, so replays are stopped by `X-GitHub-Delivery` alone.
 */
export function githubVerifier(config: GithubVerifierConfig): Verifier {
  const secrets = checkSecrets(config.secret);
  return (request) => {
    const body = requireRawBody(request.body);
    const sha256 = readHeader(request.headers, 'x-hub-signature-256');
    const sha1 = readHeader(request.headers, 'x-hub-signature');

    if (sha256 !== undefined) matchHeader(sha256, 'sha256=', 'sha256', secrets, body);
    else if (sha1 !== undefined && config.allowLegacySha1) matchHeader(sha1, 'sha1=', 'sha1', secrets, body);
    else {
      const detail = sha1 === undefined ? 'X-Hub-Signature-256 is missing.' : 'X-Hub-Signature-256 is missing and SHA-1 is not allowed.';
      throw new WebhookVerificationError('signature_missing', detail);
    }
    return { deliveryId: readHeader(request.headers, 'x-github-delivery'), timestamp: undefined };
  };
}
