import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ConflictError } from '../src/errors.js';
import { insertApplication } from '../src/store/applications.js';
import type { Store } from '../src/store/database.js';
import { insertEndpoint, type EndpointFields } from '../src/store/endpoints.js';
import { insertMessage, type NewMessage } from '../src/store/messages.js';
import { WriteBatcher } from '../src/store/write-batcher.js';
import { suiteStore } from './support/database.js';

const endpointFields = (url: string, overrides: Partial<EndpointFields> = {}): EndpointFields => ({
  url,
  description: '',
  uid: null,
  version: 1,
  disabled: false,
  filterTypes: null,
  channels: null,
  rateLimit: null,
  throttleRate: null,
  metadata: {},
  headers: {},
  ...overrides,
});

const message = (appId: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  appId,
  eventType: 'invoice.paid',
  eventId: null,
  payload: '{}',
  channels: null,
  tags: null,
  ...overrides,
});

describe('message batches', () => {
  const suite = suiteStore('batches');
  let store: Store;
  before(() => {
    store = suite.store;
  });

  const newApp = async (name: string) =>
    (await insertApplication(store.db, { name, uid: null, rateLimit: null, throttleRate: null, metadata: {} })).id;
  const addEndpoint = (appId: string, path: string, overrides: Partial<EndpointFields> = {}) =>
    insertEndpoint(store.db, appId, endpointFields(`http://127.0.0.1:9/${path}`, overrides), { secret: 'x', previous_secrets: '[]' });
  const deliveriesOf = async (messageId: string) =>
    (await store.db.selectFrom('deliveries').select('endpoint_id').where('message_id', '=', messageId).execute())
      .map((row) => row.endpoint_id)
      .sort();

  it('batches items and isolates failures', async () => {
    const calls: string[][] = [];
    const batcher = new WriteBatcher<string, string>(
      store.writes,
      async (_trx, items) => {
        calls.push(items);
        if (items.includes('bad')) throw new Error('bad item');
        return items.map((item) => item.toUpperCase());
      },
      { maxBatch: 4 },
    );

    const ok = await Promise.all(['a', 'b', 'c'].map((item) => batcher.add(item)));
    assert.deepEqual(ok, ['A', 'B', 'C']);
    assert.deepEqual(calls, [['a', 'b', 'c']]);

    calls.length = 0;
    const mixed = await Promise.allSettled(['d', 'bad', 'e', 'f', 'g'].map((item) => batcher.add(item)));
    assert.deepEqual(
      mixed.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected')),
      ['D', 'rejected', 'E', 'F', 'G'],
    );
    // With maxBatch 4, the first four fail together and are retried one by one. The fifth goes alone.
    // The group commit below may run a retried single twice, when it shares a rolled-back
    // transaction with the failing one, so the calls are compared as a set.
    assert.deepEqual(calls[0], ['d', 'bad', 'e', 'f']);
    assert.deepEqual([...new Set(calls.slice(1).map((items) => items.join()))].sort(), ['bad', 'd', 'e', 'f', 'g']);
  });

  it('rejects only the duplicate eventId', async () => {
    const appId = await newApp('duplicates');
    const endpoint = await addEndpoint(appId, 'dup');
    const messages = Array.from({ length: 20 }, (_, i) => message(appId, { eventId: i % 7 === 0 ? 'evt-same' : `evt-${i}` }));
    const results = await Promise.allSettled(messages.map((item) => insertMessage(store.writes, item)));

    const rejected = results.filter((result) => result.status === 'rejected');
    // Indexes 0, 7 and 14 share one eventId: exactly one of them is stored.
    assert.equal(rejected.length, 2);
    for (const result of rejected) assert.ok((result as PromiseRejectedResult).reason instanceof ConflictError);
    const stored = await store.db.selectFrom('messages').select(['id', 'event_id']).where('app_id', '=', appId).execute();
    assert.equal(stored.length, 18);
    assert.equal(new Set(stored.map((row) => row.event_id)).size, 18);
    for (const row of stored) assert.deepEqual(await deliveriesOf(row.id), [endpoint.id]);
  });

  it('matches endpoints per message', async () => {
    const first = await newApp('first');
    const second = await newApp('second');
    const all = await addEndpoint(first, 'all');
    const paidOnly = await addEndpoint(first, 'paid', { filterTypes: ['invoice.paid'] });
    const channel = await addEndpoint(first, 'eu', { channels: ['eu'] });
    await addEndpoint(first, 'off', { disabled: true });
    const other = await addEndpoint(second, 'other');

    const [paid, refunded, europe, elsewhere, example] = await Promise.all([
      insertMessage(store.writes, message(first)),
      insertMessage(store.writes, message(first, { eventType: 'invoice.refunded' })),
      insertMessage(store.writes, message(first, { eventType: 'invoice.refunded', channels: ['eu'] })),
      insertMessage(store.writes, message(second)),
      insertMessage(store.writes, message(first, { eventType: 'x.y', onlyEndpointId: paidOnly.id })),
    ]);

    assert.deepEqual(await deliveriesOf(paid!.row.id), [all.id, paidOnly.id].sort());
    assert.equal(paid!.deliveryCount, 2);
    assert.deepEqual(await deliveriesOf(refunded!.row.id), [all.id]);
    assert.deepEqual(await deliveriesOf(europe!.row.id), [all.id, channel.id].sort());
    assert.deepEqual(await deliveriesOf(elsewhere!.row.id), [other.id]);
    assert.deepEqual(await deliveriesOf(example!.row.id), [paidOnly.id]);
    assert.equal(example!.deliveryCount, 1);
  });

  it('splits wide fan-out inserts', async () => {
    const appId = await newApp('wide');
    const endpoints = [];
    for (let i = 0; i < 130; i++) endpoints.push((await addEndpoint(appId, `wide-${i}`)).id);
    // Five messages to 130 endpoints make 650 delivery rows, more than one statement inserts.
    const inserted = await Promise.all(Array.from({ length: 5 }, () => insertMessage(store.writes, message(appId))));

    for (const { row, deliveryCount } of inserted) {
      assert.equal(deliveryCount, 130);
      assert.deepEqual(await deliveriesOf(row.id), [...endpoints].sort());
    }
  });
});
