import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ConfigError } from '../errors.js';
import { GroupCommit } from './group-commit.js';
import { migrateToLatest } from './migrations.js';
import { cachingConnection } from './statement-cache.js';
import type { Database } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  /** Runs write transactions with group commit; see group-commit.ts. */
  writes: GroupCommit;
  engine: Engine;
  /** The PostgreSQL pool, for LISTEN/NOTIFY; null on SQLite. */
  pool: pg.Pool | null;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
  /** Receives errors of PostgreSQL connections outside a query, such as a server restart. */
  onConnectionError?: (error: Error) => void;
  /** Applies pending migrations; true by default. Tools that only read or add rows skip it. */
  migrate?: boolean;
}

/** Session-level advisory lock that serializes schema setup across processes. */
const MIGRATION_LOCK_ID = 7_041_226_311;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// int8 columns (times in milliseconds) arrive as strings by default; they fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Resolves `sqlite:./path`, `sqlite:/abs/path` and `sqlite://./path` to a file path. */
export function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length).replace(/^\/\/(?=[./])/, '');
  if (rest === '') throw new ConfigError(`HOOKLINE_DATABASE_URL has no file path: "${url}".`);
  return rest === ':memory:' ? rest : resolve(rest);
}

/** Hides the password of a database URL for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function openSqlite(url: string): Store {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  const connection = new SqliteDatabase(path);
  connection.pragma('journal_mode = WAL');
  // FULL makes each commit survive power loss, not only a killed process: an accepted
  // message is one the API has returned 2xx for, so it must reach the disk first. The worker's
  // claims and attempt results commit with NORMAL instead (see GroupCommit's `durable`).
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingConnection(connection) }) });
  return { db, engine: 'sqlite', pool: null, writes: new GroupCommit(db, { engine: 'sqlite' }), close: () => db.destroy() };
}

/**
 * Splits Hookline's own `schema` parameter off a PostgreSQL URL. The rest goes to `pg`
 * unchanged, so its parameters (sslmode, application_name, ...) keep working.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`HOOKLINE_DATABASE_URL is not a valid URL: "${redactUrl(url)}".`);
  }
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new ConfigError(
      `The schema "${schema}" in HOOKLINE_DATABASE_URL is invalid. Use lower-case letters, digits and _.`,
    );
  }
  return { connectionString: parsed.toString(), schema };
}

function openPostgres(url: string, options: StoreOptions): Store {
  const { connectionString, schema } = parsePostgresUrl(url);
  const poolSize = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // Fail fast while the database is unreachable, so API requests get 503 instead of hanging:
    // connecting gives up after 5 s, and a query with no reply (a silent network) after 10 s.
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A client that loses its connection emits 'error': on the pool while idle, on the client
  // itself while checked out. Without listeners either would crash the process. Queries in
  // flight still fail with the error, and the pool drops the dead client when it is released.
  pool.on('error', (error) => options.onConnectionError?.(error));
  pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    pool,
    // Half the pool commits batches, leaving connections for reads and the worker's claims.
    writes: new GroupCommit(db, { engine: 'postgres', concurrency: Math.max(1, Math.floor(poolSize / 2)) }),
    close: () => db.destroy(),
  };
}

/**
 * Creates the schema if needed and applies migrations while holding an advisory lock, so
 * several processes starting at once against one database do not race.
 */
async function preparePostgres(store: Store, schema: string | null): Promise<void> {
  await store.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
    try {
      if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(connection);
      await migrateToLatest(connection as Kysely<unknown>);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
    }
  });
}

/** Opens the database named by `url` and applies pending migrations unless `migrate` is false. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const migrate = options.migrate ?? true;
  if (url.startsWith('sqlite:')) {
    const store = openSqlite(url);
    if (migrate) await migrateToLatest(store.db as Kysely<unknown>);
    return store;
  }

  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const store = openPostgres(url, options);
    try {
      if (migrate) await preparePostgres(store, parsePostgresUrl(url).schema);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  throw new ConfigError(
    `HOOKLINE_DATABASE_URL is not supported: "${redactUrl(url)}". ` +
      'Use sqlite:./path/to/file.db or postgres://user:password@host:5432/database.',
  );
}
