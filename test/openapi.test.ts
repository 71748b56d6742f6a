import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listRoutes } from '../src/api/server.js';
import { startHookline, type TestServer } from './support/hookline.js';
import { compileSchema, createAjv, type Json, type OpenApiDocument } from './support/openapi-validator.js';
import { toTemplate } from './support/route-calls.js';
import { readReference } from './support/svix-reference.js';

/** Checks the structure of GET /api/v1/openapi.json against the routes the server serves. */

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** PUT routes that create the object their path names, so they never return 404. */
const CREATED_FROM_PATH = new Set(['PUT /api/v1/event-type/{event_type_name}']);
/** API routes left out of the document on purpose: the HTML rendering of the document. */
const HIDDEN = new Set(['GET /api/v1/docs']);

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

type Document = OpenApiDocument & { openapi: string; paths: Record<string, Record<string, Operation>> };

function operations(document: Document): { key: string; path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      method,
      operation: item[method]!,
    })),
  );
}

function collectRefs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => collectRefs(item, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else collectRefs(inner, found);
    }
  }
  return found;
}

describe('openapi document', () => {
  let server: TestServer;
  let document: Document;

  before(async () => {
    server = await startHookline();
    // No token: the description is public.
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    document = (await response.json()) as Document;
  });

  after(async () => {
    await server?.close();
  });

  it('is OpenAPI 3.1', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.ok(operations(document).length > 40, `only ${operations(document).length} operations`);
  });

  it('documents every API route', () => {
    const documented = new Set(operations(document).map((entry) => entry.key));
    const apiRoutes = listRoutes(server.hookline.api!).filter((route) => /^\/(ingest\/)?api\/v1\//.test(route.url));
    for (const route of apiRoutes) {
      const key = `${route.method} ${toTemplate(route.url)}`;
      if (HIDDEN.has(`${route.method} ${route.url}`)) {
        assert.ok(!documented.has(key), `${key} is hidden but documented`);
        continue;
      }
      assert.ok(documented.has(key), `${key} is served but not documented`);
    }
    const hiddenServed = apiRoutes.filter((route) => HIDDEN.has(`${route.method} ${route.url}`));
    assert.equal(hiddenServed.length, HIDDEN.size, 'every hidden route is served');
  });

  it('documents only served routes', () => {
    const served = new Set(listRoutes(server.hookline.api!).map((route) => `${route.method} ${toTemplate(route.url)}`));
    for (const { key } of operations(document)) assert.ok(served.has(key), `${key} is documented but not served`);
  });

  it('leaves out routes outside the API', () => {
    for (const path of Object.keys(document.paths)) {
      assert.match(path, /^\/(ingest\/)?api\/v1\//, `${path} is outside the API`);
    }
  });

  it('has unique operation ids', () => {
    const seen = new Map<string, string>();
    for (const { key, operation } of operations(document)) {
      assert.ok(operation.operationId, `${key} has no operationId`);
      assert.ok(!seen.has(operation.operationId), `${key} reuses ${operation.operationId} of ${seen.get(operation.operationId)}`);
      seen.set(operation.operationId, key);
    }
  });

  it('declares the path parameters of each template', () => {
    for (const { key, path, operation } of operations(document)) {
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      assert.deepEqual(declared.map((parameter) => parameter.name).sort(), inTemplate, `${key} path parameters`);
      for (const parameter of declared) assert.equal(parameter.required, true, `${key} ${parameter.name} is required`);
    }
  });

  it('gives each operation a summary, tags and responses', () => {
    for (const { key, path, operation } of operations(document)) {
      assert.ok((operation.summary ?? '').length > 3, `${key} has no summary`);
      assert.ok((operation.tags ?? []).length > 0, `${key} has no tags`);
      const statuses = Object.keys(operation.responses);
      assert.ok(statuses.some((status) => /^2\d\d$/.test(status)), `${key} documents no success response`);
      assert.ok(statuses.some((status) => /^([45]\d\d|default)$/.test(status)), `${key} documents no error response`);
      if (path.includes('{') && !CREATED_FROM_PATH.has(key)) assert.ok(statuses.includes('404'), `${key} names objects but documents no 404`);
      if (operation.requestBody) assert.ok(statuses.includes('422'), `${key} takes a body but documents no 422`);
    }
  });

  it('resolves every $ref', () => {
    const refs = collectRefs(document);
    assert.ok(refs.length > 50, `only ${refs.length} references`);
    for (const ref of refs) {
      assert.match(ref, /^#\/components\/schemas\/[A-Za-z0-9]+$/, `unexpected reference ${ref}`);
      const name = ref.slice('#/components/schemas/'.length);
      assert.ok(document.components.schemas[name], `${ref} does not resolve`);
    }
  });

  it('compiles with ajv', () => {
    const ajv = createAjv(document, false);
    for (const name of Object.keys(document.components.schemas)) {
      assert.doesNotThrow(() => compileSchema(ajv, { $ref: `#/components/schemas/${name}` }), `component ${name}`);
    }
    for (const { key, operation } of operations(document)) {
      for (const parameter of operation.parameters ?? []) {
        assert.doesNotThrow(() => compileSchema(ajv, parameter.schema), `${key} parameter ${parameter.name}`);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema) assert.doesNotThrow(() => compileSchema(ajv, schema), `${key} response ${status}`);
      }
    }
  });

  it('describes each request body schema as the route validates it', async () => {
    const ajv = createAjv(document, false);
    const schema = document.paths['/api/v1/app']!.post!.requestBody!.content['application/json']!.schema;
    const validate = compileSchema(ajv, schema);
    assert.equal(validate({ name: 'x' }), true);
    assert.equal(validate({ name: '' }), false);
    const response = await server.fetch('/api/v1/app', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '' }),
    });
    assert.equal(response.status, 422);
  });

  it('matches the svix reference where paths are shared', () => {
    type ReferenceOperation = { operationId?: string; parameters?: { name: string; in: string }[] };
    const reference = readReference<{ paths: Record<string, Record<string, ReferenceOperation>> }>();
    let shared = 0;
    for (const { key, path, method, operation } of operations(document)) {
      const theirs = reference.paths[path]?.[method];
      if (!theirs) continue;
      shared += 1;
      if (theirs.operationId) assert.equal(operation.operationId, theirs.operationId, `${key} operationId`);
      const theirQuery = new Set((theirs.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        assert.ok(theirQuery.has(parameter.name), `${key} query parameter ${parameter.name} is not in the reference`);
      }
    }
    assert.ok(shared >= 40, `only ${shared} operations are shared with the reference`);
  });

  it('marks public operations and requires a token elsewhere', async () => {
    const publicKeys = operations(document)
      .filter(({ operation }) => Array.isArray((operation as { security?: unknown[] }).security))
      .map(({ key }) => key)
      .sort();
    assert.deepEqual(publicKeys, ['GET /api/v1/health', 'GET /api/v1/health/ping', 'GET /api/v1/openapi.json']);
    const withoutToken = await fetch(`${server.url}/api/v1/app`);
    assert.equal(withoutToken.status, 401);
  });
});
