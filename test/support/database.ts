import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.js';

/**
 * Test databases. HOOKLINE_TEST_ENGINE picks the engine (sqlite by default); on PostgreSQL
 * each test server gets its own schema in HOOKLINE_TEST_POSTGRES_URL, dropped on close
 * unless HOOKLINE_TEST_KEEP_SCHEMA is set (to inspect it after a failure).
 */
export const TEST_ENGINE = process.env.HOOKLINE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_POSTGRES_URL =
  process.env.HOOKLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  /** The PostgreSQL schema, or null on SQLite. */
  schema: string | null;
  drop(): Promise<void>;
}

/** Runs `statement` on the test PostgreSQL server with a short-lived connection. */
export async function postgresQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  statement: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<T>(statement, values)).rows;
  } finally {
    await client.end();
  }
}

export function createTestDatabase(dir: string, postgresUrl = TEST_POSTGRES_URL): TestDatabase {
  if (TEST_ENGINE === 'sqlite') {
    return { url: `sqlite:${join(dir, 'hookline.db')}`, schema: null, drop: async () => {} };
  }

  const schema = `hl_test_${randomBytes(6).toString('hex')}`;
  const separator = postgresUrl.includes('?') ? '&' : '?';
  return {
    url: `${postgresUrl}${separator}schema=${schema}`,
    schema,
    async drop() {
      if (process.env.HOOKLINE_TEST_KEEP_SCHEMA) return;
      await postgresQuery(`drop schema if exists ${schema} cascade`);
    },
  };
}

/**
 * Opens a store on a fresh test database before the enclosing suite runs and closes and drops
 * it afterwards. Read `store` inside the tests, once the suite has started.
 */
export function suiteStore(prefix: string): { readonly store: Store } {
  let dir: string;
  let database: TestDatabase;
  let store: Store | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `hookline-${prefix}-`));
    database = createTestDatabase(dir);
    store = await openStore(database.url);
  });
  after(async () => {
    await store?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get store() {
      if (!store) throw new Error('The suite store is read before the suite started.');
      return store;
    },
  };
}
