import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { assertNotIdShaped } from '../../api/path-params.js';
import { readPage } from '../../api/query.js';
import { iso, pageOut } from '../../api/serializers.js';
import type { RouteContext } from '../../api/server.js';
import { sealSourceSecrets } from '../secret-fields.js';
import { readSettings, SECRET_FIELDS } from '../settings.js';
import {
  countAccepted,
  deleteSource,
  insertSource,
  listSources,
  readRejections,
  requireSource,
  updateSource,
  type SourceFields,
  type SourceRow,
} from '../store.js';
import { VerifierConfigError } from '../verify/errors.js';
import { createVerifier, SOURCE_TYPES } from '../verify/index.js';
import { ingestPath } from './receive.js';
import { sourceSchemas } from '../../api/openapi/operations/inbound.js';

interface SourceBody {
  name: string;
  uid?: string | null;
  type: string;
  config?: Record<string, unknown>;
  metadata?: Record<string, string>;
}

type SourceParams = { source_id: string };

/** Checks the type and config by building the verifier, so a source that can never verify is never saved. */
function sourceFields(body: SourceBody): SourceFields {
  assertNotIdShaped(body.uid, 'src', ['body', 'uid']);
  if (!SOURCE_TYPES.includes(body.type)) {
    throw ValidationError.single(['body', 'type'], `type must be one of ${SOURCE_TYPES.join(', ')}`);
  }
  const config = body.config ?? {};
  try {
    readSettings(config);
    createVerifier(body.type, config);
  } catch (error) {
    if (error instanceof VerifierConfigError) throw ValidationError.single(['body', 'config', error.field], error.message);
    throw error;
  }
  return { name: body.name, uid: body.uid ?? null, type: body.type, config, metadata: body.metadata ?? {} };
}

/** Renders a source in the Svix shape; secrets in its config are never returned. */
export function sourceOut(row: SourceRow, publicUrl: string) {
  const config = JSON.parse(row.config) as Record<string, unknown>;
  const visible = Object.fromEntries(Object.entries(config).filter(([key]) => !SECRET_FIELDS.has(key)));
  return {
    id: row.id,
    uid: row.uid,
    name: row.name,
    type: row.type,
    config: visible,
    ingestUrl: publicUrl + ingestPath(row.id),
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function sourceRoutes(app: FastifyInstance, { store, publicUrl, cipher }: RouteContext & { publicUrl: string }): void {
  const { db } = store;
  // Source secrets are stored like endpoint secrets: encrypted when a main key is set.
  const sealed = (fields: SourceFields): SourceFields => ({ ...fields, config: sealSourceSecrets(fields.config, cipher) });
  const base = '/ingest/api/v1/source';

  app.get(base, { schema: sourceSchemas.list }, async (request) => {
    const page = await listSources(db, readPage(request.query as never, 'ascending'));
    return pageOut(page, (row) => sourceOut(row, publicUrl));
  });

  app.post<{ Body: SourceBody }>(base, { schema: sourceSchemas.create }, async (request, reply) => {
    const row = await insertSource(db, sealed(sourceFields(request.body)));
    request.log.info({ sourceId: row.id, appId: row.app_id, type: row.type }, 'source created');
    return reply.code(201).send(sourceOut(row, publicUrl));
  });

  app.get<{ Params: SourceParams }>(`${base}/:source_id`, { schema: sourceSchemas.get }, async (request) =>
    sourceOut(await requireSource(db, request.params.source_id), publicUrl),
  );

  app.put<{ Params: SourceParams; Body: SourceBody }>(
    `${base}/:source_id`,
    { schema: sourceSchemas.update },
    async (request) => {
      const current = await requireSource(db, request.params.source_id);
      const row = await updateSource(db, current.id, sealed(sourceFields(request.body)));
      request.log.info({ sourceId: row.id, type: row.type }, 'source updated');
      return sourceOut(row, publicUrl);
    },
  );

  app.delete<{ Params: SourceParams }>(`${base}/:source_id`, { schema: sourceSchemas.delete }, async (request, reply) => {
    const source = await requireSource(db, request.params.source_id);
    await deleteSource(db, source);
    request.log.info({ sourceId: source.id }, 'source deleted');
    return reply.code(204).send();
  });

  app.get<{ Params: SourceParams }>(`${base}/:source_id/stats`, { schema: sourceSchemas.stats }, async (request) => {
    const source = await requireSource(db, request.params.source_id);
    return { sourceId: source.id, accepted: await countAccepted(db, source), rejections: await readRejections(db, source.id) };
  });
}
