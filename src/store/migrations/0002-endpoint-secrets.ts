import type { Kysely, Migration } from 'kysely';

/**
 * Keeps the secrets an endpoint had before its last rotations, and adds a table of server
 * settings that holds the check value of the secret encryption key.
 */
export const endpointSecrets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('endpoints')
      .addColumn('previous_secrets', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
