import { sql, type Kysely, type Migration } from 'kysely';

/** 90 days in milliseconds: Svix's default payload retention. */
const DEFAULT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Adds payload retention to messages, application scope and expiry to API tokens, and the
 * background_tasks table that stores endpoint recovery jobs so they survive a restart.
 */
export const operations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('payload_expires_at', 'bigint').execute();
    await sql`update messages set payload_expires_at = created_at + ${DEFAULT_RETENTION_MS}`.execute(db);
    await db.schema
      .createIndex('messages_payload_expiry')
      .on('messages')
      .column('payload_expires_at')
      .execute();

    await db.schema.alterTable('api_tokens').addColumn('app_id', 'text').execute();
    await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
    await db.schema
      .alterTable('api_tokens')
      .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('background_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('background_tasks_status').on('background_tasks').column('status').execute();
  },
};
