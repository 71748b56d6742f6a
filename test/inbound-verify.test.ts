import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import {
  createVerifier,
  genericHmacVerifier,
  githubVerifier,
  shopifyVerifier,
  slackVerifier,
  standardWebhooksVerifier,
  stripeVerifier,
  twilioVerifier,
  VerifierConfigError,
  WebhookVerificationError,
  type VerifyOptions,
  type Verifier,
  type WebhookRequest,
} from '../src/inbound/verify/index.js';

const NOW = 1700000000;
const at: VerifyOptions = { nowSeconds: NOW };
const stripe = new Stripe('sk_test_placeholder');

/** Runs a verifier and returns the rejection code, or 'accepted'. */
function outcome(verifier: Verifier, request: WebhookRequest, options: VerifyOptions = at): string {
  try {
    verifier(request, options);
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
}

function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}

describe('stripe verifier', () => {
  const prettyBody = hex(
    '7b0a2020226964223a20226576745f746573745f633031222c0a2020226f626a656374223a20226576656e74222c0a20202274797065223a202270726963652e75706461746564222c0a20202264617461223a207b226f626a656374223a207b22756e69745f616d6f756e745f646563696d616c223a20312e35302c202263757272656e6379223a2022757364227d7d0a7d',
  );

  it('verifies the bytes as received', () => {
    const verify = stripeVerifier({ secret: 'whsec_test_c01_secret' });
    const header = 't=1700000000,v1=ef88aa90194b7f3b2626a36ca976e84786e27d5627edb8866032b07cfaaa53d5';
    const result = verify({ body: prettyBody, headers: { 'stripe-signature': header } }, at);
    assert.equal(result.deliveryId, 'evt_test_c01');

    const reserialized = JSON.stringify(JSON.parse(prettyBody.toString('utf8')));
    assert.equal(outcome(verify, { body: reserialized, headers: { 'stripe-signature': header } }), 'signature_mismatch');
  });

  it('rejects a parsed object as the body', () => {
    const verify = stripeVerifier({ secret: 'whsec_test_c01_secret' });
    const parsed = JSON.parse(prettyBody.toString('utf8')) as unknown;
    assert.equal(outcome(verify, { body: parsed as string, headers: { 'stripe-signature': 't=1,v1=00' } }), 'raw_body_required');
  });

  it('accepts a header made by the stripe library', () => {
    const payload = '{"id":"evt_lib","type":"invoice.paid"}';
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_lib', timestamp: NOW });
    const verify = stripeVerifier({ secret: 'whsec_lib' });
    assert.equal(outcome(verify, { body: payload, headers: { 'Stripe-Signature': header } }), 'accepted');
    const changed = payload.replace('paid', 'pai d');
    assert.equal(outcome(verify, { body: changed, headers: { 'Stripe-Signature': header } }), 'signature_mismatch');
  });

  it('checks every v1 entry during a secret roll', () => {
    const body = '{"id":"evt_c05","type":"invoice.paid"}';
    const oldSig = 'ad5cecac527e11e6d3e66e602c7b5a829d4a21fb2457c91821c5b68ca3a3dadc';
    const newSig = '4a2d8cc75641191ab5a329928ba68bc6c1579669c159e9761f5bddb9e95b7424';
    const v0 = 'v0=' + '0'.repeat(64);
    const headerA = `t=1700000000,v1=${oldSig},v1=${newSig},${v0}`;
    const headerB = `t=1700000000,v1=${newSig},v1=${oldSig},${v0}`;
    const configs = [['whsec_c05_new'], ['whsec_c05_old'], ['whsec_c05_old', 'whsec_c05_new']];
    for (const secret of configs) {
      for (const header of [headerA, headerB]) {
        assert.equal(outcome(stripeVerifier({ secret }), { body, headers: { 'stripe-signature': header } }), 'accepted', `${secret} ${header}`);
      }
    }
    const unrelated = stripeVerifier({ secret: 'whsec_c05_other' });
    assert.equal(outcome(unrelated, { body, headers: { 'stripe-signature': headerA } }), 'signature_mismatch');
  });

  it('never accepts a v0 entry as proof', () => {
    const body = '{"id":"evt_v0"}';
    const real = stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_v0', timestamp: NOW });
    const v0Only = real.replace('v1=', 'v0=');
    assert.equal(outcome(stripeVerifier({ secret: 'whsec_v0' }), { body, headers: { 'stripe-signature': v0Only } }), 'signature_malformed');
  });

  it('rejects a secret with surrounding whitespace', () => {
    assert.throws(() => stripeVerifier({ secret: 'whsec_c10_secret\n' }), VerifierConfigError);
    assert.throws(() => stripeVerifier({ secret: ' whsec_c10_secret' }), VerifierConfigError);
    const body = '{"id":"evt_c10","type":"customer.created"}';
    const header = 't=1700000000,v1=429212cf039c1ed2010fc20604c0bf13257e3991aa48d119c985319bb5e60027';
    assert.equal(outcome(stripeVerifier({ secret: 'whsec_c10_secret' }), { body, headers: { 'stripe-signature': header } }), 'accepted');
  });
});

