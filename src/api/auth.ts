import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { UnauthorizedError } from '../errors.js';
import { LogLimiter } from '../logger.js';
import type { Database } from '../store/schema.js';
import { findRequestToken, type TokenScope } from '../store/tokens.js';
import { enforceTokenScope } from './token-scope.js';
import { RECEIVE_ROUTE } from '../inbound/routes/receive.js';
import { METRICS_ROUTE } from '../metrics/route.js';
import { DOCUMENT_ROUTE, REFERENCE_ROUTE } from './openapi/routes.js';
import { DASHBOARD_ROUTES } from '../dashboard/routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id of the API token that authenticated the request. */
    tokenId: string;
    /** The authenticating token and the application it is confined to, if any. */
    tokenScope: TokenScope | null;
  }
}

/**
 * Routes served without an API token. Inbound requests are authenticated by their signature,
 * /metrics by HOOKLINE_METRICS_TOKEN when it is set. The API description, its reference page
 * and the dashboard's files contain no data; the dashboard sends a token with every API call.
 */
const PUBLIC_PATHS = new Set([
  '/api/v1/health',
  '/api/v1/health/ping',
  RECEIVE_ROUTE,
  METRICS_ROUTE,
  DOCUMENT_ROUTE,
  REFERENCE_ROUTE,
  ...DASHBOARD_ROUTES,
]);

export function isPublicRoute(url: string): boolean {
  return PUBLIC_PATHS.has(url);
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthorizedError('Missing Authorization header. Send "Authorization: Bearer <token>".');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('Invalid Authorization header. Expected "Bearer <token>".');
  return match[1]!;
}

/** Requires a valid bearer token on every API route but health. */
export function installAuth(app: FastifyInstance, db: Kysely<Database>): void {
  // A client with a wrong token retries forever; ten lines a minute report it without a flood.
  const rejections = new LogLimiter(10, 60_000);
  app.decorateRequest('tokenId', '');
  app.decorateRequest('tokenScope', null);
  app.addHook('onRequest', async (request) => {
    // Check the matched route, not request.url, because the router also routes percent-encoded
    // paths (/%61pi/v1/app) and absolute-form targets (GET http://host/api/v1/app). A path
    // with no route gets the 404 handler and needs a token only under /api/.
    const route = request.routeOptions.url;
    const needsToken =
      route === undefined ? request.url.startsWith('/api/') : !PUBLIC_PATHS.has(route);
    if (!needsToken) return;

    try {
      const scope = await findRequestToken(db, bearerToken(request));
      if (!scope) throw new UnauthorizedError('Invalid or expired API token.');
      request.tokenId = scope.id;
      request.tokenScope = scope;
      await enforceTokenScope(db, request, scope);
    } catch (error) {
      const dropped = error instanceof UnauthorizedError ? rejections.take() : null;
      if (dropped !== null) {
        const fields = { ip: request.ip, method: request.method, url: request.url.split('?')[0], dropped };
        request.log.warn(fields, `request rejected: ${(error as Error).message}`);
      }
      throw error;
    }
  });
}
