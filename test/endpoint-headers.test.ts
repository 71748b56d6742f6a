import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException } from 'svix';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { verifyHmac } from './support/signatures.js';

describe('endpoint headers', () => {
  let server: TestServer;
  let target: Receiver;

  before(async () => {
    server = await startHookline();
    target = await startReceiver();
  });
  after(async () => {
    await server.close();
    await target.close();
  });

  async function createEndpoint(name: string, url = 'http://127.0.0.1:9/') {
    const app = await server.svix.application.create({ name });
    const endpoint = await server.svix.endpoint.create(app.id, { url });
    return { appId: app.id, endpointId: endpoint.id };
  }

  it('masks sensitive values when read', async () => {
    const { appId, endpointId } = await createEndpoint('masked');
    await server.svix.endpoint.updateHeaders(appId, endpointId, {
      headers: { 'X-Tenant': 'acme', Authorization: 'Bearer s3cr3t', Cookie: 'session=1', 'X-Api-Key': 'k-123' },
    });

    const out = await server.svix.endpoint.getHeaders(appId, endpointId);
    assert.deepEqual(out.headers, { 'X-Tenant': 'acme' });
    assert.deepEqual([...out.sensitive].sort(), ['Authorization', 'Cookie', 'X-Api-Key']);
    const raw = await (await server.fetch(`/api/v1/app/${appId}/endpoint/${endpointId}/headers`)).text();
    assert.ok(!raw.includes('s3cr3t'), 'no sensitive value in the response');
    assert.ok(!raw.includes('k-123'), 'no API key in the response');
  });

  it('masks common credential header names', async () => {
    const credentials = {
      'X-Authorization': 'Bearer cred-1',
      'X-Auth': 'cred-2',
      'X_Api_Key': 'cred-3',
      'X-Functions-Key': 'cred-4',
      'Ocp-Apim-Subscription-Key': 'cred-5',
      'X-Session-Id': 'cred-6',
      'X-Client-Credential': 'cred-7',
      'X-Passwd': 'cred-8',
    };
    const receiver = await startReceiver();
    after(() => receiver.close());
    const { appId, endpointId } = await createEndpoint('credentials', receiver.url);
    await server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { 'X-Tenant': 'acme', ...credentials } });

    const out = await server.svix.endpoint.getHeaders(appId, endpointId);
    assert.deepEqual(out.headers, { 'X-Tenant': 'acme' });
    assert.deepEqual([...out.sensitive].sort(), Object.keys(credentials).sort());

    await server.svix.message.create(appId, { eventType: 'user.created', payload: { id: 2 } });
    const [sent] = await receiver.waitForRequests(1);
    assert.equal(sent!.headers['x-functions-key'], 'cred-4', 'the receiver gets the real value');
    const raw = await eventually(async () => {
      const text = await (await server.fetch(`/api/v1/app/${appId}/attempt/endpoint/${endpointId}`)).text();
      return text.includes('"requestHeaders"') ? text : undefined;
    }, 10_000, 'the recorded attempt');
    assert.ok(!raw.includes('cred-'), 'no credential value in the stored request headers');
    const stored = (JSON.parse(raw) as { data: Array<{ requestHeaders: Record<string, string> }> }).data[0]!;
    for (const name of Object.keys(credentials)) assert.equal(stored.requestHeaders[name], '********', name);
    assert.equal(stored.requestHeaders['X-Tenant'], 'acme');
  });

  it('sends a custom User-Agent once, in place of the default', async () => {
    const receiver = await startReceiver();
    after(() => receiver.close());
    const { appId, endpointId } = await createEndpoint('user-agent', receiver.url);
    await server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { 'User-Agent': 'Custom/1' } });

    await server.svix.message.create(appId, { eventType: 'user.created', payload: { id: 3 } });
    const [sent] = await receiver.waitForRequests(1);
    assert.equal(sent!.headers['user-agent'], 'Custom/1');
    const raw = await eventually(async () => {
      const text = await (await server.fetch(`/api/v1/app/${appId}/attempt/endpoint/${endpointId}`)).text();
      return text.includes('"requestHeaders"') ? text : undefined;
    }, 10_000, 'the recorded attempt');
    const stored = (JSON.parse(raw) as { data: Array<{ requestHeaders: Record<string, string> }> }).data[0]!;
    const names = Object.keys(stored.requestHeaders).filter((name) => name.toLowerCase() === 'user-agent');
    assert.deepEqual(names, ['User-Agent'], 'one User-Agent header is sent');
  });

  it('sends headers with every delivery', async () => {
    const { appId, endpointId } = await createEndpoint('delivered', target.url);
    await server.svix.endpoint.updateHeaders(appId, endpointId, {
      headers: { 'X-Tenant': 'acme', Authorization: 'Bearer s3cr3t' },
    });
    const { key } = await server.svix.endpoint.getSecret(appId, endpointId);

    await server.svix.message.create(appId, { eventType: 'user.created', payload: { id: 1 } });
    const [request] = await target.waitForRequests(1);
    assert.equal(request!.headers['x-tenant'], 'acme');
    assert.equal(request!.headers.authorization, 'Bearer s3cr3t');
    assert.deepEqual(verifyHmac(key, request!), { id: 1 });
  });

  it('patches and removes headers', async () => {
    const { appId, endpointId } = await createEndpoint('patched');
    await server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { 'X-One': '1', 'X-Two': '2' } });

    // The SDK types patch values as strings; a null value removes the header.
    const patch = { 'X-Two': null, 'X-Three': '3', 'x-one': 'one' } as unknown as Record<string, string>;
    await server.svix.endpoint.patchHeaders(appId, endpointId, { headers: patch });
    const out = await server.svix.endpoint.getHeaders(appId, endpointId);
    assert.deepEqual(out.headers, { 'x-one': 'one', 'X-Three': '3' });
    assert.deepEqual(out.sensitive, []);

    // PUT replaces the whole set.
    await server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { 'X-Only': 'yes' } });
    assert.deepEqual((await server.svix.endpoint.getHeaders(appId, endpointId)).headers, { 'X-Only': 'yes' });
  });

  it('rejects reserved headers unchanged', async () => {
    const { appId, endpointId } = await createEndpoint('reserved');
    await server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { 'X-Keep': 'kept' } });

    for (const name of ['Host', 'content-type', 'webhook-signature', 'svix-id', 'bad name']) {
      const put = server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { [name]: 'x' } });
      await assert.rejects(put, (error: unknown) => error instanceof ApiException && error.code === 422, `PUT ${name}`);
      const patch = server.svix.endpoint.patchHeaders(appId, endpointId, { headers: { [name]: 'x' } });
      await assert.rejects(patch, (error: unknown) => error instanceof ApiException && error.code === 422, `PATCH ${name}`);
    }
    const invalidValue = server.svix.endpoint.updateHeaders(appId, endpointId, { headers: { 'X-Bad': 'line\nbreak' } });
    await assert.rejects(invalidValue, (error: unknown) => error instanceof ApiException && error.code === 422);

    const response = await server.fetch(`/api/v1/app/${appId}/endpoint/${endpointId}/headers`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ headers: { 'Webhook-Id': 'forged' } }),
    });
    assert.equal(response.status, 422);
    const body = (await response.json()) as { detail: Array<{ loc: string[] }> };
    assert.deepEqual(body.detail[0]!.loc, ['body', 'headers', 'Webhook-Id']);
    assert.deepEqual((await server.svix.endpoint.getHeaders(appId, endpointId)).headers, { 'X-Keep': 'kept' });
  });

  it('returns 404 for unknown endpoints', async () => {
    const { appId } = await createEndpoint('missing');
    await assert.rejects(
      server.svix.endpoint.getHeaders(appId, 'ep_unknown'),
      (error: unknown) => error instanceof ApiException && error.code === 404,
    );
  });
});
