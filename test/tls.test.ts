import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { eventually, startHookline, TEST_TOKEN, type TestServer } from './support/hookline.js';

interface Pem {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/** Makes a self-signed certificate for 127.0.0.1 with the openssl command. */
function selfSigned(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const result = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', keyFile, '-out', certFile,
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

const opensslAvailable = spawnSync('openssl', ['version']).status === 0;

describe('TLS', { skip: opensslAvailable ? false : 'the openssl command is not installed' }, () => {
  let dir: string;
  let receiverPem: Pem;
  let receiver: Server;
  let receiverUrl: string;
  let received = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-tls-'));
    receiverPem = selfSigned(dir, 'receiver');
    receiver = createServer({ cert: receiverPem.cert, key: receiverPem.key }, (req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends one message to the receiver and returns its first attempt as JSON. */
  async function firstAttempt(server: TestServer) {
    const app = await server.svix.application.create({ name: 'tls' });
    await server.svix.endpoint.create(app.id, { url: receiverUrl });
    const message = await server.svix.message.create(app.id, { eventType: 'e.tls', payload: {} });
    return eventually(async () => {
      const response = await server.fetch(`/api/v1/app/${app.id}/attempt/msg/${message.id}`);
      const body = (await response.json()) as {
        data: Array<{ status: number; responseStatusCode: number; errorCode: string | null }>;
      };
      return body.data.at(-1);
    }, 15_000, 'an attempt');
  }

  it('rejects an untrusted certificate', async () => {
    const server = await startHookline();
    try {
      const before = received;
      const attempt = await firstAttempt(server);
      assert.equal(attempt.errorCode, 'tls_error');
      assert.equal(attempt.responseStatusCode, 0);
      assert.equal(received, before, 'no request completed');
    } finally {
      await server.close();
    }
  });

  it('trusts a CA from HOOKLINE_TLS_CA_FILE', async () => {
    const server = await startHookline({ HOOKLINE_TLS_CA_FILE: receiverPem.certFile });
    try {
      const attempt = await firstAttempt(server);
      assert.equal(attempt.responseStatusCode, 200);
      assert.equal(attempt.status, 0);
    } finally {
      await server.close();
    }
  });

  it('serves the API over HTTPS', async () => {
    const serverPem = selfSigned(dir, 'server');
    const server = await startHookline({ HOOKLINE_TLS_CERT: serverPem.certFile, HOOKLINE_TLS_KEY: serverPem.keyFile });
    const agent = new Agent({ connect: { ca: serverPem.cert } });
    try {
      assert.match(server.url, /^https:\/\//);
      const response = await request(`${server.url}/api/v1/app`, {
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        dispatcher: agent,
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(((await response.body.json()) as { data: unknown[] }).data, []);

      const untrusted = request(`${server.url}/api/v1/health`, { dispatcher: new Agent() });
      await assert.rejects(untrusted, /self-signed|self signed/i);
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('rejects plain http endpoints with HOOKLINE_HTTPS_ONLY', async () => {
    const server = await startHookline({ HOOKLINE_HTTPS_ONLY: 'true' });
    try {
      const app = await server.svix.application.create({ name: 'https-only' });
      const post = (url: string) =>
        server.fetch(`/api/v1/app/${app.id}/endpoint`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        });
      const plain = await post('http://hooks.example.com/in');
      assert.equal(plain.status, 422);
      assert.equal(((await plain.json()) as { code: string }).code, 'https_required');
      assert.equal((await post('https://hooks.example.com/in')).status, 201);
      assert.equal((await post('http://127.0.0.1:9/')).status, 201, 'allow-listed loopback is exempt');
    } finally {
      await server.close();
    }
  });
});
