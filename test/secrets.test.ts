import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException } from 'svix';
import { loadConfig } from '../src/config.js';
import { startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import {
  generateEd25519Secret,
  signatureEntries,
  verifiesWithEd25519,
  verifiesWithHmac,
  verifyHmac,
} from './support/signatures.js';

const GRACE_SECONDS = 3;

async function expectStatus(promise: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof ApiException && error.code === status);
}

describe('secret rotation', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startHookline({ HOOKLINE_SECRET_ROTATION_GRACE: String(GRACE_SECONDS) });
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function setup(name: string, secret?: string) {
    const target = await startReceiver();
    receivers.push(target);
    const app = await server.svix.application.create({ name });
    const endpoint = await server.svix.endpoint.create(app.id, { url: target.url, ...(secret ? { secret } : {}) });
    const { key } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    let sent = 0;
    const send = async () => {
      await server.svix.message.create(app.id, { eventType: 'user.created', payload: { n: sent } });
      sent++;
      const requests = await target.waitForRequests(sent);
      return requests[sent - 1]!;
    };
    return { app, endpoint, target, secret: key, send };
  }

  it('signs with old and new secret during grace', async () => {
    const { app, endpoint, secret: oldSecret, send } = await setup('grace');
    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, {});
    const rotatedBy = Date.now();
    const { key: newSecret } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.notEqual(newSecret, oldSecret);
    assert.match(newSecret, /^whsec_/);

    const during = await send();
    assert.equal(signatureEntries(during).length, 2);
    assert.equal(during.headers['svix-signature'], during.headers['webhook-signature']);
    assert.deepEqual(verifyHmac(oldSecret, during), { n: 0 });
    assert.deepEqual(verifyHmac(newSecret, during), { n: 0 });

    // Wait out the grace period, measured from after the rotation returned.
    const wait = rotatedBy + GRACE_SECONDS * 1000 + 200 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const afterGrace = await send();
    assert.equal(signatureEntries(afterGrace).length, 1);
    assert.equal(verifiesWithHmac(oldSecret, afterGrace), false);
    assert.deepEqual(verifyHmac(newSecret, afterGrace), { n: 1 });
  });

  it('rotates to a supplied key', async () => {
    const { app, endpoint, send } = await setup('supplied');
    const supplied = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, { key: supplied });
    const { key } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.equal(key, supplied);
    assert.ok(verifiesWithHmac(supplied, await send()));
  });

  it('ends old secret at once with zero grace', async () => {
    const { app, endpoint, secret: oldSecret, send } = await setup('zero-grace');
    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, { gracePeriodSeconds: 0 });
    const { key: newSecret } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    const request = await send();
    assert.equal(signatureEntries(request).length, 1);
    assert.equal(verifiesWithHmac(oldSecret, request), false);
    assert.ok(verifiesWithHmac(newSecret, request));
  });

  it('keeps at most five previous secrets', async () => {
    const { app, endpoint, secret: first, send } = await setup('cap');
    const secrets = [first];
    for (let i = 0; i < 7; i++) {
      await server.svix.endpoint.rotateSecret(app.id, endpoint.id, { gracePeriodSeconds: 600 });
      secrets.push((await server.svix.endpoint.getSecret(app.id, endpoint.id)).key);
    }
    const request = await send();
    assert.equal(signatureEntries(request).length, 6);
    // The current secret and the five most recent ones verify; the two oldest were dropped.
    for (const secret of secrets.slice(2)) assert.ok(verifiesWithHmac(secret, request));
    assert.equal(verifiesWithHmac(secrets[0]!, request), false);
    assert.equal(verifiesWithHmac(secrets[1]!, request), false);
  });

  it('rejects invalid rotation input', async () => {
    const { app, endpoint, secret } = await setup('invalid');
    await expectStatus(server.svix.endpoint.rotateSecret(app.id, endpoint.id, { key: 'short' }), 422);
    await expectStatus(server.svix.endpoint.rotateSecret(app.id, endpoint.id, { gracePeriodSeconds: 604_801 }), 422);
    // An Ed25519 key has 32 or 64 bytes, so 33 bytes are rejected.
    const badKey = 'whsk_' + Buffer.alloc(33, 1).toString('base64');
    await expectStatus(server.svix.endpoint.rotateSecret(app.id, endpoint.id, { key: badKey }), 422);
    // A 64-byte key whose second half is not the public key of its seed.
    const seed = Buffer.from(generateEd25519Secret().secret.slice('whsk_'.length), 'base64').subarray(0, 32);
    const mismatched = 'whsk_' + Buffer.concat([seed, Buffer.alloc(32, 9)]).toString('base64');
    await expectStatus(server.svix.endpoint.rotateSecret(app.id, endpoint.id, { key: mismatched }), 422);
    await expectStatus(server.svix.endpoint.rotateSecret(app.id, 'ep_missing', {}), 404);
    const { key } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.equal(key, secret);
  });

  it('verifies Ed25519 with the public key', async () => {
    const { secret, publicKey } = generateEd25519Secret();
    const { app, endpoint, send } = await setup('ed25519-supplied', secret);
    const { key } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.equal(key, publicKey);

    const request = await send();
    const entries = signatureEntries(request);
    assert.equal(entries.length, 1);
    assert.match(entries[0]!, /^v1a,/);
    assert.ok(verifiesWithEd25519(publicKey, request));
    assert.equal(verifiesWithEd25519(generateEd25519Secret().publicKey, request), false);
  });

  it('rotates between HMAC and Ed25519', async () => {
    const { app, endpoint, secret: hmacSecret, send } = await setup('mixed');
    const ed = generateEd25519Secret();
    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, { key: ed.secret });
    assert.equal((await server.svix.endpoint.getSecret(app.id, endpoint.id)).key, ed.publicKey);

    const mixed = await send();
    assert.deepEqual(
      signatureEntries(mixed).map((entry) => entry.split(',')[0]),
      ['v1a', 'v1'],
    );
    assert.ok(verifiesWithHmac(hmacSecret, mixed));
    assert.ok(verifiesWithEd25519(ed.publicKey, mixed));

    // And back: an HMAC receiver and the Ed25519 receiver both verify again.
    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, {});
    const { key: newHmac } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    const back = await send();
    assert.equal(signatureEntries(back).length, 3);
    assert.ok(verifiesWithHmac(newHmac, back));
    assert.ok(verifiesWithHmac(hmacSecret, back));
    assert.ok(verifiesWithEd25519(ed.publicKey, back));
  });
});

