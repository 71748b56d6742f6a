import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; `in (?, ?, ...)` lists make one text per list length. */
const DEFAULT_CAPACITY = 256;

/**
 * Wraps a better-sqlite3 connection for Kysely so each distinct SQL text is prepared once.
 * Kysely calls the connection's prepare for every query it runs, and preparing costs more than
 * running most of Hookline's statements. The least recently used statement is dropped when
 * the cache is full.
 */
export function cachingConnection(
  connection: SqliteDatabase.Database,
  capacity = DEFAULT_CAPACITY,
): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still being iterated (a streamed query) cannot run again until it ends.
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = connection.prepare(sql);
      if (cached) return statement;
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
