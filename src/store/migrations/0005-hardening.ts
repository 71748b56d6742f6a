import type { Kysely, Migration } from 'kysely';

/**
 * Adds per-endpoint delivery state shared by every worker: the throttle slot, the backoff
 * after 429/503/Retry-After, and the start of the current run of failures.
 */
export const hardening: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('endpoint_health')
      .addColumn('endpoint_id', 'text', (c) => c.primaryKey().references('endpoints.id').onDelete('cascade'))
      .addColumn('next_send_at', 'bigint', (c) => c.notNull())
      .addColumn('paused_until', 'bigint', (c) => c.notNull())
      .addColumn('backoff_level', 'integer', (c) => c.notNull())
      .addColumn('failing_since', 'bigint')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('endpoint_health').execute();
  },
};
