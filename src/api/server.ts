import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifySchema,
} from 'fastify';
import type { Logger } from 'pino';
import type { SecretCipher } from '../signing/secret-cipher.js';
import type { SecretKind } from '../signing/standard-webhooks.js';
import type { Store } from '../store/database.js';
import { installAuth, isPublicRoute } from './auth.js';
import type { UrlPolicy } from './endpoint-input.js';
import type { EndpointEvents } from '../operational/operational-webhooks.js';
import { installErrorHandlers } from './error-handler.js';
import { parseJsonBody } from './json-body.js';
import { installPathValidation } from './path-params.js';
import { installIdempotency } from './idempotency.js';
import { applicationRoutes } from './routes/applications.js';
import { attemptRoutes } from './routes/attempts.js';
import { endpointHeaderRoutes } from './routes/endpoint-headers.js';
import { endpointSecretRoutes } from './routes/endpoint-secrets.js';
import { endpointRoutes } from './routes/endpoints.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { sendExampleRoutes } from './routes/send-example.js';
import { destinationRoutes } from '../inbound/routes/destinations.js';
import { receiveRoutes } from '../inbound/routes/receive.js';
import { sourceRoutes } from '../inbound/routes/sources.js';
import { contentRoutes } from './routes/content.js';
import { messageDestinationRoutes } from './routes/message-destinations.js';
import { portalAccessRoutes } from './routes/portal-access.js';
import { recoveryRoutes } from './routes/recovery.js';
import type { ApiMetrics, HooklineMetrics } from '../metrics/metrics.js';
import { metricsRoutes } from '../metrics/route.js';
import { isApiRoute } from './openapi/document.js';
import { descriptionRoutes } from './openapi/routes.js';
import { compiledPart, type RouteSchema } from './openapi/route-schema.js';
import { endpointHealthRoutes } from './routes/endpoint-health.js';
import { dashboardRoutes } from '../dashboard/routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON request body as received, kept so payloads are stored byte for byte. */
    rawBody: string | undefined;
  }
}

export interface RouteContext {
  store: Store;
  /** Encrypts endpoint secrets for storage and decrypts them for reading. */
  cipher: SecretCipher;
  secretRotationGraceMs: number;
  defaultSecretKind: SecretKind;
  /** Whether message payloads are checked against their event type's JSON Schema. */
  validatePayloads: boolean;
  /** Called after a message and its deliveries are committed. */
  onMessageAccepted: () => void;
  /** Starts a stored background task in this process. */
  runTask: (taskId: string) => void;
  /** The base URL clients use to reach Hookline, for links such as the app portal URL. */
  publicUrl: string;
  /** The rules endpoint URLs must satisfy when they are saved. */
  urlPolicy: UrlPolicy;
  /** Sends Hookline's own events about endpoints. */
  operational: EndpointEvents;
  /** Counts accepted messages and inbound requests; unset, nothing is counted. */
  metrics?: ApiMetrics;
}

export interface ApiOptions extends RouteContext {
  logger: Logger;
  maxBodyBytes: number;
  /** PEM certificate and key; when set the API is served over HTTPS. */
  https?: { cert: string; key: string } | undefined;
  /** The base URL providers use to reach this server; builds each source's `ingestUrl`. */
  publicUrl: string;
  /** Served at /metrics when set. */
  metrics?: HooklineMetrics;
  /** The bearer token /metrics requires; unset, /metrics needs none. */
  metricsToken?: string | undefined;
}

/** Method and path pattern (`/api/v1/app/:app_id`) of every route an API instance serves. */
export interface RouteEntry {
  method: string;
  url: string;
  /** The route's schema as registered, which the OpenAPI document is built from. */
  schema?: RouteSchema | undefined;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Returns the routes of an instance built by buildApi, for tests that must cover them all. */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  return [...(routeTables.get(app) ?? [])];
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

  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Fastify adds a HEAD route beside every GET; it is not a route of its own.
    const schema = route.schema as RouteSchema | undefined;
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, schema });
    // Fastify then compiles only the body schema of an API route: the rest of it is
    // documentation (see route-schema.ts).
    if (route.schema && isApiRoute(route.url)) route.schema = compiledPart(route.schema) as FastifySchema;
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

  const routeGroups = [
    healthRoutes,
    applicationRoutes,
    eventTypeRoutes,
    endpointRoutes,
    endpointSecretRoutes,
    endpointHeaderRoutes,
    sendExampleRoutes,
    messageRoutes,
    attemptRoutes,
    messageDestinationRoutes,
    recoveryRoutes,
    contentRoutes,
    portalAccessRoutes,
    endpointHealthRoutes,
  ];
  for (const register of routeGroups) {
    register(app, options);
  }
  sourceRoutes(app, options);
  destinationRoutes(app, options);
  receiveRoutes(app, options);
  if (options.metrics) metricsRoutes(app, { metrics: options.metrics, metricsToken: options.metricsToken });
  descriptionRoutes(app, { routes: () => routes, publicUrl: options.publicUrl, isPublic: isPublicRoute });
  dashboardRoutes(app, options.logger);
  return app;
}
