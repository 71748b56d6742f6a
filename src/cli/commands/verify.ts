import { readFileSync } from 'node:fs';
import {
  createVerifier,
  VerifierConfigError,
  WebhookVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifiedRequest,
} from '../../inbound/verify/index.js';
import { flagOption, integerOption, stringOption, type Command, type ParsedArgs } from '../args.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { printJson } from '../output.js';
import { parseHeaderBlock, parseSavedRequest, readBody, type SavedRequest } from '../saved-request.js';

const PROVIDERS = ['standard-webhooks', 'svix', 'stripe', 'github', 'shopify', 'slack', 'twilio', 'generic-hmac'];

function readInput(path: string, what: string): Buffer {
  try {
    return path === '-' ? readFileSync(0) : readFileSync(path);
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new CliError(ExitCode.notFound, `Cannot read the ${what} file ${path} (${reason}).`);
  }
}

/** Loads the request from REQUEST_FILE, or from --headers and --body. */
function loadRequest(args: ParsedArgs): SavedRequest {
  const headersFile = stringOption(args, 'headers');
  const bodyFile = stringOption(args, 'body');
  const requestFile = args.positionals[0];
  if (requestFile !== undefined) {
    if (headersFile !== undefined || bodyFile !== undefined) {
      throw new UsageError('Give either REQUEST_FILE or --headers and --body, not both.', 'verify');
    }
    return parseSavedRequest(readInput(requestFile, 'request'), requestFile);
  }
  if (headersFile === undefined || bodyFile === undefined) {
    throw new UsageError('Missing the request: give REQUEST_FILE, or --headers FILE and --body FILE.', 'verify');
  }
  const { headers, target } = parseHeaderBlock(readInput(headersFile, 'headers').toString('latin1').trimEnd(), headersFile);
  return { headers, target, ...readBody(headers, readInput(bodyFile, 'body'), bodyFile) };
}

/** Reads the secrets; a file may end with one line break, which is not part of the secret. */
function readSecrets(args: ParsedArgs): string[] {
  // Taken as given: a secret is never split on commas or trimmed, so a bad one is reported.
  const given = args.values.secret;
  const secrets = Array.isArray(given) ? [...given] : [];
  const file = stringOption(args, 'secret-file');
  if (file !== undefined) secrets.push(readInput(file, 'secret').toString('utf8').replace(/\r?\n$/, ''));
  if (secrets.length === 0) throw new UsageError('Missing --secret or --secret-file.', 'verify');
  return secrets;
}

function verifierConfig(provider: string, args: ParsedArgs): Record<string, unknown> {
  const config: Record<string, unknown> = { secret: readSecrets(args) };
  if (provider === 'github') config.allowLegacySha1 = flagOption(args, 'allow-sha1');
  if (provider !== 'generic-hmac') return config;
  const fields: Record<string, string> = {
    'signature-header': 'header',
    algorithm: 'algorithm',
    encoding: 'encoding',
    prefix: 'prefix',
    template: 'template',
    'timestamp-header': 'timestampHeader',
    'id-header': 'idHeader',
  };
  for (const [option, field] of Object.entries(fields)) {
    const value = stringOption(args, option);
    if (value !== undefined) config[field] = value;
  }
  if (config.header === undefined) throw new UsageError('generic-hmac needs --signature-header NAME.', 'verify');
  return config;
}

/** Twilio signs the URL it called: --request-url, else https:// + Host + the request target. */
function requestUrl(args: ParsedArgs, request: SavedRequest): string | undefined {
  const explicit = stringOption(args, 'request-url');
  if (explicit !== undefined || request.target === undefined) return explicit;
  if (/^https?:\/\//i.test(request.target)) return request.target;
  const host = request.headers.host;
  return host === undefined ? undefined : `https://${host}${request.target}`;
}

function readNowSeconds(args: ParsedArgs): number | undefined {
  const text = stringOption(args, 'now');
  if (text === undefined) return undefined;
  if (/^\d{1,12}$/.test(text)) return Number(text);
  const millis = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(millis)) {
    throw new UsageError(`Invalid --now "${text}": expected Unix seconds or an ISO 8601 date-time such as 2026-12-04T03:00:00Z.`, 'verify');
  }
  return Math.floor(millis / 1000);
}

