import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { requireApplication } from '../../store/applications.js';
import { requireEndpoint } from '../../store/endpoints.js';
import { requireEventType, type EventTypeRow } from '../../store/event-types.js';
import { insertMessage } from '../../store/messages.js';
import { latestSchema } from '../payload-validation.js';
import { messageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';

type EndpointParams = { app_id: string; endpoint_id: string };

interface ExampleBody {
  eventType: string;
  exampleIndex?: number;
}

/**
 * Picks the payload of an example message: entry `index` of the `examples` list in the event
 * type's latest schema, or `{ "type": <event type> }` when the schema has no examples.
 */
export function examplePayload(eventType: EventTypeRow, index: number | undefined): unknown {
  const schemas = eventType.schemas === null ? null : (JSON.parse(eventType.schemas) as Record<string, unknown>);
  const examples = (latestSchema(schemas)?.schema as { examples?: unknown } | undefined)?.examples;
  if (!Array.isArray(examples) || examples.length === 0) {
    if (index !== undefined && index > 0) {
      throw ValidationError.single(['body', 'exampleIndex'], `event type "${eventType.name}" has no schema examples`);
    }
    return { type: eventType.name };
  }
  const chosen = index ?? 0;
  if (chosen >= examples.length) {
    throw ValidationError.single(
      ['body', 'exampleIndex'],
      `exampleIndex ${chosen} is out of range: event type "${eventType.name}" has ${examples.length} examples`,
    );
  }
  return examples[chosen];
}

export function sendExampleRoutes(app: FastifyInstance, { store, onMessageAccepted, metrics }: RouteContext): void {
  const { db } = store;

  // The example is a real message, delivered through the queue to this endpoint only.
  app.post<{ Params: EndpointParams; Body: ExampleBody }>(
    '/api/v1/app/:app_id/endpoint/:endpoint_id/send-example',
    { schema: endpointSchemas.sendExample },
    async (request) => {
      const application = await requireApplication(db, request.params.app_id);
      const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
      const eventType = await requireEventType(db, request.body.eventType);
      const payload = examplePayload(eventType, request.body.exampleIndex);

      const { row } = await insertMessage(store.writes, {
        appId: application.id,
        eventType: eventType.name,
        eventId: null,
        payload: JSON.stringify(payload),
        channels: null,
        tags: null,
        onlyEndpointId: endpoint.id,
      });
      request.log.info({ appId: application.id, endpointId: endpoint.id, messageId: row.id }, 'example message accepted');
      metrics?.messageAccepted('api');
      onMessageAccepted();
      return messageOut(row, true);
    },
  );
}