describe('standard webhooks verifier', () => {
  const secret = 'whsec_YzA3LXN0YW5kYXJkLXdlYmhvb2tzLWtleS0zMmJ5dGU=';

  it('accepts any v1 entry and skips other versions', () => {
    const body = '{"type":"user.created","data":{"id":"u_1"}}';
    const good = 'v1,diY592IZaOjWQFfKUu0Ph8JDYW4AcTl2DY60Jx5PP7o=';
    const headers = (signature: string) => ({ 'webhook-id': 'msg_c07', 'webhook-timestamp': '1700000000', 'webhook-signature': signature });
    const verify = standardWebhooksVerifier({ secret });
    const list = `v1,${'A'.repeat(43)}= ${good} v2,Zm9v v1a,Zm9v`;
    assert.equal(outcome(verify, { body, headers: headers(list) }), 'accepted');
    assert.equal(outcome(verify, { body, headers: headers('v2,Zm9v v1a,Zm9v') }), 'signature_malformed');
    assert.equal(outcome(verify, { body, headers: headers(good.replace('diY', 'diZ')) }), 'signature_mismatch');
  });

  it('decodes the secret and nothing else as the key', () => {
    const body = '{"type":"invoice.created","data":{"id":"in_8"}}';
    const headers = (signature: string) => ({ 'webhook-id': 'msg_c08', 'webhook-timestamp': '1700000000', 'webhook-signature': signature });
    const full = 'whsec_YzA4LXNlY3JldC1rZXktYnl0ZXMtMDEyMzQ1Njc4OSE=';
    for (const configured of [full, full.slice('whsec_'.length)]) {
      const verify = standardWebhooksVerifier({ secret: configured });
      assert.equal(outcome(verify, { body, headers: headers('v1,8KfqfTwGgzWo1BYkGfTzbCciL5AvYC8uERmYOG17Ong=') }), 'accepted');
      assert.equal(outcome(verify, { body, headers: headers('v1,9OkRe25Mt4nb7Z609FYMNezefVq7c3NASs0n5pkGy6M=') }), 'signature_mismatch');
      assert.equal(outcome(verify, { body, headers: headers('v1,nuNm9c+uVnJPq9Ut3ci4/3vslMO2Q5/LKy8C2DanZuI=') }), 'signature_mismatch');
    }
    assert.throws(() => standardWebhooksVerifier({ secret: `v1,${full}` }), VerifierConfigError);
  });

  it('accepts a signature made by standardwebhooks', () => {
    const body = '{"type":"lib"}';
    const signature = new Webhook(secret).sign('msg_lib', new Date(NOW * 1000), body);
    const verify = standardWebhooksVerifier({ secret });
    const headers = { 'webhook-id': 'msg_lib', 'webhook-timestamp': String(NOW), 'webhook-signature': signature };
    assert.deepEqual(verify({ body, headers }, at), { deliveryId: 'msg_lib', timestamp: NOW });
  });

  it('enforces the tolerance on both sides', () => {
    const body = '{"type":"ping"}';
    const cases: Array<[number, string, string]> = [
      [1699999699, 'v1,y5gH+JjYRGzKt/hXCauQnO5SDDXbxCdeGiApJPLTMJI=', 'timestamp_too_old'],
      [1699999700, 'v1,9PeyupBNf/DpZOW1DRvAvnv4uwOUzZzYg4ZyjD//XFw=', 'accepted'],
      [1700000000, 'v1,v2HYhSHrTdkXZivfrSC/cA5cQVjHXeb/1wWG5mxMACA=', 'accepted'],
      [1700000300, 'v1,EtHPYCH+dKJ7Y1augxD82Nvu72oRSCkJ8KExd/iM9mo=', 'accepted'],
      [1700000301, 'v1,vxFqlZTy0Rw0L+En0g2J690LiC3RADy3QlwQzR/k528=', 'timestamp_in_future'],
    ];
    const verify = standardWebhooksVerifier({ secret });
    for (const [timestamp, signature, expected] of cases) {
      const headers = { 'webhook-id': 'msg_c11', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
      assert.equal(outcome(verify, { body, headers }), expected, `timestamp ${timestamp}`);
    }
  });

  it('reads headers in any case and any shape', () => {
    const body = '{"type":"user.created","data":{"id":"u_1"}}';
    const entries: Array<[string, string]> = [
      ['Webhook-Id', 'msg_c07'],
      ['WEBHOOK-TIMESTAMP', '1700000000'],
      ['webhook-signature', 'v1,diY592IZaOjWQFfKUu0Ph8JDYW4AcTl2DY60Jx5PP7o='],
    ];
    const verify = standardWebhooksVerifier({ secret });
    assert.equal(outcome(verify, { body, headers: Object.fromEntries(entries) }), 'accepted');
    assert.equal(outcome(verify, { body, headers: new Headers(entries) }), 'accepted');
    const node = Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), value]));
    assert.equal(outcome(verify, { body, headers: node }), 'accepted');
  });
});

