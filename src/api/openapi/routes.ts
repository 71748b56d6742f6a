import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../version.js';
import { buildDocument, type DocumentedRoute } from './document.js';
import { descriptionSchemas } from './operations/platform.js';
import { REFERENCE_PAGE_CSP, renderReferencePage } from './reference-page.js';
import type { JsonSchema } from './route-schema.js';

/** Both are served without a token: they describe the API and contain no data. */
export const DOCUMENT_ROUTE = '/api/v1/openapi.json';
export const REFERENCE_ROUTE = '/api/v1/docs';

export interface DescriptionOptions {
  /** The routes registered so far; read when the document is first requested, after start-up. */
  routes: () => DocumentedRoute[];
  publicUrl: string;
  isPublic: (url: string) => boolean;
}

/** Serves the OpenAPI document built from the route schemas, and the page rendered from it. */
export function descriptionRoutes(app: FastifyInstance, options: DescriptionOptions): void {
  // Routes cannot be added once the server listens, so the document is built once.
  let document: JsonSchema | undefined;
  let page: string | undefined;
  const buildOnce = () =>
    (document ??= buildDocument(options.routes(), {
      version: VERSION,
      serverUrl: options.publicUrl,
      isPublic: options.isPublic,
    }));

  app.get(DOCUMENT_ROUTE, { schema: descriptionSchemas.document }, async () => buildOnce());

  app.get(REFERENCE_ROUTE, { schema: descriptionSchemas.page }, async (_request, reply) => {
    page ??= renderReferencePage(buildOnce(), 'openapi.json');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', REFERENCE_PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(page);
  });
}
