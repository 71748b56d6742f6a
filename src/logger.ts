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
