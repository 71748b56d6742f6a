import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.js';

const stripe = new Stripe('sk_test_placeholder');

interface Source {
  id: string;
  ingestUrl: string;
  secret: string;
  target: Receiver;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function verifyForwarded(secret: string, request: ReceivedRequest): unknown {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  return new Webhook(secret).verify(request.body.toString('utf8'), headers);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('inbound sources', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startHookline({ HOOKLINE_PUBLIC_URL: 'https://hooks.example.test' });
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  /** Creates a source through the raw API and one loopback destination for it. */
  async function createSource(type: string, config: Record<string, unknown>): Promise<Source> {
    const response = await server.fetch('/ingest/api/v1/source', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${type} source`, type, config }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    const source = (await response.json()) as { id: string; ingestUrl: string };
    const target = await startReceiver();
    receivers.push(target);
    const endpoint = await server.svix.ingest.endpoint.create(source.id, { url: target.url });
    const { key } = await server.svix.ingest.endpoint.getSecret(source.id, endpoint.id);
    return { id: source.id, ingestUrl: source.ingestUrl, secret: key, target };
  }

  function post(source: Source, body: string | Buffer, headers: Record<string, string>): Promise<Response> {
    return fetch(`${server.url}/in/${source.id}`, { method: 'POST', headers, body });
  }

  async function stats(source: Source): Promise<Record<string, number>> {
    const response = await server.fetch(`/ingest/api/v1/source/${source.id}/stats`);
    return ((await response.json()) as { rejections: Record<string, number> }).rejections;
  }

  /** Waits briefly so a wrongly forwarded request would have arrived, then counts requests. */
  async function settledCount(target: Receiver): Promise<number> {
    await sleep(300);
    return target.requests.length;
  }

  it('manages sources with the svix SDK', async () => {
    const created = await server.svix.ingest.source.create({ name: 'billing', type: 'stripe', config: { secret: 'whsec_sdk' } });
    assert.equal(created.type, 'stripe');
    assert.equal(created.ingestUrl, `https://hooks.example.test/in/${created.id}`);
    const fetched = await server.svix.ingest.source.get(created.id);
    assert.equal(fetched.name, 'billing');
    const endpoint = await server.svix.ingest.endpoint.create(created.id, { url: 'http://127.0.0.1:9/', uid: 'billing-service' });
    const endpoints = await server.svix.ingest.endpoint.list(created.id);
    assert.deepEqual(endpoints.data.map((item) => item.id), [endpoint.id]);
    const renamed = await server.svix.ingest.endpoint.update(created.id, 'billing-service', { url: 'http://127.0.0.1:9/v2' });
    assert.equal(renamed.url, 'http://127.0.0.1:9/v2');
    await server.svix.ingest.endpoint.delete(created.id, endpoint.id);
    const raw = (await (await server.fetch(`/ingest/api/v1/source/${created.id}`)).json()) as { config: object };
    assert.deepEqual(raw.config, {}, 'the secret is never returned');
    const updated = await server.svix.ingest.source.update(created.id, { name: 'billing-eu', type: 'stripe', config: { secret: 'whsec_sdk2' } });
    assert.equal(updated.name, 'billing-eu');
    const list = await server.svix.ingest.source.list();
    assert.ok(list.data.some((source) => source.id === created.id));
    await server.svix.ingest.source.delete(created.id);
    const missing = await server.fetch(`/ingest/api/v1/source/${created.id}`);
    assert.equal(missing.status, 404);
  });

  it('rejects a secret with a trailing newline', async () => {
    const response = await server.fetch('/ingest/api/v1/source', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', type: 'stripe', config: { secret: 'whsec_c10_secret\n' } }),
    });
    assert.equal(response.status, 422);
    const body = (await response.json()) as { detail: Array<{ loc: string[] }> };
    assert.deepEqual(body.detail[0]!.loc, ['body', 'config', 'secret']);
  });

  it('forwards a Stripe event once', async () => {
    const source = await createSource('stripe', { secret: 'whsec_inbound_stripe' });
    const payload = '{\n  "id": "evt_inbound_1",\n  "type": "invoice.paid",\n  "amount": 1.50\n}';
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_inbound_stripe', timestamp: nowSeconds() });

    const accepted = await post(source, payload, { 'content-type': 'application/json', 'stripe-signature': header });
    assert.equal(accepted.status, 200);
    const [forwarded] = await source.target.waitForRequests(1);
    assert.equal(forwarded!.body.toString('utf8'), payload);
    assert.deepEqual(verifyForwarded(source.secret, forwarded!), JSON.parse(payload));

    const replay = await post(source, payload, { 'content-type': 'application/json', 'stripe-signature': header });
    assert.equal(replay.status, 200);
    assert.equal(((await replay.json()) as { status: string }).status, 'duplicate');

    const changed = payload.replace('1.50', '1.51');
    const forged = await post(source, changed, { 'content-type': 'application/json', 'stripe-signature': header });
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { code: string }).code, 'signature_mismatch');

    const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_inbound_stripe', timestamp: nowSeconds() - 301 });
    const old = await post(source, payload, { 'content-type': 'application/json', 'stripe-signature': stale });
    assert.equal(old.status, 401);
    assert.equal(((await old.json()) as { code: string }).code, 'timestamp_too_old');

    const future = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_inbound_stripe', timestamp: nowSeconds() + 400 });
    const early = await post(source, payload, { 'content-type': 'application/json', 'stripe-signature': future });
    assert.equal(((await early.json()) as { code: string }).code, 'timestamp_in_future');

    const unsigned = await post(source, payload, { 'content-type': 'application/json' });
    assert.equal(((await unsigned.json()) as { code: string }).code, 'signature_missing');

    assert.equal(await settledCount(source.target), 1);
    assert.deepEqual(await stats(source), {
      duplicate: 1,
      signature_mismatch: 1,
      signature_missing: 1,
      timestamp_in_future: 1,
      timestamp_too_old: 1,
    });
  });

  it('forwards a GitHub event with emoji once', async () => {
    const source = await createSource('github', { secret: 'gh-inbound-secret' });
    const payload = '{"action":"opened","issue":{"title":"Fix crash 😊 in café","number":7}}';
    const signature = await signGithub('gh-inbound-secret', payload);
    const headers = {
      'content-type': 'application/json',
      'X-Hub-Signature-256': signature,
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'X-GitHub-Event': 'issues',
    };

    assert.equal((await post(source, payload, headers)).status, 200);
    const [forwarded] = await source.target.waitForRequests(1);
    assert.deepEqual(forwarded!.body, Buffer.from(payload, 'utf8'));
    verifyForwarded(source.secret, forwarded!);
    const message = await server.svix.message.list((await appOf(source.id)), {});
    assert.equal(message.data[0]!.eventType, 'issues');

    assert.equal((await post(source, payload, headers)).status, 200, 'a redelivery is acknowledged');
    const oneByte = Buffer.from(payload, 'utf8');
    oneByte[oneByte.length - 2] = 0x38;
    assert.equal((await post(source, oneByte, { ...headers, 'X-GitHub-Delivery': 'other' })).status, 401);
    assert.equal(await settledCount(source.target), 1);
  });

  async function appOf(sourceId: string): Promise<string> {
    const row = await server.hookline.store.db.selectFrom('ingest_sources').select('app_id').where('id', '=', sourceId).executeTakeFirstOrThrow();
    return row.app_id;
  }

  it('forwards a Standard Webhooks event once', async () => {
    const secret = 'whsec_' + Buffer.from('inbound-standard-webhooks-key-32b').toString('base64');
    const source = await createSource('svix', { secret });
    const payload = '{"type":"order.paid","data":{"id":"o_13"}}';
    const sign = (id: string, seconds: number) => ({
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': new Webhook(secret).sign(id, new Date(seconds * 1000), payload),
    });

    assert.equal((await post(source, payload, sign('msg_in_13', nowSeconds()))).status, 200);
    const [forwarded] = await source.target.waitForRequests(1);
    assert.equal(forwarded!.body.toString('utf8'), payload);
    verifyForwarded(source.secret, forwarded!);

    // The same delivery retried by the sender later within the tolerance is not forwarded again.
    assert.equal((await post(source, payload, sign('msg_in_13', nowSeconds() - 10))).status, 200);
    assert.equal((await post(source, payload, sign('msg_in_13', nowSeconds() - 299))).status, 200);
    assert.equal((await post(source, payload, sign('msg_in_13', nowSeconds() - 302))).status, 401);
    assert.equal(await settledCount(source.target), 1);
    assert.equal((await stats(source)).duplicate, 2);
  });

  it('drops concurrent replays atomically', async () => {
    const source = await createSource('github', { secret: 'gh-race' });
    const payload = '{"zen":"race"}';
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': await signGithub('gh-race', payload), 'x-github-delivery': 'race-1' };
    const responses = await Promise.all(Array.from({ length: 8 }, () => post(source, payload, headers)));
    assert.deepEqual(responses.map((response) => response.status), Array(8).fill(200));
    assert.equal(await settledCount(source.target), 1);
    assert.equal((await stats(source)).duplicate, 7);
  });

  it('forwards Shopify, Slack and Twilio requests', async () => {
    const shopify = await createSource('shopify', { secret: 'shpss_inbound' });
    const order = '{"id":1,"email":"buyer@example.test"}';
    const shopifySignature = createHmac('sha256', 'shpss_inbound').update(order).digest('base64');
    const shopifyHeaders = { 'content-type': 'application/json', 'x-shopify-hmac-sha256': shopifySignature, 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'wh-1' };
    assert.equal((await post(shopify, order, shopifyHeaders)).status, 200);
    verifyForwarded(shopify.secret, (await shopify.target.waitForRequests(1))[0]!);
    const hexSignature = createHmac('sha256', 'shpss_inbound').update(order).digest('hex');
    assert.equal((await post(shopify, order, { ...shopifyHeaders, 'x-shopify-hmac-sha256': hexSignature })).status, 401);

    const slack = await createSource('slack', { secret: 'slack-inbound' });
    const slackSign = (body: Buffer | string, seconds = nowSeconds()) => ({
      'x-slack-request-timestamp': String(seconds),
      'x-slack-signature': 'v0=' + createHmac('sha256', 'slack-inbound').update(`v0:${seconds}:`).update(body).digest('hex'),
    });
    const challenge = '{"token":"t","challenge":"c-123","type":"url_verification"}';
    const unsignedChallenge = await post(slack, challenge, { 'content-type': 'application/json' });
    assert.equal(unsignedChallenge.status, 401);
    const answered = await post(slack, challenge, { 'content-type': 'application/json', ...slackSign(challenge) });
    assert.deepEqual(await answered.json(), { challenge: 'c-123' });

    const form = Buffer.concat([Buffer.from('token=placeholder&text=94070+%2Anow%2A%21&name=caf'), Buffer.from([0xe9])]);
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded', ...slackSign(form) };
    assert.equal((await post(slack, form, formHeaders)).status, 200);
    const [command] = await slack.target.waitForRequests(1);
    const envelope = verifyForwarded(slack.secret, command!) as { contentType: string; bodyBase64: string };
    assert.deepEqual(Buffer.from(envelope.bodyBase64, 'base64'), form);
    assert.equal(envelope.contentType, 'application/x-www-form-urlencoded');
    assert.equal(await settledCount(slack.target), 1, 'the challenge is not forwarded');
    assert.equal((await stats(slack)).signature_missing, 1);

    // Slack retries an event with a new timestamp and signature but the same event_id.
    const event = '{"type":"event_callback","event_id":"Ev0C24","event":{"type":"app_mention","text":"hi"}}';
    assert.equal((await post(slack, event, { 'content-type': 'application/json', ...slackSign(event) })).status, 200);
    const retryHeaders = { 'content-type': 'application/json', 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' };
    assert.equal((await post(slack, event, { ...retryHeaders, ...slackSign(event, nowSeconds() + 3) })).status, 200);
    assert.equal(await settledCount(slack.target), 2, 'the command and the event, each once');
    assert.equal((await stats(slack)).duplicate, 1);

    const twilio = await createSource('twilio', { secret: 'twilio-inbound-token' });
    const params = 'Body=Hello&From=%2B15550000001&MessageSid=SM1&To=%2B15550000002';
    const url = `${twilio.ingestUrl}?tenant=a`;
    const signed = url + 'BodyHelloFrom+15550000001MessageSidSM1To+15550000002';
    const twilioSignature = createHmac('sha1', 'twilio-inbound-token').update(signed).digest('base64');
    const twilioResponse = await fetch(`${server.url}/in/${twilio.id}?tenant=a`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature },
      body: params,
    });
    assert.equal(twilioResponse.status, 200);
    const [sms] = await twilio.target.waitForRequests(1);
    assert.deepEqual(verifyForwarded(twilio.secret, sms!), { contentType: 'application/x-www-form-urlencoded', body: params });
  });

  /** Per provider: a config, and headers that sign `body` with `id` at `seconds`. */
  const signers: Record<string, { config: Record<string, unknown>; timestamped: boolean; sign: (body: Buffer, id: string, seconds: number) => Promise<Record<string, string>> | Record<string, string> }> = {
    svix: {
      config: { secret: 'whsec_' + Buffer.from('tamper-standard-webhooks-key-32b').toString('base64') },
      timestamped: true,
      sign: (body, id, seconds) => ({
        'webhook-id': id,
        'webhook-timestamp': String(seconds),
        'webhook-signature': new Webhook('whsec_' + Buffer.from('tamper-standard-webhooks-key-32b').toString('base64')).sign(id, new Date(seconds * 1000), body.toString('utf8')),
      }),
    },
    stripe: {
      config: { secret: 'whsec_tamper' },
      timestamped: true,
      sign: (body, _id, seconds) => ({ 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body.toString('utf8'), secret: 'whsec_tamper', timestamp: seconds }) }),
    },
    github: {
      config: { secret: 'gh-tamper' },
      timestamped: false,
      sign: async (body, id) => ({ 'x-hub-signature-256': await signGithub('gh-tamper', body.toString('utf8')), 'x-github-delivery': id }),
    },
    shopify: {
      config: { secret: 'shpss_tamper' },
      timestamped: false,
      sign: (body, id) => ({ 'x-shopify-hmac-sha256': createHmac('sha256', 'shpss_tamper').update(body).digest('base64'), 'x-shopify-webhook-id': id }),
    },
    slack: {
      config: { secret: 'slack-tamper' },
      timestamped: true,
      sign: (body, _id, seconds) => ({
        'x-slack-request-timestamp': String(seconds),
        'x-slack-signature': 'v0=' + createHmac('sha256', 'slack-tamper').update(`v0:${seconds}:`).update(body).digest('hex'),
      }),
    },
    'generic-hmac': {
      config: { secret: 'generic-tamper', header: 'X-Signature', prefix: 'sha256=', template: '{timestamp}.{body}', timestampHeader: 'X-Timestamp', idHeader: 'X-Event-Id' },
      timestamped: true,
      sign: (body, id, seconds) => ({
        'x-signature': 'sha256=' + createHmac('sha256', 'generic-tamper').update(`${seconds}.`).update(body).digest('hex'),
        'x-timestamp': String(seconds),
        'x-event-id': id,
      }),
    },
  };

  for (const [type, signer] of Object.entries(signers)) {
    it(`${type}: rejects tampering, staleness and replays`, async () => {
      const source = await createSource(type, signer.config);
      const body = (id: string) => Buffer.from(JSON.stringify({ id, event_id: id, type: 'tamper.test', data: { n: 1 } }));
      const send = async (payload: Buffer, headers: Record<string, string>) =>
        (await post(source, payload, { 'content-type': 'application/json', ...headers })).status;

      const original = body('evt_tamper_1');
      const headers = await signer.sign(original, 'evt_tamper_1', nowSeconds());
      assert.equal(await send(original, headers), 200);
      const [forwarded] = await source.target.waitForRequests(1);
      assert.deepEqual(forwarded!.body, original);
      verifyForwarded(source.secret, forwarded!);

      assert.equal(await send(original, headers), 200, 'a replay is acknowledged');

      const other = body('evt_tamper_2');
      const otherHeaders = await signer.sign(other, 'evt_tamper_2', nowSeconds());
      const flipped = Buffer.from(other);
      const index = flipped.length - 3;
      flipped[index] = flipped[index]! ^ 0x01;
      assert.equal(await send(flipped, otherHeaders), 401, 'one byte changed');

      if (signer.timestamped) {
        const stale = await signer.sign(other, 'evt_tamper_2', nowSeconds() - 400);
        assert.equal(await send(other, stale), 401, 'stale timestamp');
      }
      assert.equal(await settledCount(source.target), 1);
      assert.equal((await stats(source)).duplicate, 1);
    });
  }

  it('verifies a gzip body by its uncompressed bytes', async () => {
    const source = await createSource('generic-hmac', { secret: 'c35-api-secret', header: 'X-Signature', signedBody: 'decompressed', maxBodyBytes: 1024 * 1024 });
    const json = '{"type":"message.new","message":{"text":"hi"}}';
    const wire = Buffer.from('H4sIAAAAAAACA6tWKqksSFWyUspNLS5OTE/Vy0stV9KB8ZSsqpVKUitKgPIZmUq1tQCC7y84LgAAAA==', 'base64');
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-signature': '86e39b4b89190fee6f79ac3ca0ae68cdbf02928c07ec298484cf774f2ed19e38' };
    assert.equal((await post(source, wire, headers)).status, 200);
    const [forwarded] = await source.target.waitForRequests(1);
    assert.equal(forwarded!.body.toString('utf8'), json);

    const overCompressed = { ...headers, 'x-signature': '41ff911eac916e76677d75e685539e3d866887b6eb815b30c8b7e3f36e79bf47' };
    assert.equal((await post(source, wire, overCompressed)).status, 401);
    assert.equal((await post(source, wire.subarray(0, wire.length - 8), headers)).status, 400);

    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 100 * 1024);
    assert.equal((await post(source, bomb, headers)).status, 413);
    assert.equal((await post(source, wire, { ...headers, 'content-encoding': 'br' })).status, 415);

    // A sender that signs the compressed bytes is verified before inflating.
    const wireSigned = await createSource('generic-hmac', { secret: 'c35-wire-secret', header: 'X-Signature' });
    const wireSignature = createHmac('sha256', 'c35-wire-secret').update(wire).digest('hex');
    assert.equal((await post(wireSigned, wire, { ...headers, 'x-signature': wireSignature })).status, 200);
    const [inflated] = await wireSigned.target.waitForRequests(1);
    assert.equal(inflated!.body.toString('utf8'), json);
    const uncompressedSignature = createHmac('sha256', 'c35-wire-secret').update(json).digest('hex');
    assert.equal((await post(wireSigned, wire, { ...headers, 'x-signature': uncompressedSignature })).status, 401);
  });

  it('accepts an unsigned source on a trusted network', async () => {
    const source = await createSource('generic-webhook', { idHeader: 'x-event-id' });
    const headers = { 'content-type': 'application/json', 'x-event-id': 'e-1' };
    assert.equal((await post(source, '{"type":"ping"}', headers)).status, 200);
    assert.equal((await post(source, '{"type":"ping"}', headers)).status, 200);
    assert.equal(await settledCount(source.target), 1);
  });

  it('limits the body size', async () => {
    const source = await createSource('github', { secret: 'gh-limits' });
    const big = Buffer.from(JSON.stringify({ zen: 'x'.repeat(2 * 1024 * 1024) }));
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': await signGithub('gh-limits', big.toString('utf8')), 'x-github-delivery': 'big' };
    assert.equal((await post(source, big, headers)).status, 200, 'a 2 MB payload fits the default limit');

    const declared = await rawPost(`/in/${source.id}`, { 'content-length': '30000000', 'content-type': 'application/json' }, 0);
    assert.equal(declared.outcome, 413);

    const small = await createSource('github', { secret: 'gh-limits', maxBodyBytes: 64 * 1024 });
    const chunked = await rawPost(`/in/${small.id}`, { 'transfer-encoding': 'chunked', 'content-type': 'application/json' }, 200);
    // The server returns 413 and closes the connection while the client is still writing, so
    // the client reads the 413 or, when the close wins the race, gets a reset.
    assert.ok([413, 'EPIPE', 'ECONNRESET'].includes(chunked.outcome), `outcome ${chunked.outcome}`);
    assert.ok(chunked.sent < 200, `the server stopped reading after ${chunked.sent} of 200 chunks`);
    const counts = await stats(small);
    assert.equal(counts.payload_too_large, 1);
  });

  it('returns 4xx for odd requests', async () => {
    const source = await createSource('stripe', { secret: 'whsec_odd' });
    const cases: Array<[string, Record<string, string>, string | Buffer | undefined]> = [
      ['no content type', {}, '{"id":"evt_1"}'],
      ['no body', {}, undefined],
      ['invalid content type', { 'content-type': ';;;/' }, 'x'],
      ['latin-1 charset', { 'content-type': 'text/plain; charset=iso-8859-1' }, Buffer.from([0xe9, 0xff, 0x00])],
      ['bad signature header', { 'stripe-signature': 't=abc,v1=zz,v1' }, '{}'],
      ['huge timestamp', { 'stripe-signature': `t=${'9'.repeat(40)},v1=${'0'.repeat(64)}` }, '{}'],
      ['unsupported encoding', { 'content-encoding': 'compress' }, '{}'],
    ];
    for (const [name, headers, body] of cases) {
      const response = await fetch(`${server.url}/in/${source.id}`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
      assert.ok(response.status >= 400 && response.status < 500, `${name}: ${response.status}`);
    }
    const unknown = await post(source, '{}', {});
    assert.equal(unknown.status, 401);
    const missing = await fetch(`${server.url}/in/src_missing`, { method: 'POST', body: '{}' });
    assert.equal(missing.status, 404);
  });

  /**
   * Sends headers, then up to `chunks` chunks of 16 KiB while waiting for the response. Returns
   * the status, or the socket error code when the server closed the connection before the
   * client could read a response, and how many chunks were written.
   */
  function rawPost(path: string, headers: Record<string, string>, chunks: number): Promise<{ outcome: number | string; sent: number }> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve) => {
      const request = httpRequest({ host: hostname, port: Number(port), path, method: 'POST', headers, timeout: 10_000 });
      let sent = 0;
      request.on('response', (response) => {
        response.resume();
        resolve({ outcome: response.statusCode ?? 0, sent });
        request.destroy();
      });
      request.on('timeout', () => request.destroy(new Error('request timed out')));
      request.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message, sent }));
      request.flushHeaders();
      const writeNext = () => {
        if (request.destroyed || sent >= chunks) return;
        sent++;
        request.write(Buffer.alloc(16 * 1024, 0x61), () => setTimeout(writeNext, 1));
      };
      writeNext();
    });
  }

});
