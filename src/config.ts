import { ConfigError } from './errors.js';
import { parseLogFormat, type LogFormat } from './logger.js';
import { MIN_MAIN_KEY_LENGTH } from './signing/secret-cipher.js';
import { SECRET_KINDS, type SecretKind } from './signing/standard-webhooks.js';

/** Server settings, read from `HOOKLINE_*` environment variables. */
export interface Config {
  listenHost: string;
  listenPort: number;
  databaseUrl: string;
  adminToken: string | undefined;
  mainKey: string | undefined;
  /** Delays between attempts, in milliseconds; attempts = delays + 1. */
  retryScheduleMs: number[];
  allowPrivateCidrs: string[];
  publicUrl: string;
  operationalWebhookUrl: string | undefined;
  deliveryTimeoutMs: number;
  workerConcurrency: number;
  logLevel: string;
  /** json or pretty; undefined picks pretty when stdout is a terminal, else json. */
  logFormat: LogFormat | undefined;
  maxPayloadBytes: number;
  databasePoolSize: number;
  /** How long a rotated-out endpoint secret keeps signing, in milliseconds. */
  secretRotationGraceMs: number;
  /** The kind of secret generated for new endpoints and rotations without a key. */
  defaultSecretKind: SecretKind;
  /** Whether message payloads are checked against their event type's JSON Schema. */
  validatePayloads: boolean;
  /** Rejects plain http endpoint URLs, except to allow-listed private ranges. */
  httpsOnly: boolean;
  /** PEM files for serving the API over HTTPS; both set or both unset. */
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** Extra PEM CA certificates trusted for outbound deliveries, besides Node's roots. */
  tlsCaFile: string | undefined;
  /** How long an endpoint may fail without a single success before it is disabled, in ms. */
  disableAfterMs: number;
  /** The whsec_ secret that signs operational webhooks; generated and stored when unset. */
  operationalWebhookSecret: string | undefined;
  /** Attempts in flight to one endpoint across all workers sharing the database. */
  endpointConcurrency: number;
  /** The bearer token GET /metrics requires; when unset, /metrics is served without one. */
  metricsToken: string | undefined;
  /** A second listener that serves only /metrics, so a worker-only process can be scraped. */
  metricsListen: { host: string; port: number } | undefined;
}

export const DEFAULT_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

type Env = Record<string, string | undefined>;

export function parseListen(value: string, name = 'HOOKLINE_LISTEN'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(
      `${name} is invalid: "${value}". Expected host:port, such as 127.0.0.1:8071 or [::1]:8071.`,
    );
  }
  return { host: (match[1] ?? match[2])!, port };
}

/** Parses comma-separated seconds (fractions allowed) into milliseconds. */
export function parseRetrySchedule(value: string): number[] {
  const trimmed = value.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((part) => {
    const seconds = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
      throw new ConfigError(
        `HOOKLINE_RETRY_SCHEDULE is invalid: "${value}". Expected comma-separated non-negative seconds, such as ${DEFAULT_RETRY_SCHEDULE}.`,
      );
    }
    return Math.round(seconds * 1000);
  });
}

function parsePositiveNumber(env: Env, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigError(`${name} is invalid: "${raw}". Expected a positive number up to ${max}.`);
  }
  return value;
}

function parsePositiveInteger(env: Env, name: string, fallback: number): number {
  const value = parsePositiveNumber(env, name, fallback);
  if (!Number.isInteger(value)) {
    throw new ConfigError(`${name} is invalid: "${env[name]}". Expected a whole number of at least 1.`);
  }
  return value;
}

/** The maximum rotation grace period, 7 days in seconds, as in the Svix API. */
export const MAX_ROTATION_GRACE_SECONDS = 604_800;

function parseGraceSeconds(raw: string | undefined): number {
  const text = nonEmpty(raw);
  if (text === undefined) return 86_400;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > MAX_ROTATION_GRACE_SECONDS) {
    throw new ConfigError(
      `HOOKLINE_SECRET_ROTATION_GRACE is invalid: "${raw}". Expected whole seconds from 0 to ${MAX_ROTATION_GRACE_SECONDS}.`,
    );
  }
  return value;
}

function parseSecretKind(raw: string | undefined): SecretKind {
  const kind = nonEmpty(raw)?.toLowerCase() ?? 'hmac';
  if (!SECRET_KINDS.includes(kind as SecretKind)) {
    throw new ConfigError(`HOOKLINE_DEFAULT_SECRET_KIND is invalid: "${raw}". Use hmac or ed25519.`);
  }
  return kind as SecretKind;
}

function parseMainKey(raw: string | undefined): string | undefined {
  const key = nonEmpty(raw);
  if (key !== undefined && key.length < MIN_MAIN_KEY_LENGTH) {
    throw new ConfigError(
      `HOOKLINE_MAIN_KEY is too short: it must have at least ${MIN_MAIN_KEY_LENGTH} characters. ` +
        'Generate one with: openssl rand -base64 32',
    );
  }
  return key;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** The maximum delivery timeout, in seconds. Node timers cannot wait much beyond 24 days. */
const MAX_DELIVERY_TIMEOUT_SECONDS = 3600;

function parseLogLevel(raw: string | undefined): string {
  const level = nonEmpty(raw)?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(`HOOKLINE_LOG_LEVEL is invalid: "${raw}". Use one of ${LOG_LEVELS.join(', ')}.`);
  }
  return level;
}