describe('github verifier', () => {
  const body = '{"zen":"Keep it logically awesome.","hook_id":1}';
  const sha256 = 'sha256=7c9d3231ea8febce19625cdcc77492a5ece37e4f5a5400f9450058d19353a4b0';
  const sha1 = 'sha1=f5f37d1e1569105c84359ebf43d9c802f38ca873';
  const verify = githubVerifier({ secret: 'gh-c14-secret' });

  it('prefers the SHA-256 header', () => {
    assert.equal(outcome(verify, { body, headers: { 'x-hub-signature-256': sha256, 'x-hub-signature': sha1 } }), 'accepted');
    const zeros = `sha256=${'0'.repeat(64)}`;
    assert.equal(outcome(verify, { body, headers: { 'x-hub-signature-256': zeros, 'x-hub-signature': sha1 } }), 'signature_mismatch');
    assert.equal(outcome(verify, { body, headers: { 'x-hub-signature': sha1 } }), 'signature_missing');
    const legacy = githubVerifier({ secret: 'gh-c14-secret', allowLegacySha1: true });
    assert.equal(outcome(legacy, { body, headers: { 'x-hub-signature': sha1 } }), 'accepted');
    assert.equal(outcome(verify, { body, headers: { 'x-hub-signature-256': sha256.slice(7) } }), 'signature_malformed');
    assert.equal(outcome(verify, { body, headers: {} }), 'signature_missing');
  });

  it('reads the header name in any case', () => {
    for (const name of ['X-Hub-Signature-256', 'x-hub-signature-256', 'X-HUB-SIGNATURE-256']) {
      assert.equal(outcome(verify, { body, headers: { [name]: sha256 } }), 'accepted', name);
      assert.equal(outcome(verify, { body, headers: new Headers({ [name]: sha256 }) }), 'accepted', name);
    }
  });

  it('hashes multi-byte characters as bytes', async () => {
    const emoji = hex(
      '7b22616374696f6e223a226f70656e6564222c226973737565223a7b227469746c65223a2246697820637261736820f09f988a20696e20636166c3a9222c226e756d626572223a377d7d',
    );
    const verifyEmoji = githubVerifier({ secret: 'gh-c02-secret' });
    const expected = 'sha256=8306c0fa71f838ea03c206df1ea76aa47e2735913c0d7ccaa6b305cc1311a3eb';
    assert.equal(await signGithub('gh-c02-secret', emoji.toString('utf8')), expected);
    assert.equal(outcome(verifyEmoji, { body: emoji, headers: { 'x-hub-signature-256': expected } }), 'accepted');
    for (const wrong of [
      'sha256=129fd266798c3b8dd0e1dcc298adbd5a7a39183265f887995188341eea06e465',
      'sha256=60bcbe08839fa0fa1a8af8e43d0fd1e66e0a14189ac729c132ce7790e4b2ff21',
    ]) {
      assert.equal(outcome(verifyEmoji, { body: emoji, headers: { 'x-hub-signature-256': wrong } }), 'signature_mismatch');
    }
  });
});