function report(provider: string, verified: VerifiedRequest, json: boolean): void {
  if (json) {
    printJson({ verified: true, provider, deliveryId: verified.deliveryId ?? null, timestamp: verified.timestamp ?? null });
    return;
  }
  const details = [
    verified.deliveryId === undefined ? undefined : `delivery id ${verified.deliveryId}`,
    verified.timestamp === undefined ? undefined : `signed at ${new Date(verified.timestamp * 1000).toISOString()}`,
  ].filter((part) => part !== undefined);
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  process.stdout.write(`verified: the ${provider} signature matches${suffix}\n`);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check the webhook signature of a saved HTTP request.',
  help: `Usage: hookline verify [REQUEST_FILE] --provider NAME --secret SECRET [options]

Checks the signature of a saved HTTP request with the same verifiers Hookline's inbound
sources use. REQUEST_FILE holds the raw request as nc or a proxy captured it: an optional
request line, header lines, a blank line, then the body (- reads standard input). Header
lines may end in CRLF or LF; the body is every byte after the first blank line, unchanged,
with chunked transfer framing removed. Prints "verified" and exits 0, or prints
"not verified: CODE" and exits 6. CODE is one of signature_missing, signature_malformed,
signature_mismatch, timestamp_missing, timestamp_invalid, timestamp_too_old,
timestamp_in_future.

Options:
  --provider NAME    ${PROVIDERS.join(', ')}
  --secret SECRET    the signing secret; repeat to try several (a rotation)
  --secret-file F    read the secret from file F (one trailing line break is dropped), which
                     keeps it out of the shell history
  --headers FILE     the header block alone, instead of REQUEST_FILE (with --body)
  --body FILE        the body bytes alone, instead of REQUEST_FILE (with --headers)
  --tolerance SECS   accepted clock difference for signed timestamps, in seconds
                     (default ${DEFAULT_TOLERANCE_SECONDS})
  --now TIME         check timestamps as if it were TIME: Unix seconds or ISO 8601; for old
                     captures
  --json             print { verified, provider, code, detail, ... } as JSON
  --allow-sha1       github: accept X-Hub-Signature (SHA-1) when no SHA-256 header is sent
  --request-url URL  twilio: the URL Twilio called (default: https:// + Host + request target)
generic-hmac options:
  --signature-header NAME  the header with the signature (required)
  --algorithm ALG    sha1, sha256 or sha512 (default sha256)
  --encoding ENC     hex or base64 (default hex)
  --prefix TEXT      text before the digest, such as sha256=
  --template TEXT    the signed content (default {body}), such as {timestamp}.{body}
  --timestamp-header NAME, --id-header NAME  headers that fill {timestamp} and {id}
`,
  options: {
    provider: { type: 'string' },
    secret: { type: 'string', multiple: true },
    'secret-file': { type: 'string' },
    headers: { type: 'string' },
    body: { type: 'string' },
    tolerance: { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
    'allow-sha1': { type: 'boolean' },
    'request-url': { type: 'string' },
    'signature-header': { type: 'string' },
    algorithm: { type: 'string' },
    encoding: { type: 'string' },
    prefix: { type: 'string' },
    template: { type: 'string' },
    'timestamp-header': { type: 'string' },
    'id-header': { type: 'string' },
  },
  positionals: ['REQUEST_FILE?'],
  async run(args) {
    const provider = stringOption(args, 'provider');
    if (provider === undefined || !PROVIDERS.includes(provider)) {
      const problem = provider === undefined ? 'Missing --provider' : `Invalid --provider "${provider}"`;
      throw new UsageError(`${problem}: use one of ${PROVIDERS.join(', ')}.`, 'verify');
    }
    const toleranceRange = { min: 0, max: 1e10 };
    const toleranceSeconds = integerOption(args, 'tolerance', 'verify', toleranceRange) ?? DEFAULT_TOLERANCE_SECONDS;
    const nowSeconds = readNowSeconds(args);
    const request = loadRequest(args);
    for (const warning of request.warnings) process.stderr.write(`warning: ${warning}\n`);

    let verifier;
    try {
      verifier = createVerifier(provider, verifierConfig(provider, args));
    } catch (error) {
      if (error instanceof VerifierConfigError) throw new UsageError(`Invalid ${error.field}: ${error.message}`, 'verify');
      throw error;
    }
    const json = flagOption(args, 'json');
    try {
      const url = requestUrl(args, request);
      const input = { body: request.body, headers: request.headers, url };
      const verified = verifier(input, { nowSeconds, toleranceSeconds });
      report(provider, verified, json);
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      if (json) printJson({ verified: false, provider, code: error.code, detail: error.message });
      else process.stdout.write(`not verified: ${error.code}: ${error.message}\n`);
      return ExitCode.notVerified;
    }
  },
};
