import type { FastifyInstance } from 'fastify';
import { assertNotIdShaped } from '../../api/path-params.js';
import { readPage } from '../../api/query.js';
import { validateEndpointUrl, validateHeaders, type UrlPolicy } from '../../api/endpoint-input.js';
import { chooseSecret } from '../../api/routes/endpoints.js';
import { endpointOut, pageOut } from '../../api/serializers.js';
import type { RouteContext } from '../../api/server.js';
import { verificationKey } from '../../signing/standard-webhooks.js';
import {
  deleteEndpoint,
  insertEndpoint,
  listEndpoints,
  requireEndpoint,
  updateEndpoint,
  type EndpointFields,
} from '../../store/endpoints.js';
import { requireSource } from '../store.js';
import { destinationSchemas } from '../../api/openapi/operations/inbound.js';

/** The Svix ingest endpoint body: an outbound endpoint without filters or channels. */
interface DestinationBody {
  url: string;
  description?: string;
  uid?: string | null;
  disabled?: boolean;
  rateLimit?: number | null;
  throttleRate?: number | null;
  metadata?: Record<string, string>;
  secret?: string | null;
}

type SourceParams = { source_id: string };
type DestinationParams = { source_id: string; endpoint_id: string };

function destinationFields(body: DestinationBody, headers: Record<string, string>, policy: UrlPolicy): EndpointFields {
  assertNotIdShaped(body.uid, 'ep', ['body', 'uid']);
  return {
    url: validateEndpointUrl(body.url, policy),
    description: body.description ?? '',
    uid: body.uid ?? null,
    version: 1,
    disabled: body.disabled ?? false,
    filterTypes: null,
    channels: null,
    rateLimit: body.rateLimit ?? null,
    throttleRate: body.throttleRate ?? null,
    metadata: body.metadata ?? {},
    headers,
  };
}

/** Routes for a source's destinations, stored as endpoints of the source's application. */
export function destinationRoutes(
  app: FastifyInstance,
  { store, cipher, defaultSecretKind, urlPolicy }: RouteContext,
): void {
  const { db } = store;
  const base = '/ingest/api/v1/source/:source_id/endpoint';
  const load = async (params: DestinationParams) => {
    const source = await requireSource(db, params.source_id);
    return requireEndpoint(db, source.app_id, params.endpoint_id);
  };

  app.get<{ Params: SourceParams }>(base, { schema: destinationSchemas.list }, async (request) => {
    const source = await requireSource(db, request.params.source_id);
    const page = await listEndpoints(db, source.app_id, readPage(request.query as never, 'ascending'));
    return pageOut(page, endpointOut);
  });

  app.post<{ Params: SourceParams; Body: DestinationBody }>(base, { schema: destinationSchemas.create }, async (request, reply) => {
    const source = await requireSource(db, request.params.source_id);
    const secret = chooseSecret(request.body.secret, defaultSecretKind, ['body', 'secret']);
    const sealed = { secret: cipher.seal(secret), previous_secrets: cipher.seal('[]') };
    const row = await insertEndpoint(db, source.app_id, destinationFields(request.body, {}, urlPolicy), sealed);
    request.log.info({ sourceId: source.id, endpointId: row.id }, 'source destination created');
    return reply.code(201).send(endpointOut(row));
  });

  app.get<{ Params: DestinationParams }>(`${base}/:endpoint_id`, { schema: destinationSchemas.get }, async (request) => endpointOut(await load(request.params)));

  app.put<{ Params: DestinationParams; Body: DestinationBody }>(
    `${base}/:endpoint_id`,
    { schema: destinationSchemas.update },
    async (request) => {
      const current = await load(request.params);
      const headers = JSON.parse(current.headers) as Record<string, string>;
      const updated = await updateEndpoint(db, current, destinationFields(request.body, headers, urlPolicy));
      request.log.info({ endpointId: updated.id, disabled: updated.disabled === 1 }, 'source destination updated');
      return endpointOut(updated);
    },
  );

  app.delete<{ Params: DestinationParams }>(`${base}/:endpoint_id`, { schema: destinationSchemas.delete }, async (request, reply) => {
    const endpoint = await load(request.params);
    await deleteEndpoint(db, endpoint.id);
    request.log.info({ endpointId: endpoint.id }, 'source destination deleted');
    return reply.code(204).send();
  });

  app.get<{ Params: DestinationParams }>(`${base}/:endpoint_id/secret`, { schema: destinationSchemas.getSecret }, async (request) => ({
    key: verificationKey(cipher.open((await load(request.params)).secret)),
  }));

  app.get<{ Params: DestinationParams }>(`${base}/:endpoint_id/headers`, { schema: destinationSchemas.getHeaders }, async (request) => ({
    headers: JSON.parse((await load(request.params)).headers) as Record<string, string>,
    sensitive: [],
  }));

  app.put<{ Params: DestinationParams; Body: { headers: Record<string, string> } }>(
    `${base}/:endpoint_id/headers`,
    { schema: destinationSchemas.updateHeaders },
    async (request, reply) => {
      const current = await load(request.params);
      const headers = validateHeaders(request.body.headers);
      await db.updateTable('endpoints').set({ headers: JSON.stringify(headers), updated_at: Date.now() }).where('id', '=', current.id).execute();
      return reply.code(204).send();
    },
  );
}
