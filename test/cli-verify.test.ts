import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { runCli } from './support/cli.js';

const stripe = new Stripe('sk_test_unused');
const dir = mkdtempSync(join(tmpdir(), 'hookline-verify-'));

/**
 * A body whose bytes a careless reader would change: CRLF and a lone LF inside, multi-byte
 * UTF-8, and a trailing LF that is part of what was signed.
 */
const BODY = '{"text":"caf\u00e9 \u2713",\r\n"lines":"a\nb"}\n';

let fileCount = 0;
function saveFile(content: Buffer | string): string {
  const path = join(dir, `capture-${++fileCount}`);
  writeFileSync(path, content);
  return path;
}

/** Writes a capture as nc records it: request line, CRLF header lines, blank line, body. */
function saveRequest(headers: Record<string, string>, body: string | Buffer = BODY, lineEnd = '\r\n'): string {
  const bodyBytes = Buffer.from(body);
  const lines = ['POST /hooks HTTP/1.1', 'Host: hooks.example.test', 'Content-Type: application/json', `Content-Length: ${bodyBytes.length}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return saveFile(Buffer.concat([Buffer.from(lines.join(lineEnd) + lineEnd + lineEnd, 'latin1'), bodyBytes]));
}

/** Changes one byte of the body: the first "a" becomes "b". */
function changeOneByte(body: string): string {
  return body.replace('a', 'b');
}

function standardHeaders(secret: string, timestamp: Date, body = BODY): Record<string, string> {
  const id = 'msg_cli_verify';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
}

const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;

describe('hookline verify', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a standard-webhooks capture with CRLF headers', async () => {
    const secret = whsec();
    const file = saveRequest(standardHeaders(secret, new Date()));
    for (const provider of ['standard-webhooks', 'svix']) {
      const result = await runCli(['verify', file, '--provider', provider, '--secret', secret]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^verified: the .* signature matches \(delivery id msg_cli_verify, signed at /);
      assert.equal(result.stderr, '');
    }
  });

  it('accepts a capture with LF-only header lines', async () => {
    const secret = whsec();
    const file = saveRequest(standardHeaders(secret, new Date()), BODY, '\n');
    const result = await runCli(['verify', file, '--provider', 'standard-webhooks', '--secret', secret]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('rejects a standard-webhooks capture with one byte changed', async () => {
    const secret = whsec();
    const file = saveRequest(standardHeaders(secret, new Date()), changeOneByte(BODY));
    const result = await runCli(['verify', file, '--provider', 'standard-webhooks', '--secret', secret]);
    assert.equal(result.code, 6);
    assert.match(result.stdout, /^not verified: signature_mismatch: /);
  });

  it('rejects a wrong secret', async () => {
    const file = saveRequest(standardHeaders(whsec(), new Date()));
    const result = await runCli(['verify', file, '--provider', 'standard-webhooks', '--secret', whsec()]);
    assert.equal(result.code, 6);
    assert.match(result.stdout, /signature_mismatch/);
  });

  it('rejects a stale timestamp unless --now or --tolerance allows it', async () => {
    const secret = whsec();
    const signedAt = new Date(Date.now() - 3600_000);
    const file = saveRequest(standardHeaders(secret, signedAt));
    const args = ['verify', file, '--provider', 'standard-webhooks', '--secret', secret];

    const stale = await runCli(args);
    assert.equal(stale.code, 6);
    assert.match(stale.stdout, /^not verified: timestamp_too_old: /);

    const then = await runCli([...args, '--now', signedAt.toISOString()]);
    assert.equal(then.code, 0, then.stdout);
    const wide = await runCli([...args, '--tolerance', '7200']);
    assert.equal(wide.code, 0, wide.stdout);
  });

  it('checks a stripe capture', async () => {
    const secret = 'whsec_cli_stripe_test';
    const now = Math.floor(Date.now() / 1000);
    const header = stripe.webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: now });
    const good = saveRequest({ 'Stripe-Signature': header });
    const ok = await runCli(['verify', good, '--provider', 'stripe', '--secret', secret]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);

    const changed = saveRequest({ 'Stripe-Signature': header }, changeOneByte(BODY));
    const mismatch = await runCli(['verify', changed, '--provider', 'stripe', '--secret', secret]);
    assert.equal(mismatch.code, 6);
    assert.match(mismatch.stdout, /signature_mismatch/);

    const wrong = await runCli(['verify', good, '--provider', 'stripe', '--secret', 'whsec_other']);
    assert.equal(wrong.code, 6);
    assert.match(wrong.stdout, /signature_mismatch/);

    const oldHeader = stripe.webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: now - 600 });
    const old = saveRequest({ 'Stripe-Signature': oldHeader });
    const stale = await runCli(['verify', old, '--provider', 'stripe', '--secret', secret, '--json']);
    assert.equal(stale.code, 6);
    const output = JSON.parse(stale.stdout) as { verified: boolean; code: string };
    assert.equal(output.verified, false);
    assert.equal(output.code, 'timestamp_too_old');
  });

  it('accepts a github request given as --headers and --body files', async () => {
    const secret = 'cli-github-secret';
    const signature = await signGithub(secret, BODY);
    const headers = saveFile(`X-GitHub-Delivery: 72d3162e\r\nX-Hub-Signature-256: ${signature}\r\n`);
    const body = saveFile(BODY);
    const ok = await runCli(['verify', '--headers', headers, '--body', body, '--provider', 'github', '--secret', secret, '--json']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { verified: true, provider: 'github', deliveryId: '72d3162e', timestamp: null });

    const changed = saveFile(changeOneByte(BODY));
    const mismatch = await runCli(['verify', '--headers', headers, '--body', changed, '--provider', 'github', '--secret', secret]);
    assert.equal(mismatch.code, 6);
    assert.match(mismatch.stdout, /signature_mismatch/);

    const wrong = await runCli(['verify', '--headers', headers, '--body', body, '--provider', 'github', '--secret', 'other']);
    assert.equal(wrong.code, 6);
    assert.match(wrong.stdout, /signature_mismatch/);
  });

  it('reads stdin and a secret file', async () => {
    const secret = 'cli-github-stdin';
    const signature = await signGithub(secret, BODY);
    const capture = `POST /hooks HTTP/1.1\r\nX-Hub-Signature-256: ${signature}\r\n\r\n${BODY}`;
    const secretFile = saveFile(`${secret}\n`);
    const result = await runCli(['verify', '-', '--provider', 'github', '--secret-file', secretFile], {}, capture);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('removes chunked framing before verifying', async () => {
    const secret = 'cli-github-chunked';
    const signature = await signGithub(secret, BODY);
    const bytes = Buffer.from(BODY);
    const chunked = Buffer.concat([
      Buffer.from(`10\r\n`), bytes.subarray(0, 16), Buffer.from('\r\n'),
      Buffer.from(`${(bytes.length - 16).toString(16)}\r\n`), bytes.subarray(16), Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const head = `POST /hooks HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: ${signature}\r\n\r\n`;
    const file = saveFile(Buffer.concat([Buffer.from(head), chunked]));
    const result = await runCli(['verify', file, '--provider', 'github', '--secret', secret]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('warns when the body length differs from Content-Length', async () => {
    const secret = 'cli-github-length';
    const signature = await signGithub(secret, BODY);
    const capture = `POST /hooks HTTP/1.1\r\nContent-Length: 5\r\nX-Hub-Signature-256: ${signature}\r\n\r\n${BODY}`;
    const result = await runCli(['verify', saveFile(capture), '--provider', 'github', '--secret', secret]);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /^warning: The body has \d+ bytes but Content-Length says 5/);
  });

  it('verifies a generic-hmac recipe', async () => {
    const { createHmac } = await import('node:crypto');
    const digest = createHmac('sha256', 'generic-secret').update(`1700000000.${BODY}`).digest('base64');
    const file = saveRequest({ 'X-Signature': `v1=${digest}`, 'X-Timestamp': '1700000000' });
    const args = ['verify', file, '--provider', 'generic-hmac', '--secret', 'generic-secret', '--signature-header', 'X-Signature',
      '--encoding', 'base64', '--prefix', 'v1=', '--template', '{timestamp}.{body}', '--timestamp-header', 'X-Timestamp'];
    const result = await runCli([...args, '--now', '1700000100']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const stale = await runCli(args);
    assert.match(stale.stdout, /timestamp_too_old/);
  });

  it('builds the twilio URL from Host and target', async () => {
    const { createHmac } = await import('node:crypto');
    const url = 'https://hooks.example.test/in/src_1?x=1';
    const body = 'From=%2B15550001&Body=hi';
    // Twilio signs the URL followed by each form parameter's name and value, sorted by name.
    const signature = createHmac('sha1', 'twilio-token').update(`${url}BodyhiFrom+15550001`).digest('base64');
    const capture =
      'POST /in/src_1?x=1 HTTP/1.1\r\nHost: hooks.example.test\r\n' +
      `Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: ${signature}\r\n\r\n${body}`;
    const file = saveFile(capture);
    const derived = await runCli(['verify', file, '--provider', 'twilio', '--secret', 'twilio-token']);
    assert.equal(derived.code, 0, derived.stdout + derived.stderr);

    const elsewhere = await runCli(['verify', file, '--provider', 'twilio', '--secret', 'twilio-token',
      '--request-url', 'https://other.example.test/in/src_1?x=1']);
    assert.equal(elsewhere.code, 6);
    assert.match(elsewhere.stdout, /signature_mismatch/);
  });

  it('rejects bad usage and missing files', async () => {
    const file = saveRequest({});
    const cases: Array<[string[], number, RegExp]> = [
      [['verify', file, '--secret', 's'], 2, /Missing --provider/],
      [['verify', file, '--provider', 'paypal', '--secret', 's'], 2, /Invalid --provider "paypal"/],
      [['verify', file, '--provider', 'github'], 2, /Missing --secret/],
      [['verify', '--provider', 'github', '--secret', 's'], 2, /Missing the request/],
      [['verify', saveFile('no blank line here'), '--provider', 'github', '--secret', 's'], 2, /no blank line/],
      [['verify', file, '--provider', 'github', '--secret', 's', '--now', 'soon'], 2, /Invalid --now "soon"/],
      [['verify', file, '--provider', 'generic-hmac', '--secret', 's'], 2, /--signature-header/],
      [['verify', file, '--provider', 'github', '--secret', ' s'], 2, /whitespace/],
      [['verify', join(dir, 'absent'), '--provider', 'github', '--secret', 's'], 3, /Cannot read the request file .*absent \(ENOENT\)/],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  it('reports a missing signature header with its code', async () => {
    const result = await runCli(['verify', saveRequest({}), '--provider', 'stripe', '--secret', 'whsec_x']);
    assert.equal(result.code, 6);
    assert.match(result.stdout, /^not verified: signature_missing: /);
  });
});
