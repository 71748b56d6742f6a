import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createHookline, type Role } from '../hookline.js';
import { VERSION } from '../version.js';

/** Runs the server until SIGTERM or SIGINT, then drains the worker and exits. */
export async function serve(
  config: Config,
  createLogger: (level: string) => Logger,
  role: Role,
): Promise<void> {
  const logger = createLogger(config.logLevel);
  const hookline = await createHookline(config, logger, role);

  if (hookline.generatedToken) {
    // Printed once to stderr, outside the structured log on stdout, because logs must never
    // contain tokens.
    process.stderr.write(
      `\nNo HOOKLINE_ADMIN_TOKEN was set, so an API token was generated. It is shown only now:\n\n` +
        `  ${hookline.generatedToken}\n\n` +
        `Store it safely; Hookline keeps only its hash. Setting HOOKLINE_ADMIN_TOKEN later\n` +
        `replaces it.\n\n`,
    );
  }

  if (hookline.generatedOperationalSecret) {
    process.stderr.write(
      `\nNo HOOKLINE_OPERATIONAL_WEBHOOK_SECRET was set, so a signing secret for operational\n` +
        `webhooks was generated and stored. It is shown only now:\n\n` +
        `  ${hookline.generatedOperationalSecret}\n\n` +
        `Verify operational webhooks with it, or set HOOKLINE_OPERATIONAL_WEBHOOK_SECRET to replace it.\n\n`,
    );
  }

  const address = await hookline.listen();
  const database = config.databaseUrl.split(':')[0];
  const metricsAddress = hookline.metricsAddress();
  logger.info({ address, role, version: VERSION, database, metricsAddress }, 'hookline started');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal received, exiting without draining');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight deliveries');
    hookline.close().then(
      () => {
        logger.info('hookline stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
