import { loadConfig } from '../../config.js';
import { ROLES, type Role } from '../../hookline.js';
import { createLogger } from '../../logger.js';
import { stringOption, type Command } from '../args.js';
import { UsageError } from '../errors.js';
import { serve } from '../serve.js';

/** Returned by `run` while the server keeps the process alive; main sets no exit code. */
export const KEEP_RUNNING = -1;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the API and run the delivery worker (what npm start runs).',
  help: `Usage: hookline serve [--role all|api|worker]

Serves the API and runs the delivery worker in one process until SIGTERM or SIGINT, then
finishes the attempts in flight and exits. Settings come from HOOKLINE_* environment
variables; "hookline help" lists them.

Options:
  --role ROLE      all (default): API and worker; api: only the API; worker: only delivers
`,
  options: { role: { type: 'string' } },
  positionals: [],
  async run(args) {
    const role = stringOption(args, 'role') ?? 'all';
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`Invalid --role "${role}". Use all, api or worker.`, 'serve');
    }
    await serve(loadConfig(), createLogger, role as Role);
    return KEEP_RUNNING;
  },
};
