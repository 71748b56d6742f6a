import { findApplication } from '../../store/applications.js';
import { generateToken, insertToken, RESERVED_TOKEN_NAMES } from '../../store/tokens.js';
import { flagOption, parseDurationMs, parseTime, stringOption, type Command, type ParsedArgs } from '../args.js';
import { DATABASE_OPTIONS, DATABASE_OPTIONS_HELP, openServerDatabase } from '../database.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { formatTime, printJson } from '../output.js';

const DEFAULT_NAME = 'created with hookline token create';

/** Reads --expires-in or --expires-at as Unix milliseconds; undefined means no expiry. */
function readExpiry(args: ParsedArgs, now: number): number | undefined {
  const expiresIn = stringOption(args, 'expires-in');
  const expiresAt = stringOption(args, 'expires-at');
  if (expiresIn !== undefined && expiresAt !== undefined) {
    throw new UsageError('Use --expires-in or --expires-at, not both.', 'token');
  }
  if (expiresIn !== undefined) {
    const duration = parseDurationMs(expiresIn);
    if (duration === undefined || duration <= 0) {
      throw new UsageError(`Invalid --expires-in "${expiresIn}": expected a duration such as 12h, 30d or 1w.`, 'token');
    }
    return now + duration;
  }
  if (expiresAt === undefined) return undefined;
  const millis = parseTime(expiresAt, 'expires-at', 'token', now);
  // A duration in --expires-at would mean "ago", which is always in the past.
  if (millis <= now) throw new UsageError(`--expires-at "${expiresAt}" is not in the future.`, 'token');
  return millis;
}

function readName(args: ParsedArgs): string {
  const name = stringOption(args, 'name') ?? DEFAULT_NAME;
  if (name.trim() === '' || name.length > 200) throw new UsageError('--name must have 1 to 200 characters.', 'token');
  if (RESERVED_TOKEN_NAMES.includes(name)) {
    throw new UsageError(`--name "${name}" is reserved for the token that hookline serve manages.`, 'token');
  }
  return name;
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Create an API token, for everything or for one application.',
  help: `Usage: hookline token create [options]

Creates an API token and prints it once on stdout; other details go to stderr. Hookline
stores only its SHA-256 hash, so a lost token cannot be shown again: create a new one.
This writes to the database directly (HOOKLINE_MAIN_KEY is not needed), so run it where
hookline serve's database is reachable. The server need not be running.

Options:
  --app APP          confine the token to application APP (id or uid), like an app portal
                     token: other applications return 404 and global routes 403
  --read-only        with --app: the token may only read (GET)
  --name NAME        a label stored with the token (default "${DEFAULT_NAME}")
  --expires-in DUR   the token expires after DUR: 90s, 15m, 12h, 30d, 1w (default: never)
  --expires-at TIME  the token expires at TIME, an ISO 8601 date-time such as 2027-01-01T00:00:00Z
  --json             print { id, token, name, appId, readOnly, expiresAt } as JSON
${DATABASE_OPTIONS_HELP}
`,
  options: {
    ...DATABASE_OPTIONS,
    app: { type: 'string' },
    'read-only': { type: 'boolean' },
    name: { type: 'string' },
    'expires-in': { type: 'string' },
    'expires-at': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['ACTION'],
  async run(args) {
    if (args.positionals[0] !== 'create') {
      throw new UsageError(`Unknown action "${args.positionals[0]}": the only action is create.`, 'token');
    }
    const now = Date.now();
    const expiresAt = readExpiry(args, now);
    const name = readName(args);
    const appRef = stringOption(args, 'app');
    const readOnly = flagOption(args, 'read-only');
    if (readOnly && appRef === undefined) {
      throw new UsageError('--read-only needs --app: admin tokens are never read-only.', 'token');
    }

    const store = await openServerDatabase(args);
    try {
      const application = appRef === undefined ? undefined : await findApplication(store.db, appRef);
      if (appRef !== undefined && !application) {
        throw new CliError(ExitCode.notFound, `Application not found: ${appRef}. List them with "hookline apps".`);
      }
      const token = generateToken(application ? 'hlapp_' : 'hl_');
      const id = await insertToken(store.db, token, name, { appId: application?.id, expiresAt, readOnly });
      const created = { id, token, name, appId: application?.id ?? null, readOnly, expiresAt };
      printCreated(created, flagOption(args, 'json'));
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};

interface CreatedToken {
  id: string;
  token: string;
  name: string;
  appId: string | null;
  readOnly: boolean;
  expiresAt: number | undefined;
}

function printCreated(created: CreatedToken, json: boolean): void {
  const expiresAt = created.expiresAt === undefined ? null : new Date(created.expiresAt).toISOString();
  if (json) {
    printJson({ ...created, expiresAt });
    return;
  }
  const reach = created.appId ? `application ${created.appId}${created.readOnly ? ', read-only' : ''}` : 'admin';
  const expiry = expiresAt ? `expires ${formatTime(expiresAt)}` : 'never expires';
  process.stdout.write(`${created.token}\n`);
  process.stderr.write(
    `Created token ${created.id} (${reach}, ${expiry}). It is shown only now; Hookline keeps only its hash.\n`,
  );
}
