import { createHash } from 'node:crypto';
import { VerifierConfigError, WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody, utf8 } from './hmac.js';
import { checkSecrets } from './secrets.js';
import type { Verifier, WebhookRequest } from './types.js';

export interface TwilioVerifierConfig {
  /** The account's auth token. */
  secret: string | string[];
  /**
   * The URL configured in Twilio, when it differs from the URL the request reached (a proxy
   * that rewrites the path). The query string of the request is appended to it.
   */
  url?: string;
}

/**
 * Returns the URL as configured plus the same URL with its port toggled: Twilio signs some
 * requests with the default port written out and some without, and strips a non-default
 * port from some. No other variant is tried.
 */
export function twilioUrlVariants(url: string): string[] {
  const match = /^(https?:\/\/)([^/?#:]+|\[[^\]]+\])(:\d+)?(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme, host, port, rest] = match;
  const defaultPort = scheme!.toLowerCase() === 'https://' ? ':443' : ':80';
  return [url, `${scheme}${host}${port ? '' : defaultPort}${rest}`];
}

/** Orders strings by UTF-16 code units, as Twilio's own libraries sort parameter names. */
function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** Builds `name + value` for every form parameter, sorted by name then value, as Twilio signs them. */
function formString(body: Uint8Array): string {
  const params = [...new URLSearchParams(Buffer.from(body).toString('utf8'))];
  params.sort(([nameA, valueA], [nameB, valueB]) => compareText(nameA, nameB) || compareText(valueA, valueB));
  return params.map(([name, value]) => name + value).join('');
}

function requestUrl(request: WebhookRequest, configured: string | undefined): string {
  if (!request.url) throw new WebhookVerificationError('signature_mismatch', 'The request URL is unknown.');
  if (!configured) return request.url;
  const query = new URL(request.url).search;
  return configured.split('?')[0] + query;
}

/**
 * Creates a Twilio verifier: base64 HMAC-SHA1 of the full URL followed by the sorted form
 * parameters. A JSON request carries `bodySHA256` in its query instead, and only the URL is
 * signed. Twilio signs no timestamp; replays are dropped by `I-Twilio-Idempotency-Token`.
 */
export function twilioVerifier(config: TwilioVerifierConfig): Verifier {
  const secrets = checkSecrets(config.secret);
  if (config.url !== undefined) {
    try {
      new URL(config.url);
    } catch {
      throw new VerifierConfigError('url', `url is not a valid absolute URL: "${config.url}"`);
    }
  }
  return (request) => {
    const body = requireRawBody(request.body);
    const header = readHeader(request.headers, 'x-twilio-signature');
    if (!header) throw new WebhookVerificationError('signature_missing', 'The X-Twilio-Signature header is missing.');
    const digest = decodeDigest(header.trim(), 'base64');
    if (digest === null) throw new WebhookVerificationError('signature_malformed', 'X-Twilio-Signature is not base64.');

    const url = requestUrl(request, config.url);
    const bodyHash = new URL(url).searchParams.get('bodySHA256');
    const params = bodyHash === null ? formString(body) : '';
    const matched = twilioUrlVariants(url).some((variant) =>
      secrets.some((secret) => digestsEqual(hmac('sha1', secret, utf8(variant + params)), digest)),
    );
    if (!matched) throw new WebhookVerificationError('signature_mismatch', 'The signature does not match.');
    if (bodyHash !== null && createHash('sha256').update(body).digest('hex') !== bodyHash.toLowerCase()) {
      throw new WebhookVerificationError('signature_mismatch', 'The body does not match bodySHA256.');
    }

    const deliveryId = readHeader(request.headers, 'i-twilio-idempotency-token') ?? header;
    return { deliveryId, timestamp: undefined };
  };
}
