import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { ValidationError } from '../../errors.js';
import { checkSecret, generateSecret, normalizeSecret, type SecretKind } from '../../signing/standard-webhooks.js';
import { requireApplication } from '../../store/applications.js';
import {
  deleteEndpoint,
  insertEndpoint,
  listEndpoints,
  parseJsonList,
  requireEndpoint,
  updateEndpoint,
  type EndpointFields,
  type EndpointRow,
} from '../../store/endpoints.js';
import { findUnknownEventTypes } from '../../store/event-types.js';
import type { Database } from '../../store/schema.js';
import { resetHealth } from '../../queue/endpoint-health.js';
import { assertNotIdShaped } from '../path-params.js';
import { validateEndpointUrl, validateHeaders, validateMetadata, type UrlPolicy } from '../endpoint-input.js';
import { readPage } from '../query.js';
import { endpointOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';

interface EndpointBody {
  url?: string;
  description?: string;
  uid?: string | null;
  version?: number | null;
  disabled?: boolean;
  filterTypes?: string[] | null;
  eventTypes?: string[] | null;
  channels?: string[] | null;
  rateLimit?: number | null;
  throttleRate?: number | null;
  metadata?: Record<string, string>;
  headers?: Record<string, string> | null;
  secret?: string | null;
}

type AppParams = { app_id: string };
type EndpointParams = { app_id: string; endpoint_id: string };

async function validateFilterTypes(db: Kysely<Database>, filterTypes: string[] | null): Promise<void> {
  if (!filterTypes) return;
  const unknown = await findUnknownEventTypes(db, filterTypes);
  if (unknown.length > 0) {
    throw ValidationError.single(
      ['body', 'filterTypes'],
      `filterTypes names event types that do not exist: ${unknown.join(', ')}. Create them first.`,
    );
  }
}

function listOrNull(value: string[] | null | undefined): string[] | null | undefined {
  if (value === undefined) return undefined;
  return value === null || value.length === 0 ? null : value;
}

function endpointFields(body: EndpointBody, policy: UrlPolicy, base?: EndpointRow): EndpointFields {
  assertNotIdShaped(body.uid, 'ep', ['body', 'uid']);
  const filterTypes = listOrNull(body.filterTypes !== undefined ? body.filterTypes : body.eventTypes);
  const channels = listOrNull(body.channels);
  return {
    url: body.url !== undefined ? validateEndpointUrl(body.url, policy) : base!.url,
    description: body.description ?? base?.description ?? '',
    uid: body.uid !== undefined ? body.uid : (base?.uid ?? null),
    version: body.version ?? base?.version ?? 1,
    disabled: body.disabled ?? (base ? base.disabled === 1 : false),
    filterTypes: filterTypes !== undefined ? filterTypes : parseJsonList(base?.filter_types ?? null),
    channels: channels !== undefined ? channels : parseJsonList(base?.channels ?? null),
    rateLimit: body.rateLimit !== undefined ? body.rateLimit : (base?.rate_limit ?? null),
    throttleRate: body.throttleRate !== undefined ? body.throttleRate : (base?.throttle_rate ?? null),
    metadata: body.metadata
      ? validateMetadata(body.metadata)
      : base
        ? (JSON.parse(base.metadata) as Record<string, string>)
        : {},
    headers: body.headers
      ? validateHeaders(body.headers)
      : base
        ? (JSON.parse(base.headers) as Record<string, string>)
        : {},
  };
}

/** Returns the caller's secret with its prefix, or a new one of `defaultKind`; rejects unusable `whsk_` keys. */
export function chooseSecret(supplied: string | null | undefined, defaultKind: SecretKind, loc: string[]): string {
  if (!supplied) return generateSecret(defaultKind);
  const secret = normalizeSecret(supplied);
  const problem = checkSecret(secret);
  if (problem) throw ValidationError.single(loc, problem);
  return secret;
}

export function endpointRoutes(
  app: FastifyInstance,
  { store, cipher, defaultSecretKind, urlPolicy, operational, onMessageAccepted }: RouteContext,
): void {
  const { db } = store;

  app.get<{ Params: AppParams }>('/api/v1/app/:app_id/endpoint', { schema: endpointSchemas.list }, async (request) => {
    const application = await requireApplication(db, request.params.app_id);
    const page = await listEndpoints(db, application.id, readPage(request.query as never, 'ascending'));
    return pageOut(page, endpointOut);
  });

  app.post<{ Params: AppParams; Body: EndpointBody }>(
    '/api/v1/app/:app_id/endpoint',
    { schema: endpointSchemas.create },
    async (request, reply) => {
      const application = await requireApplication(db, request.params.app_id);
      const fields = endpointFields(request.body, urlPolicy);
      await validateFilterTypes(db, fields.filterTypes);
      const secret = chooseSecret(request.body.secret, defaultSecretKind, ['body', 'secret']);

      const sealed = { secret: cipher.seal(secret), previous_secrets: cipher.seal('[]') };
      const row = await insertEndpoint(db, application.id, fields, sealed);
      request.log.info({ appId: application.id, endpointId: row.id }, 'endpoint created');
      operational.endpointChanged('endpoint.created', application, row);
      if (row.disabled === 1) operational.endpointChanged('endpoint.disabled', application, row);
      return reply.code(201).send(endpointOut(row));
    },
  );

  app.get<{ Params: EndpointParams }>('/api/v1/app/:app_id/endpoint/:endpoint_id', { schema: endpointSchemas.get }, async (request) => {
    const application = await requireApplication(db, request.params.app_id);
    return endpointOut(await requireEndpoint(db, application.id, request.params.endpoint_id));
  });

  const replace = async (params: EndpointParams, body: EndpointBody, patch: boolean, logger: FastifyBaseLogger) => {
    const application = await requireApplication(db, params.app_id);
    const current = await requireEndpoint(db, application.id, params.endpoint_id);
    // PUT resets what the body leaves out; PATCH keeps it.
    const base = patch ? current : { ...current, description: '', filter_types: null, channels: null, metadata: '{}', disabled: 0 };
    const fields = endpointFields(body, urlPolicy, base);
    await validateFilterTypes(db, fields.filterTypes);
    const updated = await updateEndpoint(db, current, fields);
    const changes = { appId: application.id, endpointId: updated.id, disabled: updated.disabled === 1 };
    if (updated.disabled !== current.disabled) {
      if (updated.disabled === 1) logger.info({ ...changes, reason: updated.disabled_reason }, 'endpoint disabled');
      else logger.info(changes, 'endpoint enabled');
    } else {
      logger.info(changes, 'endpoint updated');
    }
    // An endpoint enabled again starts a fresh failure window and sends its pending deliveries.
    if (current.disabled === 1 && updated.disabled === 0) {
      await resetHealth(db, updated.id);
      onMessageAccepted();
    }
    operational.endpointChanged('endpoint.updated', application, updated);
    if (current.disabled === 0 && updated.disabled === 1) operational.endpointChanged('endpoint.disabled', application, updated);
    return endpointOut(updated);
  };

  app.put<{ Params: EndpointParams; Body: EndpointBody }>(
    '/api/v1/app/:app_id/endpoint/:endpoint_id',
    { schema: endpointSchemas.update },
    async (request) => replace(request.params, request.body, false, request.log),
  );

  app.patch<{ Params: EndpointParams; Body: EndpointBody }>(
    '/api/v1/app/:app_id/endpoint/:endpoint_id',
    { schema: endpointSchemas.patch },
    async (request) => replace(request.params, request.body, true, request.log),
  );

  app.delete<{ Params: EndpointParams }>('/api/v1/app/:app_id/endpoint/:endpoint_id', { schema: endpointSchemas.delete }, async (request, reply) => {
    const application = await requireApplication(db, request.params.app_id);
    const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
    await deleteEndpoint(db, endpoint.id);
    request.log.info({ appId: application.id, endpointId: endpoint.id }, 'endpoint deleted');
    operational.endpointChanged('endpoint.deleted', application, endpoint);
    return reply.code(204).send();
  });
}
