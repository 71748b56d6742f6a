import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ConfigError } from '../errors.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type Engine = 'sqlite';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

/** Resolves `sqlite:./path`, `sqlite:/abs/path` and `sqlite://./path` to a file path. */
export function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length).replace(/^\/\/(?=[./])/, '');
  if (rest === '') throw new ConfigError(`HOOKLINE_DATABASE_URL has no file path: "${url}".`);
  return rest === ':memory:' ? rest : resolve(rest);
}

function openSqlite(url: string): Store {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  const connection = new SqliteDatabase(path);
  connection.pragma('journal_mode = WAL');
  // FULL makes each commit survive power loss, not only a killed process: an accepted
  // message is one the API has answered 2xx for, so it must reach the disk first.
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

/** Opens the database named by `url` and applies pending migrations. */
export async function openStore(url: string): Promise<Store> {
  if (!url.startsWith('sqlite:')) {
    throw new ConfigError(
      `HOOKLINE_DATABASE_URL is not supported: "${url.replace(/\/\/[^@/]*@/, '//***@')}". Use sqlite:./path/to/file.db.`,
    );
  }
  const store = openSqlite(url);
  await migrateToLatest(store.db as Kysely<unknown>);
  return store;
}
