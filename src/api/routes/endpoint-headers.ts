import type { FastifyInstance } from 'fastify';
import { requireApplication } from '../../store/applications.js';
import { requireEndpoint, updateEndpointHeaders } from '../../store/endpoints.js';
import type { RouteContext } from '../server.js';
import { validateHeaders } from '../endpoint-input.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';
import { isSensitiveHeader } from '../../delivery/sensitive-headers.js';

type EndpointParams = { app_id: string; endpoint_id: string };

/**
 * Splits headers into the shape Svix returns: values of ordinary headers, and only the names
 * of sensitive ones, so credentials are never read back.
 */
export function endpointHeadersOut(headers: Record<string, string>) {
  const visible: Record<string, string> = {};
  const sensitive: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (isSensitiveHeader(name)) sensitive.push(name);
    else visible[name] = value;
  }
  return { headers: visible, sensitive };
}

/** Applies a patch: a string sets the header, null removes it; names match case-insensitively. */
function patchHeaders(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const result = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    for (const existing of Object.keys(result)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete result[existing];
    }
    if (value !== null) result[name] = value;
  }
  return result;
}

export function endpointHeaderRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const { db } = store;
  const path = '/api/v1/app/:app_id/endpoint/:endpoint_id/headers';

  const load = async (params: EndpointParams) => {
    const application = await requireApplication(db, params.app_id);
    return requireEndpoint(db, application.id, params.endpoint_id);
  };

  app.get<{ Params: EndpointParams }>(path, { schema: endpointSchemas.getHeaders }, async (request) => {
    const endpoint = await load(request.params);
    return endpointHeadersOut(JSON.parse(endpoint.headers) as Record<string, string>);
  });

  app.put<{ Params: EndpointParams; Body: { headers: Record<string, string> } }>(
    path,
    { schema: endpointSchemas.updateHeaders },
    async (request, reply) => {
      const endpoint = await load(request.params);
      await updateEndpointHeaders(db, endpoint.id, validateHeaders(request.body.headers));
      request.log.info({ appId: endpoint.app_id, endpointId: endpoint.id }, 'endpoint headers replaced');
      return reply.code(204).send();
    },
  );

  app.patch<{ Params: EndpointParams; Body: { headers: Record<string, string | null> } }>(
    path,
    { schema: endpointSchemas.patchHeaders },
    async (request, reply) => {
      const endpoint = await load(request.params);
      const current = JSON.parse(endpoint.headers) as Record<string, string>;
      const headers = validateHeaders(patchHeaders(current, request.body.headers));
      await updateEndpointHeaders(db, endpoint.id, headers);
      request.log.info({ appId: endpoint.app_id, endpointId: endpoint.id }, 'endpoint headers changed');
      return reply.code(204).send();
    },
  );
}
