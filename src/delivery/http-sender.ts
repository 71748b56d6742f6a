import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, errors as undiciErrors, request } from 'undici';
import { DestinationBlockedError, type DestinationGuard } from './destination-guard.js';

/** How much of a response body is kept on the attempt record. */
export const RESPONSE_EXCERPT_BYTES = 8 * 1024;

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The result of one request: an HTTP response, or an error code when none arrived. */
export interface SendResult {
  statusCode: number;
  responseExcerpt: string;
  durationMs: number;
  headers: Record<string, string | undefined>;
  errorCode: string | null;
  errorDetail: string | null;
}

export interface HttpSenderOptions {
  guard: DestinationGuard;
  timeoutMs: number;
  connections?: number;
  /** Extra PEM CA certificates to trust besides Node's built-in roots. */
  ca?: string | undefined;
}

function hostOf(url: URL): string {
  // URL keeps the brackets of an IPv6 literal in `hostname`.
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** OpenSSL certificate verification codes whose names do not mention CERT. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Maps a transport failure to a stable attempt error code. */
export function classifyTransportError(error: unknown): { code: string; detail: string } {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof DestinationBlockedError) return { code: 'destination_blocked', detail };

  const cause = error instanceof Error && error.cause instanceof DestinationBlockedError ? error.cause : null;
  if (cause) return { code: 'destination_blocked', detail: cause.message };

  const code = (error as { code?: string } | null)?.code ?? '';
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return { code: 'timeout', detail };
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { code: 'timeout', detail: 'The endpoint did not respond within the delivery timeout.' };
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { code: 'timeout', detail };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns_error', detail };
  if (code === 'ECONNREFUSED') return { code: 'connection_refused', detail };
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || /SSL|TLS/i.test(code) || TLS_VERIFY_CODES.has(code)) {
    return { code: 'tls_error', detail };
  }
  return { code: 'connection_error', detail };
}

/**
 * Posts signed deliveries with undici. Redirects are never followed (undici's `request`
 * follows none without a redirect interceptor), and the socket connects only to an address the guard
 * approved.
 */
export class HttpSender {
  private readonly agent: Agent;
  private readonly guard: DestinationGuard;
  private readonly timeoutMs: number;

  constructor(options: HttpSenderOptions) {
    this.guard = options.guard;
    this.timeoutMs = options.timeoutMs;
    this.agent = new Agent({
      connections: options.connections ?? 128,
      connect: {
        lookup: options.guard.lookup,
        timeout: options.timeoutMs,
        ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(input: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const url = new URL(input.url);
      const host = hostOf(url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new DestinationBlockedError(host, url.protocol, 'only http and https are delivered to');
      }
      // An IP literal skips DNS and so the lookup hook, so it is checked here.
      if (isIP(host) !== 0) this.guard.assertAllowed(host, host);

      const response = await request(url, {
        method: 'POST',
        headers: input.headers,
        body: input.body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const responseExcerpt = await readExcerpt(response.body);
      return {
        statusCode: response.statusCode,
        responseExcerpt,
        durationMs: elapsed(),
        headers: flattenHeaders(response.headers),
        errorCode: null,
        errorDetail: null,
      };
    } catch (error) {
      const { code, detail } = classifyTransportError(error);
      return { statusCode: 0, responseExcerpt: '', durationMs: elapsed(), headers: {}, errorCode: code, errorDetail: detail };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Reads at most RESPONSE_EXCERPT_BYTES of a body, then drops the rest of the stream. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_EXCERPT_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}
