import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import type { Logger } from 'pino';

/**
 * The dashboard's files are plain ES modules and CSS, served from the source tree so that a
 * fresh install needs no build step for them. This module runs from dist/src/dashboard/.
 */
const PUBLIC_DIR = new URL('../../../src/dashboard/public/', import.meta.url);

export const DASHBOARD_ROUTES = ['/ui', '/ui/', '/ui/assets/:file'] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

/**
 * No inline script or style, no third-party origin: the page loads only its own files and
 * talks only to this server.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  contentType: string;
}

/** Reads every servable file once; only names found here are ever served. */
function loadAssets(logger: Logger): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  let names: string[];
  try {
    names = readdirSync(PUBLIC_DIR);
  } catch (error) {
    logger.error({ err: error, dir: PUBLIC_DIR.pathname }, 'dashboard files not found, /ui is unavailable');
    return assets;
  }
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets.set(name, { body: readFileSync(new URL(name, PUBLIC_DIR)), contentType });
  }
  return assets;
}

function sendAsset(reply: FastifyReply, asset: Asset) {
  return reply
    .header('content-type', asset.contentType)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-cache')
    .send(asset.body);
}

/** Route descriptions; `hide` keeps these non-API routes out of a generated API document. */
function pageSchema(summary: string): FastifySchema {
  // Fastify's type lists only the validated parts; it keeps the other keys for documentation.
  return { summary, tags: ['Dashboard'], hide: true } as FastifySchema;
}

const assetSchema = {
  ...pageSchema('Get a dashboard file'),
  params: { type: 'object', properties: { file: { type: 'string', description: 'A file name, such as app.js.' } } },
};

function notFound(reply: FastifyReply, what: string) {
  return reply.code(404).send({ code: 'not_found', detail: `dashboard file not found: ${what}` });
}

/**
 * Serves the dashboard at /ui/. The page signs in with a bearer token kept in the browser's
 * sessionStorage and reads everything through the JSON API, so these routes need no token.
 */
export function dashboardRoutes(app: FastifyInstance, logger: Logger): void {
  const assets = loadAssets(logger);
  const index = assets.get('index.html');

  // A relative redirect keeps working when a proxy serves Hookline under a path prefix.
  app.get('/ui', { schema: pageSchema('Redirect to the dashboard') }, async (_request, reply) =>
    reply.code(301).header('location', 'ui/').send(),
  );

  app.get('/ui/', { schema: pageSchema('Get the dashboard page') }, async (_request, reply) =>
    index ? sendAsset(reply, index) : notFound(reply, 'index.html'),
  );

  app.get<{ Params: { file: string } }>('/ui/assets/:file', { schema: assetSchema }, async (request, reply) => {
    const name = request.params.file;
    const asset = name === 'index.html' ? undefined : assets.get(name);
    return asset ? sendAsset(reply, asset) : notFound(reply, name);
  });
}
