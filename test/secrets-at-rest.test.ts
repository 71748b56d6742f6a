import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createHookline } from '../src/hookline.js';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { SecretCipher, SecretDecryptionError } from '../src/signing/secret-cipher.js';
import { sqlitePath } from '../src/store/database.js';
import { TEST_ENGINE, createTestDatabase, postgresQuery } from './support/database.js';
import { startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { generateEd25519Secret, verifiesWithEd25519, verifiesWithHmac } from './support/signatures.js';

const MAIN_KEY = 'test-main-key-0123456789abcdef';

/** Reads every stored endpoint row straight from the database, bypassing Hookline. */
async function storedEndpoints(server: TestServer): Promise<Array<Record<string, unknown>>> {
  if (TEST_ENGINE === 'sqlite') {
    const connection = new SqliteDatabase(sqlitePath(server.config.databaseUrl), { readonly: true });
    try {
      return connection.prepare('select * from endpoints').all() as Array<Record<string, unknown>>;
    } finally {
      connection.close();
    }
  }
  const schema = new URL(server.config.databaseUrl).searchParams.get('schema')!;
  return postgresQuery(`select * from ${schema}.endpoints`);
}

/** Reads the SQLite database file and its write-ahead log as raw text; returns '' on PostgreSQL. */
function sqliteFileText(server: TestServer): string {
  if (TEST_ENGINE !== 'sqlite') return '';
  const path = sqlitePath(server.config.databaseUrl);
  return [path, `${path}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}

function keyMaterial(secret: string): string {
  return secret.replace(/^(whsec_|whsk_)/, '');
}

describe('secrets at rest', () => {
  let server: TestServer;
  let target: Receiver;

  before(async () => {
    server = await startHookline({ HOOKLINE_MAIN_KEY: MAIN_KEY });
    target = await startReceiver();
  });
  after(async () => {
    await server.close();
    await target.close();
  });

  it('stores secrets encrypted', async () => {
    const hmacSecret = 'whsec_' + Buffer.from('encrypted-at-rest-secret-bytes!!').toString('base64');
    const ed = generateEd25519Secret();
    const app = await server.svix.application.create({ name: 'at-rest' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: target.url, secret: hmacSecret });
    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, { key: ed.secret });

    const rows = await storedEndpoints(server);
    assert.equal(rows.length, 1);
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(keyMaterial(hmacSecret)), 'the HMAC secret is not stored in clear');
    assert.ok(!stored.includes(keyMaterial(ed.secret)), 'the Ed25519 key is not stored in clear');
    assert.match(String(rows[0]!.secret), /^hlenc1:/);
    assert.match(String(rows[0]!.previous_secrets), /^hlenc1:/);
    const fileText = sqliteFileText(server);
    assert.ok(!fileText.includes(keyMaterial(hmacSecret)), 'the database file has no clear secret');
    assert.ok(!fileText.includes(keyMaterial(ed.secret)), 'the database file has no clear key');

    // Hookline itself still reads and signs with both.
    assert.equal((await server.svix.endpoint.getSecret(app.id, endpoint.id)).key, ed.publicKey);
    await server.svix.message.create(app.id, { eventType: 'user.created', payload: { id: 1 } });
    const [request] = await target.waitForRequests(1);
    assert.ok(verifiesWithHmac(hmacSecret, request!));
    assert.ok(verifiesWithEd25519(ed.publicKey, request!));
  });

  it('refuses to start without the key', async () => {
    await assert.rejects(server.restart({ mainKey: undefined }), /encrypted endpoint secrets but HOOKLINE_MAIN_KEY is not set/);
  });

  it('refuses to start with a wrong key', async () => {
    await assert.rejects(
      server.restart({ mainKey: 'another-main-key-0123456789' }),
      /HOOKLINE_MAIN_KEY is not the key/,
    );
  });

  it('starts again with the right key', async () => {
    await server.restart({ mainKey: MAIN_KEY });
    const apps = await server.svix.application.list();
    const app = apps.data.find((item) => item.name === 'at-rest')!;
    const [endpoint] = (await server.svix.endpoint.list(app.id)).data;
    assert.match((await server.svix.endpoint.getSecret(app.id, endpoint!.id)).key, /^whpk_/);
  });
});

describe('inbound source secrets at rest', () => {
  it('encrypts them and still verifies', async () => {
    const server = await startHookline({ HOOKLINE_MAIN_KEY: MAIN_KEY });
    try {
      const sourceSecret = 'gh-source-secret-kept-encrypted';
      const created = await server.fetch('/ingest/api/v1/source', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'github at rest', type: 'github', config: { secret: sourceSecret } }),
      });
      assert.equal(created.status, 201);
      const source = (await created.json()) as { id: string };

      const schema = new URL(server.config.databaseUrl).searchParams.get('schema');
      const rows =
        TEST_ENGINE === 'sqlite'
          ? (() => {
              const connection = new SqliteDatabase(sqlitePath(server.config.databaseUrl), { readonly: true });
              try {
                return connection.prepare('select config from ingest_sources').all() as Array<{ config: string }>;
              } finally {
                connection.close();
              }
            })()
          : await postgresQuery<{ config: string }>(`select config from ${schema}.ingest_sources`);
      assert.equal(rows.length, 1);
      assert.ok(!rows[0]!.config.includes(sourceSecret), 'the source secret is not stored in clear');
      assert.match(rows[0]!.config, /hlenc1:/);
      assert.ok(!sqliteFileText(server).includes(sourceSecret), 'the database file has no clear source secret');

      const payload = '{"zen":"Keep it logically awesome."}';
      const signature = 'sha256=' + createHmac('sha256', sourceSecret).update(payload).digest('hex');
      // ingestUrl carries the configured listen port (0 in tests), so post to the bound address.
      const response = await fetch(`${server.url}/in/${source.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'x-github-delivery': 'at-rest-1' },
        body: payload,
      });
      assert.equal(response.status, 200, 'the stored secret still verifies requests');
    } finally {
      await server.close();
    }
  });
});

