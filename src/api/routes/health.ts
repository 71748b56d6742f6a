import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { RouteContext } from '../server.js';
import { healthSchemas } from '../openapi/operations/platform.js';

export function healthRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get('/api/v1/health', { schema: healthSchemas.get }, async (request, reply) => {
    try {
      await sql`select 1`.execute(store.db);
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unreachable');
      return reply.code(503).send({ code: 'database_unavailable', detail: 'The database is unreachable.' });
    }
    return reply.code(204).send();
  });

  app.get('/api/v1/health/ping', { schema: healthSchemas.ping }, async (_request, reply) => reply.code(204).send());
}
