import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Svix } from 'svix';
import { Webhook } from 'standardwebhooks';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_TOKEN } from './support/hookline.js';
import { spawnServer, type ServerProcess } from './support/process.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const MESSAGES = 40;

describe('crash safety', () => {
  let dir: string;
  let receiver: Receiver;
  let running: ServerProcess | undefined;
  let database: TestDatabase;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
    database = createTestDatabase(dir);
    // Slow responses keep attempts in flight when the process is killed.
    receiver = await startReceiver(() => ({ status: 200, delayMs: 300 }));
  });
  after(async () => {
    running?.child.kill('SIGKILL');
    await receiver.close();
    await running?.exited;
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({
    HOOKLINE_LISTEN: '127.0.0.1:0',
    HOOKLINE_DATABASE_URL: database.url,
    HOOKLINE_ADMIN_TOKEN: TEST_TOKEN,
    HOOKLINE_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    HOOKLINE_RETRY_SCHEDULE: '0.2,0.2,0.2',
    HOOKLINE_DELIVERY_TIMEOUT: '1',
    HOOKLINE_WORKER_CONCURRENCY: '4',
  });

  it('delivers everything after SIGKILL', async () => {
    running = await spawnServer(env());
    let svix = new Svix(TEST_TOKEN, { serverUrl: `http://${running.address}` });
    const app = await svix.application.create({ name: 'crash' });
    await svix.endpoint.create(app.id, { url: `${receiver.url}/a` });
    await svix.endpoint.create(app.id, { url: `${receiver.url}/b` });

    const accepted = new Map<string, string>();
    for (let i = 0; i < MESSAGES; i++) {
      const message = await svix.message.create(app.id, { eventType: 'crash.test', payload: { i } });
      accepted.set(message.id, JSON.stringify({ i }));
    }

    // Kill while most deliveries are still pending and a few are in flight.
    assert.ok(receiver.requests.length < MESSAGES * 2, 'deliveries are pending at the kill');
    running.child.kill('SIGKILL');
    assert.equal(await running.exited, 'SIGKILL');
    const beforeRestart = receiver.requests.length;

    running = await spawnServer(env());
    svix = new Svix(TEST_TOKEN, { serverUrl: `http://${running.address}` });

    // Each message must reach both endpoints; leases of the killed process expire after
    // twice the timeout plus 5 s, so allow for that.
    const delivered = () => {
      const seen = new Set(receiver.requests.map((request) => `${request.path} ${request.headers['webhook-id']}`));
      return seen.size;
    };
    const deadline = Date.now() + 30_000;
    while (delivered() < MESSAGES * 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(delivered(), MESSAGES * 2, `delivered before restart: ${beforeRestart}`);

    // Same id and same bytes on every request, including those resent after the crash.
    for (const request of receiver.requests) {
      const id = String(request.headers['webhook-id']);
      assert.equal(request.body.toString(), accepted.get(id), `body of ${id}`);
    }
    const first = receiver.requests.find((request) => request.path === '/a')!;
    const secrets = await Promise.all(
      (await svix.endpoint.list(app.id)).data.map(async (endpoint) => ({
        url: endpoint.url,
        key: (await svix.endpoint.getSecret(app.id, endpoint.id)).key,
      })),
    );
    const secretA = secrets.find((entry) => entry.url.endsWith('/a'))!.key;
    const headers = Object.fromEntries(Object.entries(first.headers).map(([name, value]) => [name, String(value)]));
    assert.doesNotThrow(() => new Webhook(secretA).verify(first.body.toString(), headers));

    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
    running = undefined;
  });

  it('finishes in-flight attempts on SIGTERM', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 600 }));
    try {
      running = await spawnServer(env());
      let svix = new Svix(TEST_TOKEN, { serverUrl: `http://${running.address}` });
      const app = await svix.application.create({ name: 'drain' });
      await svix.endpoint.create(app.id, { url: slow.url });
      const message = await svix.message.create(app.id, { eventType: 'drain.test', payload: {} });
      await slow.waitForRequests(1);

      running.child.kill('SIGTERM');
      assert.equal(await running.exited, 0);
      assert.match(running.output(), /"drained":true/);

      // The attempt finished before exit, so a restart sends nothing again.
      running = await spawnServer(env());
      svix = new Svix(TEST_TOKEN, { serverUrl: `http://${running.address}` });
      const attempts = await svix.messageAttempt.listByMsg(app.id, message.id);
      assert.equal(attempts.data.length, 1);
      assert.equal(attempts.data[0]!.responseStatusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(slow.requests.length, 1);
    } finally {
      running?.child.kill('SIGKILL');
      running = undefined;
      await slow.close();
    }
  });
});
