import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { WebhookVerificationError } from './verify/errors.js';

const gunzipAsync = promisify(gunzip);

function tooLarge(limit: number): WebhookVerificationError {
  return new WebhookVerificationError('payload_too_large', `The body is larger than the source's limit of ${limit} bytes.`);
}

/** Rejects at once a request whose Content-Length is over the limit, before reading anything. */
export function checkContentLength(request: IncomingMessage, limit: number): void {
  const header = request.headers['content-length'];
  if (header !== undefined && /^\d+$/.test(header) && Number(header) > limit) throw tooLarge(limit);
}

/**
 * Reads the body as received, and stops reading as soon as it grows past `limit`. The stream
 * is paused rather than destroyed, so the 413 response can still be written before the
 * connection closes.
 */
export function readRawBody(stream: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * Inflates a gzip body with the output capped at `limit`, so a small compressed body cannot
 * expand into memory without bound. A truncated or corrupt stream is a 400.
 */
export async function inflateGzip(body: Buffer, limit: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw tooLarge(limit);
    throw new WebhookVerificationError('invalid_content_encoding', 'The gzip body is truncated or corrupt.');
  }
}

/** Returns the body's content coding: `gzip`, or undefined for none. Other codings are rejected. */
export function contentCoding(request: IncomingMessage): 'gzip' | undefined {
  const value = request.headers['content-encoding']?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'identity') return undefined;
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  throw new WebhookVerificationError('unsupported_content_encoding', `Content-Encoding "${value}" is not supported; send gzip or none.`);
}
