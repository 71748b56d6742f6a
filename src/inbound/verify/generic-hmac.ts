import { VerifierConfigError, WebhookVerificationError } from './errors.js';
import { readHeader } from './headers.js';
import { decodeDigest, digestsEqual, hmac, requireRawBody, utf8, type HmacAlgorithm } from './hmac.js';
import { checkSecrets } from './secrets.js';
import { assertFresh, DEFAULT_TOLERANCE_SECONDS, parseTimestamp } from './timestamp.js';
import { nowSeconds, type Verifier } from './types.js';

export interface GenericHmacConfig {
  secret: string | string[];
  /** `sha256` by default. */
  algorithm?: HmacAlgorithm;
  /** The header that carries the signature. */
  header: string;
  encoding?: 'hex' | 'base64';
  /** Text before the digest, such as `sha256=`. */
  prefix?: string;
  /** Accept spaces between the prefix and the digest (`sha256= abc`); off by default. */
  allowSpaceAfterPrefix?: boolean;
  /**
   * The signed content, `{body}` by default. `{timestamp}` and `{id}` are replaced by the values of
   * `timestampHeader` and `idHeader`, for example `{timestamp}.{body}`.
   */
  template?: string;
  timestampHeader?: string;
  /** The header with the sender's delivery id, used to drop replays. */
  idHeader?: string;
}

const ALGORITHMS: readonly string[] = ['sha1', 'sha256', 'sha512'];
const ENCODINGS: readonly string[] = ['hex', 'base64'];

function checkConfig(config: GenericHmacConfig): void {
  if (config.algorithm !== undefined && !ALGORITHMS.includes(config.algorithm)) {
    throw new VerifierConfigError('algorithm', `algorithm must be one of ${ALGORITHMS.join(', ')}.`);
  }
  if (config.encoding !== undefined && !ENCODINGS.includes(config.encoding)) {
    throw new VerifierConfigError('encoding', `encoding must be hex or base64, not "${config.encoding}".`);
  }
  if (typeof config.header !== 'string' || !/^[A-Za-z0-9-]+$/.test(config.header)) {
    throw new VerifierConfigError('header', 'header must be an HTTP header name, such as X-Signature.');
  }
  const template = config.template ?? '{body}';
  if (template.split('{body}').length !== 2) {
    throw new VerifierConfigError('template', 'template must contain {body} exactly once.');
  }
  if (template.includes('{timestamp}') && !config.timestampHeader) {
    throw new VerifierConfigError('timestampHeader', 'timestampHeader is required when template uses {timestamp}.');
  }
  if (template.includes('{id}') && !config.idHeader) {
    throw new VerifierConfigError('idHeader', 'idHeader is required when template uses {id}.');
  }
}

/** Splits a template around `{body}` and fills in the header values. */
function signedParts(template: string, values: Record<string, string>): [Buffer, Buffer] {
  const fill = (text: string) => text.replace(/\{(timestamp|id)\}/g, (_match, name: string) => values[name] ?? '');
  const [before, after] = template.split('{body}');
  return [utf8(fill(before!)), utf8(fill(after!))];
}

/** Creates a verifier for a sender with its own HMAC recipe, described by `config`. */
export function genericHmacVerifier(config: GenericHmacConfig): Verifier {
  const secrets = checkSecrets(config.secret);
  checkConfig(config);
  const algorithm = config.algorithm ?? 'sha256';
  const encoding = config.encoding ?? 'hex';
  const prefix = config.prefix ?? '';

  return (request, options) => {
    const body = requireRawBody(request.body);
    const header = readHeader(request.headers, config.header);
    if (!header) throw new WebhookVerificationError('signature_missing', `The ${config.header} header is missing.`);
    let text = header.trim();
    if (!text.startsWith(prefix)) {
      throw new WebhookVerificationError('signature_malformed', `${config.header} does not start with "${prefix}".`);
    }
    text = text.slice(prefix.length);
    if (config.allowSpaceAfterPrefix) text = text.trimStart();
    const digest = decodeDigest(text, encoding);
    if (digest === null) throw new WebhookVerificationError('signature_malformed', `${config.header} is not ${encoding}.`);

    const values: Record<string, string> = {};
    let timestamp: number | undefined;
    if (config.timestampHeader) {
      timestamp = parseTimestamp(readHeader(request.headers, config.timestampHeader), config.timestampHeader);
      values.timestamp = String(timestamp);
    }
    const id = config.idHeader ? readHeader(request.headers, config.idHeader) : undefined;
    if (id !== undefined) values.id = id;

    const [before, after] = signedParts(config.template ?? '{body}', values);
    if (!secrets.some((secret) => digestsEqual(hmac(algorithm, secret, before, body, after), digest))) {
      throw new WebhookVerificationError('signature_mismatch', 'The signature does not match.');
    }
    if (timestamp !== undefined) {
      assertFresh(timestamp, nowSeconds(options), options?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
    }
    return { deliveryId: id, timestamp };
  };
}
