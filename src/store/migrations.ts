import { Kysely, Migrator, type Migration, type MigrationProvider } from 'kysely';
import { initial } from './migrations/0001-initial.js';
import { hardening } from './migrations/0005-hardening.js';

/**
 * Schema changes, applied in name order at start. Never edit one that has shipped; add a file
 * under migrations/ and list it here.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0005_hardening': hardening,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/**
 * Applies pending migrations. On PostgreSQL, `schema` names where Kysely keeps its bookkeeping
 * tables; without it Kysely would find a same-named table in any schema of the database.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

