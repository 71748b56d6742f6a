import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { readReference } from './support/svix-reference.js';
import { bodyFor, callRoute, createFixtures, deletionsLast, fillPath, type RouteFixtures } from './support/route-calls.js';

/**
 * Walks every route of the Svix OpenAPI description and checks that Hookline serves it with
 * a documented success status and the response's required fields, unless it is listed below
 * with a reason.
 */

/** Routes Hookline does not serve, each with the reason. */
const EXCLUDED = new Map<string, string>([]);

/**
 * Routes whose description lists no 2xx response. Svix returns 204 for them and the svix SDK
 * reads them as having no body, so that is what is checked.
 */
const UNDOCUMENTED_SUCCESS = new Map<string, number>([
  ['DELETE /api/v1/app/{app_id}/msg/{msg_id}/content', 204],
  ['DELETE /api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}/content', 204],
]);

interface Schema {
  $ref?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

interface Operation {
  responses: Record<string, { content?: { 'application/json'?: { schema?: Schema } } }>;
}

interface Reference {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface ReferenceRoute {
  method: string;
  template: string;
  operation: Operation;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const reference = readReference<Reference>();
const routes: ReferenceRoute[] = Object.entries(reference.paths).flatMap(([template, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), template, operation: item[method]! })),
);

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = reference.components.schemas[name];
  if (!target) throw new Error(`unknown schema ${schema.$ref}`);
  return resolve(target);
}

/** Lists the required fields missing from `value`, and from each item of a list response. */
function missingFields(schema: Schema, value: unknown, where: string): string[] {
  const resolved = resolve(schema);
  if (typeof value !== 'object' || value === null) return [`${where} is not an object`];
  const record = value as Record<string, unknown>;
  const missing = (resolved.required ?? []).filter((field) => !(field in record)).map((field) => `${where}.${field}`);
  const items = resolved.properties?.data?.items;
  if (items && Array.isArray(record.data)) {
    record.data.forEach((item, index) => missing.push(...missingFields(items, item, `${where}.data[${index}]`)));
  }
  return missing;
}

function successStatuses(route: ReferenceRoute): number[] {
  const key = `${route.method} ${route.template}`;
  const documented = Object.keys(route.operation.responses).map(Number).filter((code) => code >= 200 && code < 300);
  if (documented.length > 0) return documented;
  const fallback = UNDOCUMENTED_SUCCESS.get(key);
  if (fallback === undefined) throw new Error(`${key} documents no success status and is not in UNDOCUMENTED_SUCCESS`);
  return [fallback];
}

function successSchema(route: ReferenceRoute, status: number): Schema | undefined {
  return route.operation.responses[String(status)]?.content?.['application/json']?.schema;
}

describe('svix reference coverage', () => {
  let server: TestServer;
  let receiver: Receiver;
  let fixtures: RouteFixtures;

  before(async () => {
    server = await startHookline();
    receiver = await startReceiver();
    fixtures = await createFixtures(server, 'coverage', receiver.url);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('lists only routes the reference has', () => {
    const keys = new Set(routes.map((route) => `${route.method} ${route.template}`));
    for (const key of [...EXCLUDED.keys(), ...UNDOCUMENTED_SUCCESS.keys()]) {
      assert.ok(keys.has(key), `${key} is listed here but is not in the reference`);
    }
  });

  it('serves every reference route', async () => {
    const checked = deletionsLast(routes).filter((route) => {
      const key = `${route.method} ${route.template}`;
      return !EXCLUDED.has(key);
    });
    assert.ok(checked.length > 0, 'the reference has no routes to check');

    for (const route of checked) {
      const key = `${route.method} ${route.template}`;
      // Logging out revokes the token it is sent with, so it gets a portal token of its own.
      let token = server.token;
      if (key === 'POST /api/v1/auth/logout') {
        token = (await server.svix.authentication.appPortalAccess(fixtures.appUid, {})).token;
      }
      const path = fillPath(route.template, fixtures);
      const { status, json } = await callRoute(server, token, route.method, path, bodyFor(route.method, route.template, fixtures));
      const expected = successStatuses(route);
      assert.ok(expected.includes(status), `${key} returned ${status}, expected ${expected.join(' or ')}: ${JSON.stringify(json)}`);
      const schema = successSchema(route, status);
      if (schema) assert.deepEqual(missingFields(schema, json, 'response'), [], `${key} lacks required fields`);
    }
  });
});
