import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/database.js';
import { installAuth } from './auth.js';
import { installErrorHandlers } from './error-handler.js';
import { installIdempotency } from './idempotency.js';
import { applicationRoutes } from './routes/applications.js';
import { attemptRoutes } from './routes/attempts.js';
import { endpointRoutes } from './routes/endpoints.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON request body as received, kept so payloads are stored byte for byte. */
    rawBody: string | undefined;
  }
}

export interface RouteContext {
  store: Store;
  /** Called after a message and its deliveries are committed. */
  onMessageAccepted: () => void;
}

export interface ApiOptions extends RouteContext {
  logger: Logger;
  maxBodyBytes: number;
}

export function buildApi(options: ApiOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // The Svix SDKs send ids in paths; the default 100 characters is enough, but uids may be 256.
    routerOptions: { maxParamLength: 512 },
    ajv: { customOptions: { coerceTypes: false, allErrors: true } },
  });

  app.decorateRequest('rawBody', undefined);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  installErrorHandlers(app);
  installAuth(app, options.store.db);
  installIdempotency(app, options.store.db);

  app.addHook('onResponse', async (request, reply) => {
    const fields = { method: request.method, url: request.url, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) request.log.error(fields, 'request completed');
    else request.log.debug(fields, 'request completed');
  });

  for (const register of [healthRoutes, applicationRoutes, eventTypeRoutes, endpointRoutes, messageRoutes, attemptRoutes]) {
    register(app, options);
  }
  return app;
}
