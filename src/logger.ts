import { pino, type Logger } from 'pino';
import { ConfigError } from './errors.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Parses HOOKLINE_LOG_FORMAT; undefined (unset) means pretty on a terminal, JSON otherwise. */
export function parseLogFormat(raw: string | undefined): LogFormat | undefined {
  const format = raw?.trim().toLowerCase();
  if (format === undefined || format === '') return undefined;
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`HOOKLINE_LOG_FORMAT is invalid: "${raw}". Use json or pretty, or leave it unset.`);
  }
  return format as LogFormat;
}

/**
 * Creates the process logger. It writes JSON lines, unless `format` is pretty or is unset while
 * stdout is a terminal: then it writes readable, coloured lines through pino-pretty.
 * Secrets never go in log fields; the redaction below is a second line of defence.
 */
export function createLogger(
  level: string,
  format = parseLogFormat(process.env.HOOKLINE_LOG_FORMAT),
  isTerminal = process.stdout.isTTY === true,
): Logger {
  const options = {
    level,
    base: { service: 'hookline' },
    redact: { paths: ['req.headers.authorization', 'secret', 'token'], censor: '[redacted]' },
  };
  if ((format ?? (isTerminal ? 'pretty' : 'json')) === 'pretty') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

/**
 * Caps how often one kind of log line is written: at most `max` per `intervalMs`. The first
 * line after a quiet spell carries the count of lines suppressed before it.
 */
export class LogLimiter {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly max: number,
    private readonly intervalMs: number,
  ) {}

  /** Returns null when the line should be dropped, else the number dropped since the last one. */
  take(now = Date.now()): number | null {
    if (now - this.windowStart >= this.intervalMs) {
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written >= this.max) {
      this.suppressed++;
      return null;
    }
    this.written++;
    const dropped = this.suppressed;
    this.suppressed = 0;
    return dropped;
  }
}

/**
 * A LogLimiter per key, such as an endpoint id, so one failing endpoint cannot use up the
 * lines of the others. It keeps at most `maxKeys` keys: past that the least recently used key
 * is forgotten, along with its count of dropped lines.
 */
export class KeyedLogLimiter {
  private readonly limiters = new Map<string, LogLimiter>();

  constructor(
    private readonly max: number,
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Returns null when the line should be dropped, else the number dropped since the last one. */
  take(key: string, now = Date.now()): number | null {
    let limiter = this.limiters.get(key);
    if (limiter === undefined) {
      limiter = new LogLimiter(this.max, this.intervalMs);
      if (this.limiters.size >= this.maxKeys) this.limiters.delete(this.limiters.keys().next().value!);
    } else {
      // Re-inserting moves the key to the end, so the first key is the least recently used.
      this.limiters.delete(key);
    }
    this.limiters.set(key, limiter);
    return limiter.take(now);
  }

  get size(): number {
    return this.limiters.size;
  }
}
