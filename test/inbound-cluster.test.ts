import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { Svix } from 'svix';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from './support/database.js';
import { TEST_TOKEN } from './support/hookline.js';
import { spawnServer, type ServerProcess } from './support/process.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const postgresOnly = TEST_ENGINE === 'postgres' ? false : 'needs PostgreSQL (HOOKLINE_TEST_ENGINE=postgres)';
const REPLAYS_PER_PROCESS = 6;

describe('inbound replays across processes', { skip: postgresOnly }, () => {
  let dir: string;
  let database: TestDatabase;
  let receiver: Receiver;
  const processes: ServerProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-inbound-'));
    database = createTestDatabase(dir);
    receiver = await startReceiver();
  });
  after(async () => {
    for (const running of processes) running.child.kill('SIGKILL');
    await Promise.all(processes.map((running) => running.exited));
    await receiver.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards a delivery received twice once', async () => {
    const env = {
      HOOKLINE_LISTEN: '127.0.0.1:0',
      HOOKLINE_DATABASE_URL: database.url,
      HOOKLINE_ADMIN_TOKEN: TEST_TOKEN,
      HOOKLINE_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    };
    const first = await spawnServer(env, ['--role', 'all']);
    processes.push(first);
    const second = await spawnServer(env, ['--role', 'api']);
    processes.push(second);

    const svix = new Svix(TEST_TOKEN, { serverUrl: `http://${first.address}` });
    const secret = 'whsec_' + Buffer.from('cluster-standard-webhooks-key-32b').toString('base64');
    const source = await svix.ingest.source.create({ name: 'cluster', type: 'svix', config: { secret } });
    await svix.ingest.endpoint.create(source.id, { url: receiver.url });

    const payload = '{"type":"order.paid","data":{"id":"o_cluster"}}';
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'msg_cluster_1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_cluster_1', now, payload),
    };
    const posts = [first, second].flatMap((running) =>
      Array.from({ length: REPLAYS_PER_PROCESS }, () =>
        fetch(`http://${running.address}/in/${source.id}`, { method: 'POST', headers, body: payload }),
      ),
    );
    const statuses = (await Promise.all(posts)).map((response) => response.status);
    assert.deepEqual(statuses, Array(statuses.length).fill(200));

    await receiver.waitForRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(receiver.requests.length, 1);
  });
});