function parseList(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function parseBoolean(env: Env, name: string): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} is invalid: "${env[name]}". Expected true or false.`);
}

function parseTlsFiles(env: Env): { cert: string | undefined; key: string | undefined } {
  const cert = nonEmpty(env.HOOKLINE_TLS_CERT);
  const key = nonEmpty(env.HOOKLINE_TLS_KEY);
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError('HOOKLINE_TLS_CERT and HOOKLINE_TLS_KEY must be set together to serve HTTPS.');
  }
  return { cert, key };
}

function parseWebhookSecret(raw: string | undefined): string | undefined {
  const secret = nonEmpty(raw);
  if (secret !== undefined && !/^(whsec_)?[A-Za-z0-9+/=]{32,100}$/.test(secret)) {
    throw new ConfigError(
      'HOOKLINE_OPERATIONAL_WEBHOOK_SECRET is invalid. Expected whsec_ followed by 32 to 100 base64 characters.',
    );
  }
  return secret;
}

function nonEmpty(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** Five days: an endpoint failing that long without one success is disabled. */
export const DEFAULT_DISABLE_AFTER_SECONDS = 432_000;

export function loadConfig(env: Env = process.env): Config {
  const tls = parseTlsFiles(env);
  const listen = parseListen(env.HOOKLINE_LISTEN ?? '127.0.0.1:8071');
  const metricsListen = nonEmpty(env.HOOKLINE_METRICS_LISTEN);
  const listenText = listen.host.includes(':') ? `[${listen.host}]:${listen.port}` : `${listen.host}:${listen.port}`;

  return {
    listenHost: listen.host,
    listenPort: listen.port,
    databaseUrl: nonEmpty(env.HOOKLINE_DATABASE_URL) ?? 'sqlite:./data/hookline.db',
    adminToken: nonEmpty(env.HOOKLINE_ADMIN_TOKEN),
    mainKey: parseMainKey(env.HOOKLINE_MAIN_KEY),
    retryScheduleMs: parseRetrySchedule(env.HOOKLINE_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE),
    allowPrivateCidrs: parseList(env.HOOKLINE_ALLOW_PRIVATE_CIDRS),
    publicUrl: (nonEmpty(env.HOOKLINE_PUBLIC_URL) ?? `http://${listenText}`).replace(/\/+$/, ''),
    operationalWebhookUrl: nonEmpty(env.HOOKLINE_OPERATIONAL_WEBHOOK_URL),
    deliveryTimeoutMs: Math.round(
      parsePositiveNumber(env, 'HOOKLINE_DELIVERY_TIMEOUT', 15, MAX_DELIVERY_TIMEOUT_SECONDS) * 1000,
    ),
    workerConcurrency: parsePositiveInteger(env, 'HOOKLINE_WORKER_CONCURRENCY', 64),
    logLevel: parseLogLevel(env.HOOKLINE_LOG_LEVEL),
    logFormat: parseLogFormat(env.HOOKLINE_LOG_FORMAT),
    maxPayloadBytes: parsePositiveInteger(env, 'HOOKLINE_MAX_PAYLOAD_BYTES', 1024 * 1024),
    databasePoolSize: parsePositiveInteger(env, 'HOOKLINE_DATABASE_POOL_SIZE', 10),
    secretRotationGraceMs: parseGraceSeconds(env.HOOKLINE_SECRET_ROTATION_GRACE) * 1000,
    defaultSecretKind: parseSecretKind(env.HOOKLINE_DEFAULT_SECRET_KIND),
    validatePayloads: parseBoolean(env, 'HOOKLINE_VALIDATE_PAYLOADS'),
    httpsOnly: parseBoolean(env, 'HOOKLINE_HTTPS_ONLY'),
    tlsCertFile: tls.cert,
    tlsKeyFile: tls.key,
    tlsCaFile: nonEmpty(env.HOOKLINE_TLS_CA_FILE),
    disableAfterMs: Math.round(
      parsePositiveNumber(env, 'HOOKLINE_DISABLE_AFTER', DEFAULT_DISABLE_AFTER_SECONDS) * 1000,
    ),
    operationalWebhookSecret: parseWebhookSecret(env.HOOKLINE_OPERATIONAL_WEBHOOK_SECRET),
    endpointConcurrency: parsePositiveInteger(env, 'HOOKLINE_ENDPOINT_CONCURRENCY', 16),
    metricsToken: nonEmpty(env.HOOKLINE_METRICS_TOKEN),
    metricsListen: metricsListen === undefined ? undefined : parseListen(metricsListen, 'HOOKLINE_METRICS_LISTEN'),
  };
}
