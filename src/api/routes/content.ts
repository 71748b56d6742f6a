import type { FastifyInstance } from 'fastify';
import { requireApplication } from '../../store/applications.js';
import { expungeAttemptResponse, expungeMessagePayload } from '../../store/message-content.js';
import { requireMessage } from '../../store/messages.js';
import type { RouteContext } from '../server.js';
import { attemptSchemas, messageSchemas } from '../openapi/operations/messages.js';

/** Removing stored content: a message's payload, or an attempt's response body. */
export function contentRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const { db } = store;

  app.delete<{ Params: { app_id: string; msg_id: string } }>(
    '/api/v1/app/:app_id/msg/:msg_id/content',
    { schema: messageSchemas.expungeContent },
    async (request, reply) => {
      const application = await requireApplication(db, request.params.app_id);
      const message = await requireMessage(db, application.id, request.params.msg_id);
      await expungeMessagePayload(db, message.id);
      request.log.info({ appId: application.id, messageId: message.id }, 'message payload expunged');
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { app_id: string; msg_id: string; attempt_id: string } }>(
    '/api/v1/app/:app_id/msg/:msg_id/attempt/:attempt_id/content',
    { schema: attemptSchemas.expungeContent },
    async (request, reply) => {
      const application = await requireApplication(db, request.params.app_id);
      const message = await requireMessage(db, application.id, request.params.msg_id);
      await expungeAttemptResponse(db, application.id, message.id, request.params.attempt_id);
      request.log.info(
        { appId: application.id, messageId: message.id, attemptId: request.params.attempt_id },
        'attempt response expunged',
      );
      return reply.code(204).send();
    },
  );
}
