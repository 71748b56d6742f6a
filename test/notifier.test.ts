import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { WorkPublisher } from '../src/queue/notifier.js';
import { openStore, type Store } from '../src/store/database.js';
import { createTestDatabase, TEST_ENGINE, TEST_POSTGRES_URL, type TestDatabase } from './support/database.js';

const skip = TEST_ENGINE === 'postgres' ? undefined : 'skipped: notifications exist on PostgreSQL only';

describe('work notifications', { skip }, () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store;
  let listener: pg.Client;
  // A channel of its own, so notifications from tests running beside this one are not counted.
  const channel = `hookline_test_${randomBytes(6).toString('hex')}`;
  const received: string[] = [];

  before(async () => {
    dir = mkdtempSync(`${tmpdir()}/hookline-notify-`);
    database = createTestDatabase(dir);
    store = await openStore(database.url);
    listener = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await listener.connect();
    listener.on('notification', (message) => received.push(message.channel));
    await listener.query(`LISTEN ${channel}`);
  });
  after(async () => {
    await listener.end();
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('coalesces a burst into two notifications', async () => {
    const publisher = new WorkPublisher(store, pino({ level: 'silent' }), channel);
    for (let i = 0; i < 50; i++) publisher.publish();
    await settle();
    // The first request sends at once; the other 49 share the one sent after it.
    assert.equal(received.length, 2);

    publisher.publish();
    await settle();
    assert.equal(received.length, 3);
  });
});
