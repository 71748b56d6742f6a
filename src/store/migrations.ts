import type { Kysely, Migration } from 'kysely';
import { initial } from './migrations/0001-initial.js';
import { endpointSecrets } from './migrations/0002-endpoint-secrets.js';
import { operations } from './migrations/0003-operations.js';
import { inbound } from './migrations/0004-inbound.js';
import { hardening } from './migrations/0005-hardening.js';
import { attemptHeaders } from './migrations/0006-attempt-headers.js';
import { endpointDueIndex } from './migrations/0007-endpoint-due-index.js';
import { metricsIndexes } from './migrations/0008-metrics-indexes.js';

/**
 * Schema changes, applied in name order at start. Never edit one that has shipped; add a file
 * under migrations/ and list it here.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_endpoint_secrets': endpointSecrets,
  '0003_operations': operations,
  '0004_inbound': inbound,
  '0005_hardening': hardening,
  '0006_attempt_headers': attemptHeaders,
  '0007_endpoint_due_index': endpointDueIndex,
  '0008_metrics_indexes': metricsIndexes,
};

/** Records which migrations ran, in the same schema as Hookline's tables. */
const MIGRATION_TABLE = 'hookline_migrations';

/**
 * Applies pending migrations in name order, each in its own transaction together with its
 * record. It looks only at its own table: a migrator that lists every schema's tables fails
 * when another process drops a schema meanwhile. On PostgreSQL the caller holds an advisory
 * lock, so processes starting together apply each migration once.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  // The tables differ per migration, so the builder is used untyped here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const untyped = db as Kysely<any>;
  await untyped.schema
    .createTable(MIGRATION_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('applied_at', 'bigint', (column) => column.notNull())
    .execute();

  const rows = (await untyped.selectFrom(MIGRATION_TABLE).select('name').execute()) as Array<{ name: string }>;
  const applied = new Set(rows.map((row) => row.name));
  for (const name of Object.keys(migrations).sort()) {
    if (applied.has(name)) continue;
    await untyped.transaction().execute(async (trx) => {
      await migrations[name]!.up(trx);
      await trx.insertInto(MIGRATION_TABLE).values({ name, applied_at: Date.now() }).execute();
    });
  }
}
