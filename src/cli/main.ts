#!/usr/bin/env node
import { loadConfig } from '../config.js';
import { HooklineError } from '../errors.js';
import { createLogger } from '../logger.js';
import { VERSION } from '../version.js';
import { serve } from './serve.js';

const HELP = `Hookline ${VERSION}: a self-hosted webhook gateway.

Usage: hookline <command>

Commands:
  serve        Serve the API and run the delivery worker in one process (what npm start runs).
  help         Show this help.
  version      Print the version.

Settings come from environment variables; the README lists them all:
  HOOKLINE_LISTEN            host:port to listen on (default 127.0.0.1:8071)
  HOOKLINE_DATABASE_URL      storage (default sqlite:./data/hookline.db)
  HOOKLINE_ADMIN_TOKEN       API token; when unset on first start one is generated and printed once
  HOOKLINE_RETRY_SCHEDULE    seconds between attempts (default 5,300,1800,7200,18000,36000,36000)
  HOOKLINE_ALLOW_PRIVATE_CIDRS  internal ranges that may be delivered to (default: none)
  HOOKLINE_DELIVERY_TIMEOUT  seconds to wait for an endpoint's response (default 15)
  HOOKLINE_LOG_LEVEL         trace, debug, info, warn or error (default info)
`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'serve':
      await serve(loadConfig(), createLogger);
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
    const message = error instanceof HooklineError ? error.message : String((error as Error)?.stack ?? error);
    process.stderr.write(`hookline: ${message}\n`);
    process.exitCode = 1;
  },
);
