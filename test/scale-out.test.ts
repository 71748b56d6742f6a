import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Svix } from 'svix';
import { createTestDatabase, postgresQuery, TEST_ENGINE, type TestDatabase } from './support/database.js';
import { TEST_TOKEN } from './support/hookline.js';
import { spawnServer, type ServerProcess } from './support/process.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const MESSAGES = 2000;
const ENDPOINTS = 2;
const SEND_PARALLELISM = 16;
const postgresOnly = TEST_ENGINE === 'postgres' ? false : 'needs PostgreSQL (HOOKLINE_TEST_ENGINE=postgres)';

describe('three processes on one database', { skip: postgresOnly }, () => {
  let dir: string;
  let database: TestDatabase;
  let receiver: Receiver;
  const processes: ServerProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-scale-'));
    database = createTestDatabase(dir);
    // A short delay keeps a realistic number of attempts in flight in each process.
    receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
  });
  after(async () => {
    for (const running of processes) running.child.kill('SIGKILL');
    await Promise.all(processes.map((running) => running.exited));
    await receiver.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers everything when one is killed', async (t) => {
    const env = {
      HOOKLINE_LISTEN: '127.0.0.1:0',
      HOOKLINE_DATABASE_URL: database.url,
      HOOKLINE_ADMIN_TOKEN: TEST_TOKEN,
      HOOKLINE_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      HOOKLINE_RETRY_SCHEDULE: '0.5,0.5,0.5',
      // A lease lasts twice this plus 5 s. On a busy machine an attempt and its record can take
      // seconds, and a lease that runs out before then lets another worker send a duplicate.
      HOOKLINE_DELIVERY_TIMEOUT: '5',
    };
    // All three start at once against an empty schema, so migrations race unless locked.
    const starting = [['--role', 'api'], ['--role', 'all'], ['--role', 'worker']].map(async (args) => {
      const running = await spawnServer(env, args);
      processes.push(running);
      return running;
    });
    const [api, worker, victim] = await Promise.all(starting);
    const clients = [api!, worker!].map((running) => new Svix(TEST_TOKEN, { serverUrl: `http://${running.address}` }));

    const app = await clients[0]!.application.create({ name: 'scale-out' });
    for (let i = 0; i < ENDPOINTS; i++) await clients[0]!.endpoint.create(app.id, { url: `${receiver.url}/ep${i}` });
    const expected = MESSAGES * ENDPOINTS;
    const started = Date.now();

    // Send through both API processes; kill the worker-only process halfway through delivery.
    let next = 0;
    let killedInFlight = -1;
    const send = async (lane: number) => {
      while (next < MESSAGES) {
        const index = next++;
        await clients[lane % 2]!.message.create(app.id, { eventType: 'scale.test', payload: { index } });
      }
    };
    const killHalfway = async () => {
      while (receiver.requests.length < expected / 2) await new Promise((resolve) => setTimeout(resolve, 5));
      victim!.child.kill('SIGKILL');
      await victim!.exited;
      const rows = await postgresQuery<{ count: string }>(
        `select count(*) from ${database.schema}.deliveries where status = 3 and lease_owner like $1`,
        [`%\\_${victim!.child.pid}\\_%`],
      );
      killedInFlight = Number(rows[0]!.count);
    };
    await Promise.all([...Array.from({ length: SEND_PARALLELISM }, (_, lane) => send(lane)), killHalfway()]);
    const accepted = Date.now();

    const unique = () => new Set(receiver.requests.map((r) => `${r.path} ${r.headers['webhook-id']}`)).size;
    const deadline = Date.now() + 60_000;
    while (unique() < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const finished = Date.now();

    const duplicates = receiver.requests.length - unique();
    const report =
      `${MESSAGES} messages x ${ENDPOINTS} endpoints: ${unique()} of ${expected} delivered, ` +
      `${duplicates} delivered twice, ${killedInFlight} in flight in the killed process; ` +
      `accepted in ${accepted - started} ms, all delivered after ${finished - started} ms`;
    t.diagnostic(report);
    console.log(report);

    assert.equal(unique(), expected, 'every message reached every endpoint');
    assert.ok(killedInFlight >= 0, 'the killed process was measured');
    assert.ok(duplicates <= killedInFlight, `duplicates (${duplicates}) <= in flight at the kill (${killedInFlight})`);
  });
});