describe('slack verifier', () => {
  it('verifies a body that is not UTF-8', () => {
    const body = hex('746f6b656e3d706c616365686f6c64657226746578743d636166e9');
    const verify = slackVerifier({ secret: 'slack-c04-signing-secret' });
    const headers = (signature: string) => ({ 'x-slack-request-timestamp': '1700000000', 'x-slack-signature': signature });
    assert.equal(outcome(verify, { body, headers: headers('v0=0a5f836a728d44e3d243a1b4c2333d962ebdf834df03cbf999d941211d7cee3d') }), 'accepted');
    assert.equal(outcome(verify, { body, headers: headers('v0=64580a0840b16d5e558a2bbdc2d0de000db9a8874d18af102358db8a17087379') }), 'signature_mismatch');
    const flipped = Buffer.from(body);
    flipped[flipped.length - 1] = 0xe8;
    assert.equal(outcome(verify, { body: flipped, headers: headers('v0=0a5f836a728d44e3d243a1b4c2333d962ebdf834df03cbf999d941211d7cee3d') }), 'signature_mismatch');
  });

  it('verifies a form body without re-encoding it', () => {
    const body = 'token=placeholder&team_id=T0001&command=%2Fweather&text=94070+%2Anow%2A%21&response_url=https%3A%2F%2Fhooks.slack.test%2Fcommands%2F1234';
    const verify = slackVerifier({ secret: 'slack-c18-signing-secret' });
    const headers = (signature: string) => ({ 'x-slack-request-timestamp': '1700000000', 'x-slack-signature': signature });
    assert.equal(outcome(verify, { body, headers: headers('v0=83de81698c83be20f9a6bb7ef66c16db3b2e415c994e1b7f82d1f10d38a05016') }), 'accepted');
    assert.equal(outcome(verify, { body, headers: headers('v0=cc9ae027d44fde5e8e4ba643726ea59dc47b1e15c8e481aafe25ecf3d2030e28') }), 'signature_mismatch');
  });
});

describe('twilio verifier', () => {
  const body = 'Body=Hello&From=%2B15550000001&MessageSid=SM00000000000000000000000000000001&To=%2B15550000002';
  const withPort = '6UUtqKIP7UDsktAEbkkDmulFcp8=';
  const withoutPort = 'rVICTMgFu2NyZEEyoDHvIot9ngs=';
  const explicit443 = 'Iwz2+kUONgFcTrEwxn0pGzSmtI4=';

  it('tries the configured URL and its port toggled', () => {
    const cases: Array<[string, string, string]> = [
      ['https://hooks.example.test:8443/twilio/sms', withPort, 'accepted'],
      ['https://hooks.example.test:8443/twilio/sms', withoutPort, 'accepted'],
      ['https://hooks.example.test:8443/twilio/sms', explicit443, 'signature_mismatch'],
      ['https://hooks.example.test/twilio/sms', withoutPort, 'accepted'],
      ['https://hooks.example.test/twilio/sms', explicit443, 'accepted'],
      ['https://hooks.example.test/twilio/sms', withPort, 'signature_mismatch'],
    ];
    for (const [url, signature, expected] of cases) {
      const verify = twilioVerifier({ secret: 'c16-twilio-auth-token', url });
      const request = { body, headers: { 'x-twilio-signature': signature }, url: 'http://127.0.0.1:8071/in/src_x' };
      assert.equal(outcome(verify, request), expected, `${url} ${signature}`);
    }
  });
});

