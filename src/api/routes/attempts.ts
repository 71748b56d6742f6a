import type { FastifyInstance } from 'fastify';
import { requireApplication } from '../../store/applications.js';
import { listAttempts, requireAttempt, type AttemptFilter } from '../../store/attempts.js';
import { requireEndpoint } from '../../store/endpoints.js';
import { requireMessage } from '../../store/messages.js';
import { insertManualDelivery } from '../../queue/deliveries.js';
import { readDate, readEnum, readName, readPage } from '../query.js';
import { attemptOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { attemptSchemas } from '../openapi/operations/messages.js';

type Query = Record<string, string | undefined>;

function attemptFilter(query: Query, appId: string): AttemptFilter {
  return {
    appId,
    // 4 (canceled) exists in the SDK's enum; Hookline records no such attempts, so it matches none.
    status: readEnum(query, 'status', [0, 1, 2, 3, 4]),
    statusCodeClass: readEnum(query, 'status_code_class', [0, 100, 200, 300, 400, 500]),
    before: readDate(query, 'before'),
    after: readDate(query, 'after'),
  };
}

export function attemptRoutes(app: FastifyInstance, { store, onMessageAccepted }: RouteContext): void {
  const { db } = store;

  app.post<{ Params: { app_id: string; msg_id: string; endpoint_id: string } }>(
    '/api/v1/app/:app_id/msg/:msg_id/endpoint/:endpoint_id/resend',
    { schema: attemptSchemas.resend },
    async (request, reply) => {
      const application = await requireApplication(db, request.params.app_id);
      const message = await requireMessage(db, application.id, request.params.msg_id);
      const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
      await insertManualDelivery(db, message.id, endpoint.id, application.id);
      request.log.info({ appId: application.id, messageId: message.id, endpointId: endpoint.id }, 'resend queued');
      onMessageAccepted();
      return reply.code(202).send({});
    },
  );

  app.get<{ Params: { app_id: string; msg_id: string } }>(
    '/api/v1/app/:app_id/attempt/msg/:msg_id',
    { schema: attemptSchemas.listByMessage },
    async (request) => {
      const query = request.query as Query;
      const application = await requireApplication(db, request.params.app_id);
      const message = await requireMessage(db, application.id, request.params.msg_id);
      const filter = { ...attemptFilter(query, application.id), messageId: message.id };
      const endpointId = readName(query, 'endpoint_id');
      if (endpointId) filter.endpointId = (await requireEndpoint(db, application.id, endpointId)).id;
      return pageOut(await listAttempts(db, filter, readPage(query, 'descending')), attemptOut);
    },
  );

  app.get<{ Params: { app_id: string; endpoint_id: string } }>(
    '/api/v1/app/:app_id/attempt/endpoint/:endpoint_id',
    { schema: attemptSchemas.listByEndpoint },
    async (request) => {
      const query = request.query as Query;
      const application = await requireApplication(db, request.params.app_id);
      const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
      const filter = { ...attemptFilter(query, application.id), endpointId: endpoint.id };
      return pageOut(await listAttempts(db, filter, readPage(query, 'descending')), attemptOut);
    },
  );

  app.get<{ Params: { app_id: string; msg_id: string; attempt_id: string } }>(
    '/api/v1/app/:app_id/msg/:msg_id/attempt/:attempt_id',
    { schema: attemptSchemas.get },
    async (request) => {
      const application = await requireApplication(db, request.params.app_id);
      const message = await requireMessage(db, application.id, request.params.msg_id);
      return attemptOut(await requireAttempt(db, application.id, message.id, request.params.attempt_id));
    },
  );
}
