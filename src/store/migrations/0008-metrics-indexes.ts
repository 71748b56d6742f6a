import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes the disabled endpoints, which /metrics counts at every scrape. The index is partial,
 * so it stays as small as the number of disabled endpoints.
 */
export const metricsIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('endpoints_disabled')
      .on('endpoints')
      .column('disabled')
      .where(sql.ref('disabled'), '=', 1)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('endpoints_disabled').execute();
  },
};
