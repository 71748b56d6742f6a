import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { openStore, redactUrl, sqlitePath, type Store } from '../store/database.js';
import { HooklineError } from '../errors.js';
import { stringOption, type OptionSpecs, type ParsedArgs } from './args.js';
import { CliError, ExitCode } from './errors.js';

/** The default of HOOKLINE_DATABASE_URL, the same as for `hookline serve`. */
const DEFAULT_DATABASE_URL = 'sqlite:./data/hookline.db';

export const DATABASE_OPTIONS: OptionSpecs = { database: { type: 'string' } };

export const DATABASE_OPTIONS_HELP = `  --database URL   the database hookline serve uses (default: HOOKLINE_DATABASE_URL, else
                   ${DEFAULT_DATABASE_URL})`;

/**
 * Errors of reaching the database rather than of its contents: network errors, and the
 * PostgreSQL codes for a starting server (57P03), an unknown database (3D000) and a rejected
 * login (28P01, 28000).
 */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P03',
  '3D000',
  '28P01',
  '28000',
]);

/**
 * Opens the database that `hookline serve` uses, without migrating it: a CLI of another
 * version must not change the schema under a running server. A SQLite file that does not
 * exist is an error rather than a new empty database, so a wrong path is noticed at once.
 */
export async function openServerDatabase(args: ParsedArgs, env = process.env): Promise<Store> {
  const url = stringOption(args, 'database') ?? (env.HOOKLINE_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL);
  const shown = redactUrl(url);
  let store: Store;
  try {
    if (url.startsWith('sqlite:') && sqlitePath(url) !== ':memory:' && !existsSync(sqlitePath(url))) {
      const detail =
        `No SQLite database at ${sqlitePath(url)}. ` +
        'Set HOOKLINE_DATABASE_URL or --database to the URL that hookline serve uses.';
      throw new CliError(ExitCode.notFound, detail);
    }
    store = await openStore(url, { poolSize: 2, migrate: false });
  } catch (error) {
    if (error instanceof HooklineError) throw new CliError(ExitCode.usage, error.message);
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      const detail =
        `${sqlitePath(url)} is not a SQLite database. ` +
        'Set HOOKLINE_DATABASE_URL or --database to the URL that hookline serve uses.';
      throw new CliError(ExitCode.notFound, detail, { cause: error });
    }
    throw error;
  }

  try {
    // Any Hookline table proves the schema exists; api_tokens is in the first migration.
    await sql`select 1 from api_tokens limit 1`.execute(store.db);
  } catch (error) {
    await store.close().catch(() => {});
    const code = (error as { code?: string }).code ?? '';
    const reason = error instanceof Error ? error.message : String(error);
    if (CONNECTION_ERROR_CODES.has(code) || /connect|timeout/i.test(reason)) {
      const detail = `Cannot connect to the database ${shown}: ${reason}. Check HOOKLINE_DATABASE_URL or --database.`;
      throw new CliError(ExitCode.network, detail, { cause: error });
    }
    const detail =
      `The database ${shown} has no Hookline tables (${reason}). ` +
      'Start hookline serve on it once, or check HOOKLINE_DATABASE_URL.';
    throw new CliError(ExitCode.notFound, detail, { cause: error });
  }
  return store;
}
