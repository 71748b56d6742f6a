import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/database.js';
import { installAuth } from './auth.js';
import type { UrlPolicy } from './endpoint-input.js';
import type { EndpointEvents } from '../operational/operational-webhooks.js';
import { installErrorHandlers } from './error-handler.js';
import { parseJsonBody } from './json-body.js';
import { installPathValidation } from './path-params.js';
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
  /** What endpoint URLs must satisfy when they are saved. */
  urlPolicy: UrlPolicy;
  /** Sends Hookline's own events about endpoints. */
  operational: EndpointEvents;
}

export interface ApiOptions extends RouteContext {
  logger: Logger;
  maxBodyBytes: number;
  /** PEM certificate and key; when set the API is served over HTTPS. */
  https?: { cert: string; key: string } | undefined;
}

export function buildApi(options: ApiOptions): FastifyInstance {
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // The Svix SDKs send ids in paths; the default 100 characters is enough, but uids may be 256.
    routerOptions: { maxParamLength: 512 },
    ajv: { customOptions: { coerceTypes: false, allErrors: true } },
    // Router errors (an undecodable path, an over-long parameter) bypass the error handler;
    // this gives them the same { code, detail } body.
    frameworkErrors: (error, _request, reply) => {
      const statusCode = error.statusCode ?? 400;
      const code = statusCode === 414 ? 'uri_too_long' : 'bad_request';
      void (reply as FastifyReply).code(statusCode).send({ code, detail: error.message });
    },
  });

  app.decorateRequest('rawBody', undefined);
  // Only JSON bodies are accepted: without the text/plain parser, any other type gets 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request.headers['content-type'], body as string, request));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  installErrorHandlers(app);
  installPathValidation(app);
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
