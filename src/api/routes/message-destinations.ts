import type { FastifyInstance } from 'fastify';
import { requireApplication } from '../../store/applications.js';
import { endpointStats, listEndpointMessages, listMessageEndpoints } from '../../store/destinations.js';
import { requireEndpoint } from '../../store/endpoints.js';
import { requireMessage } from '../../store/messages.js';
import { readBoolean, readDate, readEnum, readMessageFilter, readPage } from '../query.js';
import { endpointMessageOut, messageEndpointOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';
import { attemptSchemas } from '../openapi/operations/messages.js';

type Query = Record<string, string | undefined>;
type EndpointParams = { app_id: string; endpoint_id: string };

/** Routes over message-endpoint pairs: messages of an endpoint, endpoints of a message, stats. */
export function messageDestinationRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const { db } = store;

  app.get<{ Params: EndpointParams }>('/api/v1/app/:app_id/endpoint/:endpoint_id/msg', { schema: attemptSchemas.listEndpointMessages }, async (request) => {
    const query = request.query as Query;
    const application = await requireApplication(db, request.params.app_id);
    const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
    const filter = { ...readMessageFilter(query), status: readEnum(query, 'status', [0, 1, 2, 3]) };
    const page = await listEndpointMessages(db, endpoint.id, filter, readPage(query, 'descending'));
    const withContent = readBoolean(query, 'with_content', true);
    return pageOut(page, (row) => endpointMessageOut(row, withContent));
  });

  app.get<{ Params: { app_id: string; msg_id: string } }>(
    '/api/v1/app/:app_id/msg/:msg_id/endpoint',
    { schema: attemptSchemas.listMessageEndpoints },
    async (request) => {
      const application = await requireApplication(db, request.params.app_id);
      const message = await requireMessage(db, application.id, request.params.msg_id);
      const page = await listMessageEndpoints(db, message.id, readPage(request.query as Query, 'ascending'));
      return pageOut(page, messageEndpointOut);
    },
  );

  app.get<{ Params: EndpointParams }>('/api/v1/app/:app_id/endpoint/:endpoint_id/stats', { schema: endpointSchemas.stats }, async (request) => {
    const query = request.query as Query;
    const application = await requireApplication(db, request.params.app_id);
    const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
    return endpointStats(db, endpoint.id, { since: readDate(query, 'since'), until: readDate(query, 'until') });
  });
}
