import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import { hasIdPrefix, type IdPrefix } from '../ids.js';

/** Ids, uids, event ids and event type names all share this alphabet and length limit. */
const NAME_PATTERN = /^[a-zA-Z0-9\-_.]+$/;
const MAX_NAME_LENGTH = 256;

/**
 * Rejects path parameters that could never name an object, before any handler runs. Without
 * this, a PUT that creates an object from its path would store a name the body schema rejects.
 */
export function installPathValidation(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // The not-found handler carries the whole unmatched path as its `*` parameter.
    if (request.is404) return;
    const params = (request.params ?? {}) as Record<string, string>;
    for (const [name, value] of Object.entries(params)) {
      if (value.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(value)) {
        throw ValidationError.single(
          ['path', name],
          `${name} must match ^[a-zA-Z0-9\\-_.]+$ and be at most ${MAX_NAME_LENGTH} characters`,
        );
      }
    }
  });
}

/**
 * Rejects a uid (or event id) shaped like an id of the same kind: lookups try ids first, so
 * such a uid could never be found.
 */
export function assertNotIdShaped(value: string | null | undefined, prefix: IdPrefix, loc: string[]): void {
  if (value && hasIdPrefix(value, prefix)) {
    throw ValidationError.single(loc, `${loc[loc.length - 1]} must not look like an id (${prefix}_...)`);
  }
}

/** Rejects a body uid that contradicts the uid a PUT or message names in its path. */
export function assertSameUid(pathUid: string, bodyUid: string | null | undefined, loc: string[]): void {
  if (bodyUid && bodyUid !== pathUid) {
    throw ValidationError.single(loc, `uid "${bodyUid}" differs from "${pathUid}" in the path`);
  }
}
