import type { Kysely, Migration } from 'kysely';

/**
 * Creates the tables for inbound sources and their rejection counts. Each source is backed by
 * an application whose endpoints are the source's destinations, so accepted requests travel
 * through the outbound delivery pipeline.
 */
export const inbound: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ingest_sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('uid', 'text', (c) => c.unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ingest_rejections')
      .addColumn('source_id', 'text', (c) => c.notNull().references('ingest_sources.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_rejections_pk', ['source_id', 'reason'])
      .execute();
  },
};
