import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { compileSchema, createAjv, responseSchema, type OpenApiDocument } from './support/openapi-validator.js';
import { startReceiver, type Receiver } from './support/receiver.js';

/**
 * Makes real calls and checks each response body against the schema the OpenAPI document
 * gives for its status. Undeclared response fields fail too, so the document cannot drift
 * from what the handlers return.
 */

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  query?: string;
  token?: string | null;
}

interface Result {
  status: number;
  json: any;
}

describe('openapi responses', () => {
  let server: TestServer;
  let receiver: Receiver;
  let document: OpenApiDocument;
  let ajv: ReturnType<typeof createAjv>;
  const validators = new Map<object, ValidateFunction>();
  const checked = new Set<string>();

  before(async () => {
    server = await startHookline();
    receiver = await startReceiver();
    document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    ajv = createAjv(document, true);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  /** Calls `method template` with `values` in the path and validates the response body. */
  async function call(method: string, template: string, values: string[], options: CallOptions = {}): Promise<Result> {
    let index = 0;
    const path = template.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[index++]!));
    const headers: Record<string, string> = {};
    if (options.token !== null) headers.authorization = `Bearer ${options.token ?? server.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}${options.query ? `?${options.query}` : ''}`, { method, headers, body });
    const text = await response.text();
    const key = `${method} ${template} ${response.status}`;

    const schema = responseSchema(document, method, template, response.status);
    if (schema === null) {
      assert.equal(text, '', `${key} documents no body but returned one`);
      checked.add(key);
      return { status: response.status, json: undefined };
    }
    const json = JSON.parse(text) as unknown;
    if (!validators.has(schema)) validators.set(schema, compileSchema(ajv, schema));
    const validate = validators.get(schema)!;
    const problems = (validate(json) ? [] : validate.errors!).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
    assert.deepEqual(problems, [], `${key} body does not match the document: ${text}`);
    checked.add(key);
    return { status: response.status, json };
  }

  it('matches the application and event type routes', async () => {
    assert.equal((await call('POST', '/api/v1/app', [], { body: { name: 'Acme', uid: 'acme', metadata: { tier: 'gold' } } })).status, 201);
    assert.equal((await call('POST', '/api/v1/app', [], { body: { name: 'Acme', uid: 'acme' }, query: 'get_if_exists=true' })).status, 200);
    assert.equal((await call('GET', '/api/v1/app', [], { query: 'limit=1' })).status, 200);
    assert.equal((await call('GET', '/api/v1/app/{app_id}', ['acme'])).status, 200);
    assert.equal((await call('PATCH', '/api/v1/app/{app_id}', ['acme'], { body: { rateLimit: 10 } })).status, 200);
    assert.equal((await call('PUT', '/api/v1/app/{app_id}', ['acme-put'], { body: { name: 'Put' } })).status, 201);
    assert.equal((await call('PUT', '/api/v1/app/{app_id}', ['acme-put'], { body: { name: 'Put again' } })).status, 200);
    assert.equal((await call('DELETE', '/api/v1/app/{app_id}', ['acme-put'])).status, 204);

    const schemas = { '1': { type: 'object', examples: [{ invoice: 'in_1' }] } };
    const eventType = { name: 'invoice.paid', description: 'An invoice was paid', schemas };
    assert.equal((await call('POST', '/api/v1/event-type', [], { body: eventType })).status, 201);
    assert.equal((await call('GET', '/api/v1/event-type', [], { query: 'with_content=true' })).status, 200);
    assert.equal((await call('GET', '/api/v1/event-type/{event_type_name}', ['invoice.paid'])).status, 200);
    assert.equal((await call('PUT', '/api/v1/event-type/{event_type_name}', ['invoice.sent'], { body: { description: 'Sent' } })).status, 201);
    assert.equal((await call('PATCH', '/api/v1/event-type/{event_type_name}', ['invoice.sent'], { body: { deprecated: true } })).status, 200);
    assert.equal((await call('DELETE', '/api/v1/event-type/{event_type_name}', ['invoice.sent'])).status, 204);
  });

  it('matches the endpoint, message and attempt routes', async () => {
    const endpoint = await call('POST', '/api/v1/app/{app_id}/endpoint', ['acme'], {
      body: { url: receiver.url, uid: 'main', filterTypes: ['invoice.paid'], headers: { 'x-tenant': 'acme' } },
    });
    assert.equal(endpoint.status, 201);
    const endpointIds = ['acme', 'main'];
    await call('GET', '/api/v1/app/{app_id}/endpoint', ['acme']);
    await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}', endpointIds);
    await call('PATCH', '/api/v1/app/{app_id}/endpoint/{endpoint_id}', endpointIds, { body: { description: 'patched' } });
    await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/secret', endpointIds);
    await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers', endpointIds);
    await call('PUT', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers', endpointIds, { body: { headers: { 'x-api-key': 'k' } } });
    await call('PATCH', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers', endpointIds, { body: { headers: { 'x-b': 'b' } } });
    const headers = await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/headers', endpointIds);
    assert.deepEqual(headers.json.sensitive, ['x-api-key']);
    await call('POST', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate', endpointIds, { body: {} });

    const message = await call('POST', '/api/v1/app/{app_id}/msg', ['acme'], {
      body: { eventType: 'invoice.paid', eventId: 'evt-1', payload: { invoice: 'in_1' }, channels: ['billing'], tags: ['t'] },
    });
    assert.equal(message.status, 202);
    const messageId = message.json.id as string;
    await eventually(async () => (await call('GET', '/api/v1/app/{app_id}/attempt/msg/{msg_id}', ['acme', messageId])).json.data[0], 10_000, 'an attempt');
    const attempts = await call('GET', '/api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}', endpointIds, { query: 'status=0' });
    const attemptId = attempts.json.data[0].id as string;
    await call('GET', '/api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}', ['acme', messageId, attemptId]);
    await call('GET', '/api/v1/app/{app_id}/msg', ['acme'], { query: 'event_types=invoice.paid&with_content=false' });
    await call('GET', '/api/v1/app/{app_id}/msg/{msg_id}', ['acme', 'evt-1']);
    await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/msg', endpointIds);
    await call('GET', '/api/v1/app/{app_id}/msg/{msg_id}/endpoint', ['acme', messageId]);
    await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/stats', endpointIds);
    const health = await call('GET', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/health', endpointIds, { query: 'buckets=4' });
    assert.equal(health.json.buckets.length, 4);
    assert.equal((await call('POST', '/api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend', ['acme', messageId, 'main'])).status, 202);
    await call('POST', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example', endpointIds, { body: { eventType: 'invoice.paid' } });

    const task = await call('POST', '/api/v1/app/{app_id}/endpoint/{endpoint_id}/recover', endpointIds, { body: { since: new Date(0).toISOString() } });
    assert.equal(task.status, 202);
    await call('GET', '/api/v1/background-task', []);
    await call('GET', '/api/v1/background-task/{task_id}', [task.json.id as string]);

    await call('DELETE', '/api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}/content', ['acme', messageId, attemptId]);
    await call('DELETE', '/api/v1/app/{app_id}/msg/{msg_id}/content', ['acme', messageId]);
    const portal = await call('POST', '/api/v1/auth/app-portal-access/{app_id}', ['acme'], { body: { expiry: 3600 } });
    assert.equal((await call('POST', '/api/v1/auth/logout', [], { token: portal.json.token as string })).status, 204);
    assert.equal((await call('DELETE', '/api/v1/app/{app_id}/endpoint/{endpoint_id}', endpointIds)).status, 204);
  });

  it('matches the inbound source routes', async () => {
    const source = await call('POST', '/ingest/api/v1/source', [], {
      body: { name: 'GitHub', uid: 'gh', type: 'github', config: { secret: 'gh-openapi-secret' } },
    });
    assert.equal(source.status, 201);
    assert.equal(source.json.config.secret, undefined);
    const sourceId = source.json.id as string;
    await call('GET', '/ingest/api/v1/source', []);
    await call('GET', '/ingest/api/v1/source/{source_id}', ['gh']);
    await call('PUT', '/ingest/api/v1/source/{source_id}', [sourceId], { body: { name: 'GitHub 2', type: 'github', config: { secret: 's2' } } });
    const unsigned = await fetch(`${source.json.ingestUrl as string}`.replace(/^https?:\/\/[^/]+/, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(unsigned.status, 401);
    const stats = await call('GET', '/ingest/api/v1/source/{source_id}/stats', [sourceId]);
    assert.ok(Object.values(stats.json.rejections as Record<string, number>).some((count) => count > 0));

    const destination = await call('POST', '/ingest/api/v1/source/{source_id}/endpoint', [sourceId], { body: { url: receiver.url } });
    assert.equal(destination.status, 201);
    const destinationIds = [sourceId, destination.json.id as string];
    await call('GET', '/ingest/api/v1/source/{source_id}/endpoint', [sourceId]);
    await call('GET', '/ingest/api/v1/source/{source_id}/endpoint/{endpoint_id}', destinationIds);
    await call('PUT', '/ingest/api/v1/source/{source_id}/endpoint/{endpoint_id}', destinationIds, { body: { url: receiver.url, description: 'd' } });
    await call('GET', '/ingest/api/v1/source/{source_id}/endpoint/{endpoint_id}/secret', destinationIds);
    await call('PUT', '/ingest/api/v1/source/{source_id}/endpoint/{endpoint_id}/headers', destinationIds, { body: { headers: { 'x-a': '1' } } });
    await call('GET', '/ingest/api/v1/source/{source_id}/endpoint/{endpoint_id}/headers', destinationIds);
    await call('DELETE', '/ingest/api/v1/source/{source_id}/endpoint/{endpoint_id}', destinationIds);
    assert.equal((await call('DELETE', '/ingest/api/v1/source/{source_id}', [sourceId])).status, 204);
  });

  it('matches the error responses', async () => {
    assert.equal((await call('GET', '/api/v1/app/{app_id}', ['missing-app'])).status, 404);
    assert.equal((await call('GET', '/api/v1/app/{app_id}/msg/{msg_id}', ['acme', 'msg_missing'])).status, 404);
    assert.equal((await call('GET', '/ingest/api/v1/source/{source_id}', ['missing-source'])).status, 404);
    assert.equal((await call('POST', '/api/v1/app', [], { body: { uid: 'no name' } })).status, 422);
    assert.equal((await call('POST', '/api/v1/app', [], { body: { name: 'Dup', uid: 'acme' } })).status, 409);
    assert.equal((await call('GET', '/api/v1/app', [], { query: 'limit=ten' })).status, 422);
    assert.equal((await call('GET', '/api/v1/app/{app_id}', ['bad id!'])).status, 422);
    assert.equal((await call('POST', '/api/v1/app', [], { rawBody: '{"name":' })).status, 400);
    assert.equal((await call('GET', '/api/v1/app', [], { token: null })).status, 401);
    assert.equal((await call('GET', '/api/v1/app', [], { token: 'wrong-token' })).status, 401);
    assert.equal((await call('POST', '/ingest/api/v1/source', [], { body: { name: 'x', type: 'nope' } })).status, 422);
    assert.equal((await call('GET', '/api/v1/health', [], { token: null })).status, 204);
    assert.equal((await call('GET', '/api/v1/health/ping', [], { token: null })).status, 204);
    assert.equal((await call('GET', '/api/v1/openapi.json', [], { token: null })).status, 200);
  });

  it('checked a response of every kind', () => {
    const statuses = new Set([...checked].map((key) => key.split(' ')[2]));
    for (const status of ['200', '201', '202', '204', '400', '401', '404', '409', '422']) {
      assert.ok(statuses.has(status), `no ${status} response was checked`);
    }
    assert.ok(checked.size >= 60, `only ${checked.size} responses were checked`);
  });
});
