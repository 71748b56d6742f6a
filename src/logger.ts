import { pino, type Logger } from 'pino';

/**
 * Creates the process logger, which writes JSON lines. HOOKLINE_LOG_FORMAT=pretty switches to
 * readable terminal output (needs the pino-pretty package). Secrets never go in log fields.
 */
export function createLogger(level: string, format = process.env.HOOKLINE_LOG_FORMAT): Logger {
  const options = {
    level,
    base: { service: 'hookline' },
    redact: { paths: ['req.headers.authorization', 'secret', 'token'], censor: '[redacted]' },
  };
  if (format === 'pretty') {
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
