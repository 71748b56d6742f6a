import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findApplicationForMessage, insertApplication } from '../../store/applications.js';
import { listMessages, insertMessage, requireMessage } from '../../store/messages.js';
import { requireApplication } from '../../store/applications.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { assertNotIdShaped, assertSameUid } from '../path-params.js';
import { rawMemberText } from '../raw-json.js';
import { readBoolean, readMessageFilter, readPage } from '../query.js';
import { messageOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { applicationFields } from './applications.js';
import { findEventType } from '../../store/event-types.js';
import { assertPayloadMatches } from '../payload-validation.js';
import { messageSchemas } from '../openapi/operations/messages.js';

interface MessageBody {
  eventType: string;
  eventId?: string | null;
  payload: Record<string, unknown>;
  channels?: string[] | null;
  tags?: string[] | null;
  application?: { name: string; uid?: string | null; metadata?: Record<string, string> } | null;
  payloadRetentionPeriod?: number | null;
  payloadRetentionHours?: number | null;
}

const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_RETENTION_DAYS = 90;

/** Returns the payload's retention in milliseconds; the two retention fields are exclusive. */
function retentionMs(body: MessageBody): number {
  if (body.payloadRetentionHours != null && body.payloadRetentionPeriod != null) {
    throw ValidationError.single(
      ['body', 'payloadRetentionHours'],
      'payloadRetentionHours and payloadRetentionPeriod are mutually exclusive; send only one',
    );
  }
  if (body.payloadRetentionHours != null) return body.payloadRetentionHours * HOUR_MS;
  return (body.payloadRetentionPeriod ?? DEFAULT_RETENTION_DAYS) * 24 * HOUR_MS;
}

type AppParams = { app_id: string };
type MessageParams = { app_id: string; msg_id: string };

/** Returns the payload exactly as the client wrote it, or re-serialized if the raw body is missing. */
function payloadText(request: FastifyRequest<{ Body: MessageBody }>): string {
  const raw = typeof request.rawBody === 'string' ? rawMemberText(request.rawBody, 'payload') : undefined;
  return raw ?? JSON.stringify(request.body.payload);
}

export function messageRoutes(app: FastifyInstance, { store, onMessageAccepted, validatePayloads, metrics }: RouteContext): void {
  const { db } = store;

  app.post<{ Params: AppParams; Body: MessageBody }>(
    '/api/v1/app/:app_id/msg',
    { schema: messageSchemas.create },
    async (request, reply) => {
      const body = request.body;
      // Read the query before storing anything, so an invalid value cannot leave behind a
      // message whose request returned an error.
      const withContent = readBoolean(request.query as never, 'with_content', true);
      const retention = retentionMs(body);
      let application = await findApplicationForMessage(db, request.params.app_id);
      assertNotIdShaped(body.eventId, 'msg', ['body', 'eventId']);
      if (validatePayloads) assertPayloadMatches(await findEventType(db, body.eventType), body.payload);
      if (!application && body.application) {
        assertSameUid(request.params.app_id, body.application.uid, ['body', 'application', 'uid']);
        const fields = applicationFields({ uid: request.params.app_id, ...body.application });
        application = await insertApplication(db, fields);
      }
      if (!application) throw new NotFoundError('application', request.params.app_id);

      const { row, deliveryCount } = await insertMessage(store.writes, {
        appId: application.id,
        eventType: body.eventType,
        eventId: body.eventId ?? null,
        payload: payloadText(request),
        channels: body.channels && body.channels.length > 0 ? body.channels : null,
        tags: body.tags && body.tags.length > 0 ? body.tags : null,
        retentionMs: retention,
      });
      // Debug, not info: one line per message doubles the log volume, and the delivery lines
      // (info) and failure lines (warn) carry the message id already.
      request.log.debug(
        { appId: application.id, messageId: row.id, eventType: row.event_type, deliveries: deliveryCount },
        'message accepted',
      );
      metrics?.messageAccepted('api');
      onMessageAccepted();
      return reply.code(202).send(messageOut(row, withContent));
    },
  );

  app.get<{ Params: AppParams }>('/api/v1/app/:app_id/msg', { schema: messageSchemas.list }, async (request) => {
    const query = request.query as never;
    const application = await requireApplication(db, request.params.app_id);
    const page = await listMessages(db, application.id, readMessageFilter(query), readPage(query, 'descending'));
    const withContent = readBoolean(query, 'with_content', true);
    return pageOut(page, (row) => messageOut(row, withContent));
  });

  app.get<{ Params: MessageParams }>('/api/v1/app/:app_id/msg/:msg_id', { schema: messageSchemas.get }, async (request) => {
    const application = await requireApplication(db, request.params.app_id);
    const row = await requireMessage(db, application.id, request.params.msg_id);
    return messageOut(row, readBoolean(request.query as never, 'with_content', true));
  });
}
