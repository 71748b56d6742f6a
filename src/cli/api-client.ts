import { parseListen } from '../config.js';
import { HooklineError } from '../errors.js';
import { CliError, ExitCode } from './errors.js';
import { stringOption, type OptionSpecs, type ParsedArgs } from './args.js';

/** Options shared by every command that talks to the HTTP API. */
export const API_OPTIONS: OptionSpecs = {
  url: { type: 'string' },
  token: { type: 'string' },
};

export const API_OPTIONS_HELP = `  --url URL        Hookline's base URL (default: HOOKLINE_URL, else http:// + HOOKLINE_LISTEN,
                   else http://127.0.0.1:8071)
  --token TOKEN    API token (default: HOOKLINE_TOKEN, else HOOKLINE_ADMIN_TOKEN)`;

/** How long one API request may take before the CLI gives up, in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Error codes of a failed connection; undici's own UND_ERR_* codes count too. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

export interface Page<T> {
  data: T[];
  iterator: string | null;
  prevIterator?: string | null;
  done: boolean;
}

type Env = Record<string, string | undefined>;

function defaultUrl(env: Env): string {
  const explicit = env.HOOKLINE_URL?.trim();
  if (explicit) return explicit;
  const listen = parseListen(env.HOOKLINE_LISTEN?.trim() || '127.0.0.1:8071');
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  // A server listening on every interface is reached through loopback.
  const loopback: Record<string, string> = { '0.0.0.0': '127.0.0.1', '[::]': '[::1]' };
  return `http://${loopback[host] ?? host}:${listen.port}`;
}

/** Returns the detail of an error body: a string, or the `msg` of each 422 validation item. */
function errorDetail(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return undefined;
  const messages = detail
    .map((item) => (item as { msg?: unknown }).msg)
    .filter((msg) => typeof msg === 'string');
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** A small client for Hookline's /api/v1 routes that turns every failure into a CliError. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
  }

  /** Builds a client from --url and --token, falling back to the environment. */
  static fromArgs(args: ParsedArgs, env: Env = process.env): ApiClient {
    let url: string;
    try {
      url = stringOption(args, 'url') ?? defaultUrl(env);
    } catch (error) {
      if (error instanceof HooklineError) throw new CliError(ExitCode.usage, error.message);
      throw error;
    }
    if (!/^https?:\/\/[^/]/i.test(url)) {
      throw new CliError(
        ExitCode.usage,
        `Invalid URL "${url}": expected http://host:port or https://host. Check --url or HOOKLINE_URL.`,
      );
    }
    const envToken = env.HOOKLINE_TOKEN?.trim() || env.HOOKLINE_ADMIN_TOKEN?.trim();
    const token = stringOption(args, 'token') ?? envToken;
    if (!token) {
      const detail = 'No API token: set HOOKLINE_TOKEN (or HOOKLINE_ADMIN_TOKEN) or pass --token.';
      throw new CliError(ExitCode.authFailed, detail);
    }
    return new ApiClient(url, token);
  }

  get<T>(path: string, query: Record<string, string | string[] | undefined> = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) url.searchParams.append(name, item);
    }
    return this.request<T>('GET', url);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', new URL(this.baseUrl + path), body);
  }

  private async request<T>(method: string, url: URL, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.networkError(error);
    }

    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok && json !== undefined) return json as T;
    throw this.responseError(method, url, response.status, json);
  }

  private networkError(error: unknown): CliError {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError') {
      const detail =
        `Hookline at ${this.baseUrl} did not respond within ${REQUEST_TIMEOUT_MS / 1000} s. ` +
        'Check --url or HOOKLINE_URL and the server.';
      return new CliError(ExitCode.network, detail, { cause: error });
    }
    const code = cause?.code ?? '';
    const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
    const isNetwork = NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR');
    const detail =
      `Cannot reach Hookline at ${this.baseUrl}: ${reason}. ` +
      'Check --url or HOOKLINE_URL, and that "hookline serve" is running there.';
    return new CliError(isNetwork ? ExitCode.network : ExitCode.failed, detail, { cause: error });
  }

  private responseError(method: string, url: URL, status: number, json: unknown): CliError {
    const body = (json ?? {}) as { code?: unknown; detail?: unknown };
    const code = typeof body.code === 'string' ? body.code : undefined;
    const detail = errorDetail(body.detail);
    const what = `${method} ${url.pathname}`;
    if (json === undefined || (code === undefined && !(status >= 200 && status < 300))) {
      const detail =
        `${what} returned HTTP ${status} with a body that is not a Hookline error. ` +
        `Is ${this.baseUrl} a Hookline server? Check --url or HOOKLINE_URL.`;
      return new CliError(ExitCode.failed, detail);
    }
    const reason = `${code}${detail ? `: ${detail.replace(/\.$/, '')}` : ''}`;
    if (status === 401) {
      const detail = `Hookline rejected the API token (${reason}). Check --token, HOOKLINE_TOKEN or HOOKLINE_ADMIN_TOKEN.`;
      return new CliError(ExitCode.authFailed, detail);
    }
    if (status === 403) return new CliError(ExitCode.authFailed, `This token may not ${what} (${reason}).`);
    if (status === 404) {
      return new CliError(ExitCode.notFound, `Not found: ${detail?.replace(/\.$/, '') ?? what}. Check the id or uid.`);
    }
    if (status === 400 || status === 409 || status === 413 || status === 422) {
      return new CliError(ExitCode.usage, `Hookline rejected ${what} with HTTP ${status} (${reason}).`);
    }
    return new CliError(ExitCode.failed, `${what} failed with HTTP ${status} (${reason}). The server log has details.`);
  }
}
