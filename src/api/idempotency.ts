import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ConflictError, ValidationError } from '../errors.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '../store/idempotency.js';
import type { Database } from '../store/schema.js';
import { RECEIVE_ROUTE } from '../inbound/routes/receive.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyScope: string | null;
  }
}

const MAX_KEY_LENGTH = 256;

/**
 * The key is scoped to the token, method, path and query, so two clients (or two routes) never
 * share a cached response by choosing the same key.
 */
function scopeOf(request: FastifyRequest, key: string): string {
  const scope = `${request.tokenId}\n${request.method}\n${request.url}\n${key}`;
  return createHash('sha256').update(scope).digest('hex');
}

/**
 * Replays the first 2xx response to a POST that repeats an `idempotency-key`. A repeat that
 * arrives while the first request is still running gets 409; a first request that fails
 * frees the key so the client can retry.
 */
export function installIdempotency(app: FastifyInstance, db: Kysely<Database>): void {
  app.decorateRequest('idempotencyScope', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || key === '') return;
    // Providers may send their own idempotency-key; inbound replays are dropped by delivery id.
    if (request.routeOptions.url === RECEIVE_ROUTE) return;
    if (key.length > MAX_KEY_LENGTH) {
      throw ValidationError.single(
        ['header', 'idempotency-key'],
        `The idempotency-key header is longer than ${MAX_KEY_LENGTH} characters.`,
      );
    }

    const scope = scopeOf(request, key);
    const claim = await claimIdempotencyKey(db, scope);
    if (claim.kind === 'in_progress') {
      throw new ConflictError('A request with this idempotency-key is still being processed; retry shortly.');
    }
    if (claim.kind === 'completed') {
      reply.header('idempotent-replayed', 'true');
      return reply.code(claim.status).type('application/json').send(claim.body);
    }
    request.idempotencyScope = scope;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const scope = request.idempotencyScope;
    if (!scope) return payload;
    request.idempotencyScope = null;

    try {
      if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
        await completeIdempotencyKey(db, scope, reply.statusCode, payload);
      } else {
        await releaseIdempotencyKey(db, scope);
      }
    } catch (error) {
      // The response still goes out. A key left pending expires on its own, and a repeat of a
      // completed request that could not be stored may run it again.
      request.log.warn({ err: error }, 'storing the idempotency key failed');
    }
    return payload;
  });
}
