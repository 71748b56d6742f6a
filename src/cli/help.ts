/** The part of `hookline help` after the command list: exit codes and settings. */
export const HELP_FOOTER = `
Exit codes: 0 success, 1 other failure (such as a server error), 2 invalid command, option
or value, 3 not found, 4 authentication failed or not allowed, 5 Hookline or its database
unreachable, 6 signature not verified (verify).

Commands that use the HTTP API (apps, endpoints, messages, resend, recover) read:
  HOOKLINE_URL               Hookline's base URL (default http:// + HOOKLINE_LISTEN)
  HOOKLINE_TOKEN             API token (default HOOKLINE_ADMIN_TOKEN)
Commands that open the database (tail, token) read HOOKLINE_DATABASE_URL.

Settings of serve come from environment variables (the README has the full table):
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
