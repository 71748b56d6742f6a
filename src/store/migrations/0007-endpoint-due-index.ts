import type { Kysely, Migration } from 'kysely';

/**
 * Indexes deliveries by endpoint, status and due time, so a claim finds an endpoint's earliest
 * due deliveries without reading those of endpoints that have no room. It replaces the index on
 * (endpoint_id, status), which is its prefix.
 */
export const endpointDueIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('deliveries_endpoint_due')
      .on('deliveries')
      .columns(['endpoint_id', 'status', 'next_attempt_at'])
      .execute();
    await db.schema.dropIndex('deliveries_endpoint').execute();
  },
};
