import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS } from '../src/api/endpoint-input.js';
import { startHookline, type TestServer } from './support/hookline.js';

interface ErrorBody {
  code: string;
  detail: Array<{ loc: string[]; msg: string }> | string;
}

describe('input limits', () => {
  let server: TestServer;
  let appId: string;

  before(async () => {
    server = await startHookline({ HOOKLINE_MAX_PAYLOAD_BYTES: String(256 * 1024) });
    appId = (await server.svix.application.create({ name: 'limits' })).id;
    for (let i = 0; i < 3; i++) {
      await server.svix.eventType.create({ name: `limit.e${i}`, description: 'limit test' });
    }
  });
  after(async () => {
    await server.close();
  });

  async function createEndpoint(body: Record<string, unknown>): Promise<{ status: number; body: ErrorBody }> {
    const response = await server.fetch(`/api/v1/app/${appId}/endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/', ...body }),
    });
    return { status: response.status, body: (await response.json()) as ErrorBody };
  }

  function assertRejected(result: { status: number; body: ErrorBody }, field: string) {
    assert.equal(result.status, 422, `${field} is rejected with 422`);
    assert.equal(result.body.code, 'validation');
    const detail = result.body.detail as Array<{ loc: string[]; msg: string }>;
    assert.ok(detail.some((issue) => issue.loc.includes(field)), `the error names ${field}: ${JSON.stringify(detail)}`);
  }

  it('limits the endpoint URL length', async () => {
    const base = 'http://127.0.0.1:9/';
    assert.equal((await createEndpoint({ url: base + 'a'.repeat(LIMITS.urlLength - base.length) })).status, 201);
    assertRejected(await createEndpoint({ url: base + 'a'.repeat(LIMITS.urlLength - base.length + 1) }), 'url');
  });

  it('limits custom headers', async () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.headerCount + 1 }, (_, i) => [`x-h${i}`, 'v']));
    assertRejected(await createEndpoint({ headers: many }), 'headers');
    assertRejected(await createEndpoint({ headers: { 'x-long': 'v'.repeat(LIMITS.headerValueLength + 1) } }), 'headers');
    const bulky = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x-b${i}`, 'v'.repeat(4000)]));
    assertRejected(await createEndpoint({ headers: bulky }), 'headers');
    assert.equal((await createEndpoint({ headers: { 'x-ok': 'v'.repeat(100) } })).status, 201);
  });

  it('limits filterTypes and channels', async () => {
    const types = Array.from({ length: LIMITS.filterTypes + 1 }, (_, i) => `t${i}`);
    assertRejected(await createEndpoint({ filterTypes: types }), 'filterTypes');
    const channels = Array.from({ length: 11 }, (_, i) => `c${i}`);
    assertRejected(await createEndpoint({ channels }), 'channels');
  });

  it('limits metadata', async () => {
    const keys = Object.fromEntries(Array.from({ length: LIMITS.metadataKeys + 1 }, (_, i) => [`k${i}`, 'v']));
    assertRejected(await createEndpoint({ metadata: keys }), 'metadata');
    const large = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'v'.repeat(4000)]));
    assertRejected(await createEndpoint({ metadata: large }), 'metadata');

    const response = await server.fetch('/api/v1/app', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'big-metadata', metadata: large }),
    });
    assert.equal(response.status, 422);
  });

  it('rejects an oversize body with 413', async () => {
    const response = await server.fetch(`/api/v1/app/${appId}/msg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'limit.e0', payload: { blob: 'x'.repeat(300 * 1024) } }),
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as ErrorBody).code, 'payload_too_large');
  });

  it('changes nothing on rejection', async () => {
    const before = (await server.svix.endpoint.list(appId, { limit: 250 })).data.length;
    await createEndpoint({ url: 'http://127.0.0.1:9/' + 'a'.repeat(5000) });
    await createEndpoint({ metadata: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])) });
    const after = (await server.svix.endpoint.list(appId, { limit: 250 })).data.length;
    assert.equal(after, before);
  });
});
