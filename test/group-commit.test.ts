import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError } from '../src/errors.js';
import type { Store } from '../src/store/database.js';
import { GroupCommit } from '../src/store/group-commit.js';
import { suiteStore } from './support/database.js';

describe('group commit', () => {
  const suite = suiteStore('group');
  let store: Store;
  before(() => {
    store = suite.store;
  });

  const insertEventType = (name: string) => (trx: Parameters<Parameters<GroupCommit['run']>[0]>[0]) =>
    trx
      .insertInto('event_types')
      .values({ name, description: '', archived: 0, deprecated: 0, feature_flag: null, schemas: null, created_at: 1, updated_at: 1 })
      .execute()
      .then(() => name);

  it('commits concurrent writes together', async () => {
    const group = new GroupCommit(store.db, { maxBatch: 8 });
    const names = Array.from({ length: 20 }, (_, i) => `batch.${i}`);
    const results = await Promise.all(names.map((name) => group.run(insertEventType(name))));
    assert.deepEqual(results, names);

    const rows = await store.db.selectFrom('event_types').select('name').where('name', 'like', 'batch.%').execute();
    assert.equal(rows.length, 20);
  });

  it('isolates one failing write', async () => {
    const group = new GroupCommit(store.db);
    const outcomes = await Promise.allSettled([
      group.run(insertEventType('isolated.a')),
      group.run(async () => {
        throw new ConflictError('duplicate');
      }),
      group.run(insertEventType('isolated.b')),
    ]);
    assert.equal(outcomes[0]!.status, 'fulfilled');
    assert.equal(outcomes[1]!.status, 'rejected');
    assert.ok((outcomes[1] as PromiseRejectedResult).reason instanceof ConflictError);
    assert.equal(outcomes[2]!.status, 'fulfilled');

    const rows = await store.db.selectFrom('event_types').select('name').where('name', 'like', 'isolated.%').execute();
    assert.deepEqual(rows.map((row) => row.name).sort(), ['isolated.a', 'isolated.b']);
  });
});
