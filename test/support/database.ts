import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

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