describe('default secret kind ed25519', () => {
  let server: TestServer;
  let target: Receiver;

  before(async () => {
    server = await startHookline({ HOOKLINE_DEFAULT_SECRET_KIND: 'ed25519' });
    target = await startReceiver();
  });
  after(async () => {
    await server.close();
    await target.close();
  });

  it('creates and rotates Ed25519 secrets', async () => {
    const app = await server.svix.application.create({ name: 'ed-default' });
    const endpoint = await server.svix.endpoint.create(app.id, { url: target.url });
    const { key: firstKey } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.match(firstKey, /^whpk_/);
    assert.equal(Buffer.from(firstKey.slice('whpk_'.length), 'base64').length, 32);

    await server.svix.endpoint.rotateSecret(app.id, endpoint.id, {});
    const { key: secondKey } = await server.svix.endpoint.getSecret(app.id, endpoint.id);
    assert.match(secondKey, /^whpk_/);
    assert.notEqual(secondKey, firstKey);

    await server.svix.message.create(app.id, { eventType: 'user.created', payload: { ok: true } });
    const [request] = await target.waitForRequests(1);
    assert.ok(verifiesWithEd25519(firstKey, request!));
    assert.ok(verifiesWithEd25519(secondKey, request!));
  });

  it('still accepts a supplied HMAC secret', async () => {
    const app = await server.svix.application.create({ name: 'ed-default-hmac' });
    const supplied = 'whsec_' + Buffer.alloc(24, 3).toString('base64');
    const endpoint = await server.svix.endpoint.create(app.id, { url: 'http://127.0.0.1:9/', secret: supplied });
    assert.equal((await server.svix.endpoint.getSecret(app.id, endpoint.id)).key, supplied);
  });
});

describe('secret settings', () => {
  it('parses the secret settings', () => {
    const config = loadConfig({
      HOOKLINE_SECRET_ROTATION_GRACE: '0',
      HOOKLINE_DEFAULT_SECRET_KIND: 'ED25519',
      HOOKLINE_MAIN_KEY: 'k'.repeat(16),
    });
    assert.equal(config.secretRotationGraceMs, 0);
    assert.equal(config.defaultSecretKind, 'ed25519');
    assert.equal(config.mainKey, 'k'.repeat(16));

    const defaults = loadConfig({});
    assert.equal(defaults.secretRotationGraceMs, 86_400_000);
    assert.equal(defaults.defaultSecretKind, 'hmac');
    assert.equal(defaults.mainKey, undefined);
    assert.equal(defaults.validatePayloads, false);
  });

  it('rejects invalid secret settings', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['HOOKLINE_SECRET_ROTATION_GRACE', '-1', /HOOKLINE_SECRET_ROTATION_GRACE is invalid/],
      ['HOOKLINE_SECRET_ROTATION_GRACE', '1.5', /HOOKLINE_SECRET_ROTATION_GRACE is invalid/],
      ['HOOKLINE_SECRET_ROTATION_GRACE', '604801', /HOOKLINE_SECRET_ROTATION_GRACE is invalid/],
      ['HOOKLINE_DEFAULT_SECRET_KIND', 'rsa', /HOOKLINE_DEFAULT_SECRET_KIND is invalid/],
      ['HOOKLINE_MAIN_KEY', 'short', /HOOKLINE_MAIN_KEY is too short/],
      ['HOOKLINE_VALIDATE_PAYLOADS', 'yes please', /HOOKLINE_VALIDATE_PAYLOADS is invalid/],
    ];
    for (const [name, value, message] of cases) {
      assert.throws(() => loadConfig({ [name]: value }), message, `${name}=${value}`);
    }
  });
});
