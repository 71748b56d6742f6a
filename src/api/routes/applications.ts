import type { FastifyInstance } from 'fastify';
import {
  deleteApplication,
  findApplication,
  insertApplication,
  listApplications,
  requireApplication,
  updateApplication,
  type ApplicationFields,
  type ApplicationRow,
} from '../../store/applications.js';
import { validateMetadata } from '../endpoint-input.js';
import { assertNotIdShaped, assertSameUid } from '../path-params.js';
import { readBoolean, readPage } from '../query.js';
import { applicationOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { applicationSchemas } from '../openapi/operations/applications.js';

interface ApplicationBody {
  name?: string;
  uid?: string | null;
  rateLimit?: number | null;
  throttleRate?: number | null;
  metadata?: Record<string, string>;
}

type AppParams = { app_id: string };

export function applicationFields(body: ApplicationBody, base?: ApplicationRow): ApplicationFields {
  assertNotIdShaped(body.uid, 'app', ['body', 'uid']);
  return {
    name: body.name ?? base?.name ?? '',
    uid: body.uid !== undefined ? body.uid : (base?.uid ?? null),
    rateLimit: body.rateLimit !== undefined ? body.rateLimit : (base?.rate_limit ?? null),
    throttleRate: body.throttleRate !== undefined ? body.throttleRate : (base?.throttle_rate ?? null),
    metadata: body.metadata ? validateMetadata(body.metadata) : (base ? (JSON.parse(base.metadata) as Record<string, string>) : {}),
  };
}

export function applicationRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const { db } = store;

  app.get('/api/v1/app', { schema: applicationSchemas.list }, async (request) => {
    const page = await listApplications(db, readPage(request.query as never, 'ascending'));
    return pageOut(page, applicationOut);
  });

  app.post<{ Body: ApplicationBody }>('/api/v1/app', { schema: applicationSchemas.create }, async (request, reply) => {
    const body = request.body;
    if (readBoolean(request.query as never, 'get_if_exists', false) && body.uid) {
      const existing = await findApplication(db, body.uid);
      if (existing) return reply.code(200).send(applicationOut(existing));
    }
    const row = await insertApplication(db, applicationFields(body));
    request.log.info({ appId: row.id }, 'application created');
    return reply.code(201).send(applicationOut(row));
  });

  app.get<{ Params: AppParams }>('/api/v1/app/:app_id', { schema: applicationSchemas.get }, async (request) =>
    applicationOut(await requireApplication(db, request.params.app_id)),
  );

  app.put<{ Params: AppParams; Body: ApplicationBody }>(
    '/api/v1/app/:app_id',
    { schema: applicationSchemas.update },
    async (request, reply) => {
      const existing = await findApplication(db, request.params.app_id);
      if (!existing) {
        // PUT creates the application when the path names a uid that does not exist yet.
        assertSameUid(request.params.app_id, request.body.uid, ['body', 'uid']);
        const fields = applicationFields({ uid: request.params.app_id, ...request.body });
        const row = await insertApplication(db, fields);
        request.log.info({ appId: row.id }, 'application created');
        return reply.code(201).send(applicationOut(row));
      }
      // PUT replaces every field but keeps the uid when the body leaves it out, so the
      // application stays reachable under the name its callers use.
      const fields = applicationFields({ metadata: {}, rateLimit: null, throttleRate: null, uid: existing.uid, ...request.body });
      const row = await updateApplication(db, existing.id, fields);
      request.log.info({ appId: existing.id }, 'application updated');
      return applicationOut(row);
    },
  );

  app.patch<{ Params: AppParams; Body: ApplicationBody }>(
    '/api/v1/app/:app_id',
    { schema: applicationSchemas.patch },
    async (request) => {
      const existing = await requireApplication(db, request.params.app_id);
      const row = await updateApplication(db, existing.id, applicationFields(request.body, existing));
      request.log.info({ appId: existing.id }, 'application updated');
      return applicationOut(row);
    },
  );

  app.delete<{ Params: AppParams }>('/api/v1/app/:app_id', { schema: applicationSchemas.delete }, async (request, reply) => {
    const existing = await requireApplication(db, request.params.app_id);
    await deleteApplication(db, existing.id);
    request.log.info({ appId: existing.id }, 'application deleted');
    return reply.code(204).send();
  });
}
