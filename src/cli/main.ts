#!/usr/bin/env node
import { loadConfig } from '../config.js';
import { HooklineError } from '../errors.js';
import { ROLES, type Role } from '../hookline.js';
import { createLogger } from '../logger.js';
import { VERSION } from '../version.js';
import { serve } from './serve.js';

const HELP = `Hookline ${VERSION}: a self-hosted webhook gateway.

Usage: hookline <command> [options]

Commands:
  serve [--role all|api|worker]
               Serve the API and run the delivery worker (what npm start runs). --role api
               serves only the API, --role worker only delivers; the default is all.
  help         Show this help.
  version      Print the version.

Settings come from environment variables (the README has the full table):
  HOOKLINE_LISTEN            host:port to listen on (default 127.0.0.1:8071)
  HOOKLINE_DATABASE_URL      storage: sqlite:./path.db (default sqlite:./data/hookline.db)
                             or postgres://user:password@host:5432/database[?schema=name]
  HOOKLINE_ADMIN_TOKEN       API token; when unset on first start one is generated and printed once
  HOOKLINE_RETRY_SCHEDULE    seconds between attempts (default 5,300,1800,7200,18000,36000,36000)
  HOOKLINE_ALLOW_PRIVATE_CIDRS  internal ranges that may be delivered to (default: none)
  HOOKLINE_DATABASE_POOL_SIZE  PostgreSQL connections per process (default 10)
  HOOKLINE_DELIVERY_TIMEOUT  seconds to wait for an endpoint's response, up to 3600 (default 15)
  HOOKLINE_WORKER_CONCURRENCY  attempts in flight at once (default 64)
  HOOKLINE_MAX_PAYLOAD_BYTES largest API request body in bytes (default 1048576)
  HOOKLINE_LOG_LEVEL         trace, debug, info, warn, error, fatal or silent (default info)
  HOOKLINE_LOG_FORMAT        json or pretty (default: pretty on a terminal, else JSON lines)
  HOOKLINE_METRICS_TOKEN     bearer token GET /metrics requires (default unset: no token needed)
  HOOKLINE_METRICS_LISTEN    host:port serving only /metrics, for --role worker (default unset)
  HOOKLINE_MAIN_KEY          key that encrypts endpoint secrets at rest, 16 characters or more
                             (default unset: secrets are stored in clear)
  HOOKLINE_SECRET_ROTATION_GRACE  seconds a rotated-out secret keeps signing (default 86400)
  HOOKLINE_DEFAULT_SECRET_KIND  hmac or ed25519: the kind of new endpoint secrets (default hmac)
  HOOKLINE_VALIDATE_PAYLOADS true to check payloads against event type schemas (default false)
  HOOKLINE_PUBLIC_URL        base URL providers use to reach Hookline (builds ingestUrl)
  HOOKLINE_OPERATIONAL_WEBHOOK_URL, HOOKLINE_OPERATIONAL_WEBHOOK_SECRET
                             where Hookline sends its own signed events, and their secret
  HOOKLINE_HTTPS_ONLY        true rejects http endpoint URLs (default false)
  HOOKLINE_TLS_CERT, HOOKLINE_TLS_KEY  PEM files to serve the API over HTTPS
  HOOKLINE_TLS_CA_FILE       extra CA certificates trusted for deliveries
  HOOKLINE_ENDPOINT_CONCURRENCY  attempts in flight to one endpoint (default 16)
  HOOKLINE_DISABLE_AFTER     seconds of failure before an endpoint is disabled (default 432000)
`;

function parseRole(args: string[]): Role {
  let role: string = 'all';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--role') role = args[++i] ?? '';
    else if (arg.startsWith('--role=')) role = arg.slice('--role='.length);
    else throw new UsageError(`Unknown option "${arg}" for serve.`);
  }
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`Invalid --role "${role}". Use all, api or worker.`);
  }
  return role as Role;
}

/** Turns a startup failure into one line an operator can act on. */
function describeStartupError(error: unknown): string {
  if (error instanceof HooklineError) return error.message;
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EADDRINUSE') return `${message}. Another process uses that address; set HOOKLINE_LISTEN to a free one.`;
  if (code === 'EACCES') return `${message}. Permission denied; check HOOKLINE_LISTEN and HOOKLINE_DATABASE_URL.`;
  if (process.env.HOOKLINE_LOG_LEVEL === 'debug' && error instanceof Error) return error.stack ?? message;
  return `${message}${code ? ` (${code})` : ''}. Set HOOKLINE_LOG_LEVEL=debug for the stack trace.`;
}

class UsageError extends HooklineError {
  constructor(detail: string) {
    super('usage', 2, `${detail} Run "hookline help" for usage.`);
  }
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'serve':
      await serve(loadConfig(), createLogger, parseRole(argv.slice(1)));
      return -1;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hookline: ${describeStartupError(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