describe('shopify and generic HMAC verifiers', () => {
  const body = '{"id":1,"email":"buyer@example.test"}';
  const hexDigest = '5a73ca222952bf62a6574984ed210fde37545f69d01f0afe374438cbb611e04c';

  it('accepts only a base64 Shopify digest', () => {
    const verify = shopifyVerifier({ secret: 'shpss_c19_secret' });
    assert.equal(outcome(verify, { body, headers: { 'X-Shopify-Hmac-Sha256': 'WnPKIilSv2KmV0mE7SEP3jdUX2nQHwr+N0Q4y7YR4Ew=' } }), 'accepted');
    assert.equal(outcome(verify, { body, headers: { 'X-Shopify-Hmac-Sha256': hexDigest } }), 'signature_mismatch');
  });

  it('allows a space after the prefix only when configured', () => {
    const headers = { 'X-Signature': `sha256= ${hexDigest}` };
    const config = { secret: 'shpss_c19_secret', header: 'X-Signature', prefix: 'sha256=', encoding: 'hex' as const };
    assert.equal(outcome(genericHmacVerifier(config), { body, headers }), 'signature_malformed');
    assert.equal(outcome(genericHmacVerifier({ ...config, allowSpaceAfterPrefix: true }), { body, headers }), 'accepted');
    assert.equal(outcome(genericHmacVerifier(config), { body, headers: { 'x-signature': `sha256=${hexDigest}` } }), 'accepted');
  });

  it('rejects an unknown encoding or algorithm at configuration', () => {
    assert.throws(() => genericHmacVerifier({ secret: 's', header: 'X-Signature', encoding: 'base32' as 'hex' }), VerifierConfigError);
    assert.throws(() => genericHmacVerifier({ secret: 's', header: 'X-Signature', algorithm: 'md5' as 'sha1' }), VerifierConfigError);
    assert.throws(() => genericHmacVerifier({ secret: 's', header: 'X-Signature', template: '{timestamp}.{body}' }), VerifierConfigError);
    assert.throws(() => createVerifier('no-such-provider', {}), VerifierConfigError);
  });

  it('signs a timestamp template and checks it', () => {
    const config = { secret: 'tmpl', header: 'X-Sig', template: '{timestamp}.{body}', timestampHeader: 'X-Ts' };
    const verify = genericHmacVerifier(config);
    const digest = (timestamp: number) => createHmac('sha256', 'tmpl').update(`${timestamp}.${body}`).digest('hex');
    assert.equal(outcome(verify, { body, headers: { 'x-sig': digest(NOW), 'x-ts': String(NOW) } }), 'accepted');
    assert.equal(outcome(verify, { body, headers: { 'x-sig': digest(NOW - 301), 'x-ts': String(NOW - 301) } }), 'timestamp_too_old');
  });
});

describe('verifiers on arbitrary input', () => {
  const verifiers: Record<string, Verifier> = {
    svix: createVerifier('svix', { secret: 'whsec_YzA3LXN0YW5kYXJkLXdlYmhvb2tzLWtleS0zMmJ5dGU=' }),
    stripe: createVerifier('stripe', { secret: 'whsec_fuzz' }),
    github: createVerifier('github', { secret: 'fuzz', allowLegacySha1: true }),
    shopify: createVerifier('shopify', { secret: 'fuzz' }),
    slack: createVerifier('slack', { secret: 'fuzz' }),
    twilio: createVerifier('twilio', { secret: 'fuzz' }),
    generic: createVerifier('generic-hmac', { secret: 'fuzz', header: 'X-Sig', template: '{id}.{timestamp}.{body}', timestampHeader: 'X-Ts', idHeader: 'X-Id' }),
  };
  const names = [
    'webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-signature', 'stripe-signature', 'x-hub-signature-256',
    'x-hub-signature', 'x-shopify-hmac-sha256', 'x-slack-signature', 'x-slack-request-timestamp', 'x-twilio-signature',
    'x-sig', 'x-ts', 'x-id',
  ];

  it('rejects any bytes and headers with a 4xx code', () => {
    const headerValue = fc.oneof(fc.string(), fc.constantFrom('v1,', 't=1,v1=', 'sha256=', 'v0=', '1700000000', 'v1,AAAA', '=', ','));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.dictionary(fc.constantFrom(...names), headerValue), (body, headers) => {
        for (const [type, verify] of Object.entries(verifiers)) {
          try {
            verify({ body, headers, url: 'https://hooks.example.test/in/src_fuzz?a=1' }, at);
          } catch (error) {
            assert.ok(error instanceof WebhookVerificationError, `${type} threw ${String(error)}`);
            assert.ok(error.statusCode >= 400 && error.statusCode < 500, `${type} returned ${error.statusCode}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('twilio JSON requests', () => {
  it('checks bodySHA256 against the body', () => {
    const body = '{"event":"call.completed"}';
    const hash = createHash('sha256').update(body).digest('hex');
    const url = `https://hooks.example.test/in/src_t?bodySHA256=${hash}`;
    const signature = createHmac('sha1', 'json-token').update(url).digest('base64');
    const verify = twilioVerifier({ secret: 'json-token' });
    const headers = { 'x-twilio-signature': signature };
    assert.equal(outcome(verify, { body, headers, url }), 'accepted');
    assert.equal(outcome(verify, { body: body.replace('completed', 'failed'), headers, url }), 'signature_mismatch');
  });
});
