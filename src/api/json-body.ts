import type { FastifyRequest } from 'fastify';
import { HooklineError } from '../errors.js';

/**
 * Parses a JSON request body and keeps its text on the request. The body is read as UTF-8, so
 * another declared charset is rejected rather than decoded wrongly. Strings outside `payload`
 * must be well-formed UTF-16: a lone surrogate would be stored as U+FFFD, so the object would
 * not keep the name the client sent. The payload is stored as raw text and keeps its escapes.
 */
export function parseJsonBody(contentType: string | undefined, text: string, request: FastifyRequest): unknown {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HooklineError('unsupported_media_type', 415, `charset ${charset} is not supported; send UTF-8.`);
  }

  request.rawBody = text;
  const parsed = JSON.parse(text) as unknown;
  const unpaired = findUnpairedSurrogate(parsed, [], true);
  if (unpaired) {
    throw new HooklineError('invalid_json', 400, `The string at ${unpaired} contains an unpaired surrogate.`);
  }
  return parsed;
}

/** Returns the path of the first string with an unpaired surrogate, skipping `payload` at the top. */
function findUnpairedSurrogate(value: unknown, path: string[], top: boolean): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path.join('.') || '(body)';
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (top && key === 'payload') continue;
    if (!key.isWellFormed()) return [...path, '(key)'].join('.');
    const found = findUnpairedSurrogate(item, [...path, key], false);
    if (found) return found;
  }
  return null;
}
