import type { FastifyInstance } from 'fastify';
import {
  deleteEventType,
  findEventType,
  insertEventType,
  listEventTypes,
  requireEventType,
  updateEventType,
  type EventTypeFields,
  type EventTypeRow,
} from '../../store/event-types.js';
import { assertCompilableSchemas } from '../payload-validation.js';
import { readBoolean, readPage } from '../query.js';
import { eventTypeOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { eventTypeSchemas } from '../openapi/operations/applications.js';

interface EventTypeBody {
  name?: string;
  description?: string;
  archived?: boolean;
  deprecated?: boolean;
  featureFlag?: string | null;
  schemas?: Record<string, unknown> | null;
}

type NameParams = { event_type_name: string };

function eventTypeFields(body: EventTypeBody, base?: EventTypeRow): EventTypeFields {
  assertCompilableSchemas(body.schemas);
  return {
    description: body.description ?? base?.description ?? '',
    archived: body.archived ?? (base ? base.archived === 1 : false),
    deprecated: body.deprecated ?? (base ? base.deprecated === 1 : false),
    featureFlag: body.featureFlag !== undefined ? body.featureFlag : (base?.feature_flag ?? null),
    schemas:
      body.schemas !== undefined
        ? body.schemas
        : base?.schemas
          ? (JSON.parse(base.schemas) as Record<string, unknown>)
          : null,
  };
}

export function eventTypeRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const { db } = store;

  app.get('/api/v1/event-type', { schema: eventTypeSchemas.list }, async (request) => {
    const query = request.query as never;
    const page = await listEventTypes(db, readPage(query, 'ascending'), readBoolean(query, 'include_archived', false));
    const withContent = readBoolean(query, 'with_content', false);
    return pageOut(page, (row) => eventTypeOut(row, withContent));
  });

  app.post<{ Body: EventTypeBody }>('/api/v1/event-type', { schema: eventTypeSchemas.create }, async (request, reply) => {
    const name = request.body.name!;
    const existing = await findEventType(db, name);
    // Creating an archived event type again brings it back, as Svix does.
    if (existing?.archived === 1) {
      const row = await updateEventType(db, name, eventTypeFields({ ...request.body, archived: false }));
      return reply.code(201).send(eventTypeOut(row));
    }
    const row = await insertEventType(db, name, eventTypeFields(request.body));
    request.log.info({ eventType: name }, 'event type created');
    return reply.code(201).send(eventTypeOut(row));
  });

  app.get<{ Params: NameParams }>('/api/v1/event-type/:event_type_name', { schema: eventTypeSchemas.get }, async (request) =>
    eventTypeOut(await requireEventType(db, request.params.event_type_name)),
  );

  app.put<{ Params: NameParams; Body: EventTypeBody }>(
    '/api/v1/event-type/:event_type_name',
    { schema: eventTypeSchemas.update },
    async (request, reply) => {
      const name = request.params.event_type_name;
      const existing = await findEventType(db, name);
      if (!existing) {
        return reply.code(201).send(eventTypeOut(await insertEventType(db, name, eventTypeFields(request.body))));
      }
      return eventTypeOut(await updateEventType(db, name, eventTypeFields(request.body)));
    },
  );

  app.patch<{ Params: NameParams; Body: EventTypeBody }>(
    '/api/v1/event-type/:event_type_name',
    { schema: eventTypeSchemas.patch },
    async (request) => {
      const existing = await requireEventType(db, request.params.event_type_name);
      return eventTypeOut(await updateEventType(db, existing.name, eventTypeFields(request.body, existing)));
    },
  );

  /** Archives by default, so endpoints filtering on the name keep working; `expunge=true` deletes. */
  app.delete<{ Params: NameParams }>('/api/v1/event-type/:event_type_name', { schema: eventTypeSchemas.delete }, async (request, reply) => {
    const existing = await requireEventType(db, request.params.event_type_name);
    if (readBoolean(request.query as never, 'expunge', false)) {
      await deleteEventType(db, existing.name);
      request.log.info({ eventType: existing.name }, 'event type deleted');
    } else {
      await updateEventType(db, existing.name, eventTypeFields({ archived: true }, existing));
      request.log.info({ eventType: existing.name }, 'event type archived');
    }
    return reply.code(204).send();
  });
}
