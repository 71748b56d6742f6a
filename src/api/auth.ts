import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { UnauthorizedError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { findTokenId } from '../store/tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id of the API token that authenticated the request. */
    tokenId: string;
  }
}

/** Routes that answer without a token. */
const PUBLIC_PATHS = new Set(['/api/v1/health', '/api/v1/health/ping']);

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthorizedError('Missing Authorization header. Send "Authorization: Bearer <token>".');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('Invalid Authorization header. Expected "Bearer <token>".');
  return match[1]!;
}

/** Requires a valid bearer token on every API route but health. */
export function installAuth(app: FastifyInstance, db: Kysely<Database>): void {
  app.decorateRequest('tokenId', '');
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (PUBLIC_PATHS.has(path) || !path.startsWith('/api/')) return;

    const tokenId = await findTokenId(db, bearerToken(request));
    if (!tokenId) throw new UnauthorizedError('Invalid API token.');
    request.tokenId = tokenId;
  });
}
