import type { Kysely, Migration } from 'kysely';

/**
 * Stores the request headers of each attempt, with sensitive values masked, and indexes
 * attempts by endpoint and time for the endpoint health history. Attempts made before this
 * migration keep a null `request_headers`.
 */
export const attemptHeaders: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('attempts').addColumn('request_headers', 'text').execute();
    await db.schema.createIndex('attempts_endpoint_time').on('attempts').columns(['endpoint_id', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('attempts_endpoint_time').execute();
    await db.schema.alterTable('attempts').dropColumn('request_headers').execute();
  },
};
