import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { NotFoundError } from '../src/errors.js';
import { deleteApplication, findApplicationForMessage, insertApplication, updateApplication } from '../src/store/applications.js';
import type { Store } from '../src/store/database.js';
import { LookupCache } from '../src/store/lookup-cache.js';
import { insertMessage } from '../src/store/messages.js';
import { deleteToken, findRequestToken, insertToken } from '../src/store/tokens.js';
import { suiteStore } from './support/database.js';

describe('lookup cache', () => {
  it('reuses reads within the TTL', async () => {
    const cache = new LookupCache<string>(1000);
    const db = {};
    let reads = 0;
    const load = (value: string | undefined) => async () => {
      reads++;
      return value;
    };

    assert.equal(await cache.get(db, 'k', load('first'), 0), 'first');
    assert.equal(await cache.get(db, 'k', load('second'), 999), 'first');
    assert.equal(await cache.get(db, 'k', load('third'), 1000), 'third');
    assert.equal(reads, 2);

    assert.equal(await cache.get(db, 'gone', load(undefined), 0), undefined);
    assert.equal(await cache.get(db, 'gone', load('now here'), 1), 'now here');
    // Another database handle never reads this handle's rows.
    assert.equal(await cache.get({}, 'k', load('other'), 1001), 'other');
  });

  it('drops reads on invalidate', async () => {
    const cache = new LookupCache<string>(60_000);
    const db = {};
    await cache.get(db, 'k', async () => 'old', 0);
    cache.invalidate();
    assert.equal(await cache.get(db, 'k', async () => 'new', 1), 'new');

    // A change lands while the read is in flight, so its value is returned once and not kept.
    const during = await cache.get(
      db,
      'race',
      async () => {
        cache.invalidate();
        return 'maybe stale';
      },
      2,
    );
    assert.equal(during, 'maybe stale');
    assert.equal(await cache.get(db, 'race', async () => 'fresh', 3), 'fresh');
  });
});

describe('cached lookups in the store', () => {
  const suite = suiteStore('lookups');
  let store: Store;
  before(() => {
    store = suite.store;
  });

  it('rejects expired cached tokens', async () => {
    const now = Date.now();
    const id = await insertToken(store.db, 'tok-expiring', 'test', { expiresAt: now + 500 });
    assert.equal((await findRequestToken(store.db, 'tok-expiring', now))?.id, id);
    assert.equal(await findRequestToken(store.db, 'tok-expiring', now + 500), undefined);
  });

  it('rejects deleted tokens at once', async () => {
    const id = await insertToken(store.db, 'tok-deleted', 'test');
    assert.equal((await findRequestToken(store.db, 'tok-deleted'))?.id, id);
    await deleteToken(store.db, id);
    assert.equal(await findRequestToken(store.db, 'tok-deleted'), undefined);
  });

  it('applies application changes at once', async () => {
    const fields = { name: 'a', uid: 'cached-app', rateLimit: null, throttleRate: null, metadata: {} };
    const app = await insertApplication(store.db, fields);
    assert.equal((await findApplicationForMessage(store.db, 'cached-app'))?.id, app.id);
    await updateApplication(store.db, app.id, { ...fields, uid: 'renamed-app' });
    assert.equal(await findApplicationForMessage(store.db, 'cached-app'), undefined);
    await deleteApplication(store.db, app.id);
    assert.equal(await findApplicationForMessage(store.db, 'renamed-app'), undefined);
  });

  it('returns 404 for a deleted application', async () => {
    const app = await insertApplication(store.db, { name: 'b', uid: null, rateLimit: null, throttleRate: null, metadata: {} });
    await findApplicationForMessage(store.db, app.id);
    // Deleted by another process: this process's cache still contains the row.
    await store.db.deleteFrom('applications').where('id', '=', app.id).execute();
    assert.equal((await findApplicationForMessage(store.db, app.id))?.id, app.id);

    const message = { appId: app.id, eventType: 'a.b', eventId: null, payload: '{}', channels: null, tags: null };
    await assert.rejects(insertMessage(store.writes, message), NotFoundError);
  });
});