describe('secrets stored in clear', () => {
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

  it('encrypts them once a key is set', async () => {
    const app = await server.svix.application.create({ name: 'clear-first' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: target.url });
    const { key: secret } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.equal((await storedEndpoints(server))[0]!.secret, secret, 'without a key the secret is stored in clear');

    await server.restart({ mainKey: MAIN_KEY });
    const [row] = await storedEndpoints(server);
    assert.match(String(row!.secret), /^hlenc1:/);
    assert.ok(!JSON.stringify(row).includes(keyMaterial(secret)));

    assert.equal((await server.svix.endpoint.getSecret(app.id, endpoint.id)).key, secret);
    await server.svix.message.create(app.id, { eventType: 'user.created', payload: { id: 2 } });
    const [request] = await target.waitForRequests(1);
    assert.ok(verifiesWithHmac(secret, request!));
  });
});

describe('secret cipher', () => {
  const cipher = new SecretCipher(MAIN_KEY);

  it('round-trips with fresh nonces', () => {
    const first = cipher.seal('whsec_abc');
    const second = cipher.seal('whsec_abc');
    assert.match(first, /^hlenc1:/);
    assert.notEqual(first, second, 'each value gets its own nonce');
    assert.equal(cipher.open(first), 'whsec_abc');
    assert.equal(cipher.open(second), 'whsec_abc');
  });

  it('passes clear values through', () => {
    assert.equal(cipher.open('whsec_clear'), 'whsec_clear');
    const clear = new SecretCipher(undefined);
    assert.equal(clear.seal('whsec_clear'), 'whsec_clear');
  });

  it('rejects tampering and wrong keys', () => {
    const sealed = cipher.seal('whsec_abc');
    const bytes = Buffer.from(sealed.slice('hlenc1:'.length), 'base64');
    bytes[14] = bytes[14]! ^ 1;
    const tampered = 'hlenc1:' + bytes.toString('base64');
    assert.throws(() => cipher.open(tampered), SecretDecryptionError);
    assert.throws(() => new SecretCipher('another-main-key-0123456789').open(sealed), SecretDecryptionError);
    assert.throws(() => new SecretCipher(undefined).open(sealed), SecretDecryptionError);
    assert.throws(() => cipher.open('hlenc1:AAAA'), SecretDecryptionError);
  });
});

describe('start without a main key', () => {
  it('logs a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
    const database = createTestDatabase(dir);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = loadConfig({ HOOKLINE_DATABASE_URL: database.url, HOOKLINE_ADMIN_TOKEN: 'test-admin-token' });
    const hookline = await createHookline(config, pino({ level: 'warn' }, sink), 'api');
    try {
      const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
      assert.ok(
        warnings.some((entry) => entry.level === 40 && /HOOKLINE_MAIN_KEY is not set/.test(entry.msg)),
        `expected a warning, got ${lines.join('')}`,
      );
    } finally {
      await hookline.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
