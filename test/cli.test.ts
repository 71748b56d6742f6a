import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli } from './support/cli.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const SHOP = 'cli-shop';
const OTHER = 'cli-other';
const FLAKY = 'cli-flaky';

/** Returns a loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('hookline CLI against a running server', () => {
  let server: TestServer;
  let okReceiver: Receiver;
  let flakyReceiver: Receiver;
  const flakyHealthy = { value: false };
  let api: Record<string, string>;
  let okEndpointId: string;
  const shopMessages: string[] = [];

  before(async () => {
    server = await startHookline();
    okReceiver = await startReceiver();
    flakyReceiver = await startReceiver(() => ({ status: flakyHealthy.value ? 200 : 500 }));
    api = { HOOKLINE_URL: server.url, HOOKLINE_TOKEN: server.token };

    await server.svix.application.create({ name: 'CLI Shop', uid: SHOP });
    await server.svix.application.create({ name: 'CLI Other', uid: OTHER });
    await server.svix.application.create({ name: 'CLI Flaky', uid: FLAKY });
    okEndpointId = (await server.svix.endpoint.create(SHOP, { url: okReceiver.url, uid: 'ok-ep' })).id;
    await server.svix.endpoint.create(OTHER, { url: 'http://127.0.0.1:9/', uid: 'other-ep', disabled: true });
    await server.svix.endpoint.create(FLAKY, { url: flakyReceiver.url, uid: 'flaky-ep' });

    const sends = [
      { eventType: 'order.created', channels: ['eu'] },
      { eventType: 'order.paid', channels: null },
      { eventType: 'order.created', channels: ['us'] },
    ];
    for (const [i, send] of sends.entries()) {
      const message = await server.svix.message.create(SHOP, { ...send, payload: { i } });
      shopMessages.push(message.id);
    }
    await okReceiver.waitForRequests(3);
  });

  after(async () => {
    await server?.close();
    await okReceiver?.close();
    await flakyReceiver?.close();
  });

  it('apps lists created applications as a table and as JSON', async () => {
    const table = await runCli(['apps'], api);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+UID\s+NAME\s+CREATED/);
    assert.match(table.stdout, /cli-shop\s+CLI Shop/);
    assert.match(table.stdout, /cli-other\s+CLI Other/);

    const json = await runCli(['apps', '--json'], api);
    assert.equal(json.code, 0, json.stderr);
    const page = JSON.parse(json.stdout) as { data: Array<{ uid: string }>; done: boolean };
    assert.deepEqual(page.data.map((app) => app.uid).sort(), [FLAKY, OTHER, SHOP]);
    assert.equal(page.done, true);
  });

  it('endpoints lists the endpoints of one application', async () => {
    const table = await runCli(['endpoints', SHOP], api);
    assert.equal(table.code, 0, table.stderr);
    assert.ok(table.stdout.includes(okEndpointId));
    assert.ok(table.stdout.includes(okReceiver.url));
    assert.match(table.stdout, /ok-ep.*enabled/);

    const other = await runCli(['endpoints', OTHER, '--json'], api);
    const page = JSON.parse(other.stdout) as { data: Array<{ uid: string; disabled: boolean }> };
    assert.deepEqual(page.data.map((ep) => [ep.uid, ep.disabled]), [['other-ep', true]]);
  });

  it('messages filters by event type, channel and time', async () => {
    const all = await runCli(['messages', SHOP, '--json'], api);
    assert.equal(all.code, 0, all.stderr);
    const ids = (JSON.parse(all.stdout) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    assert.deepEqual(ids, [...shopMessages].reverse());

    const created = await runCli(['messages', SHOP, '--event-type', 'order.created'], api);
    assert.ok(created.stdout.includes(shopMessages[0]!));
    assert.ok(created.stdout.includes(shopMessages[2]!));
    assert.ok(!created.stdout.includes(shopMessages[1]!));

    const eu = await runCli(['messages', SHOP, '--channel', 'eu', '--json'], api);
    const euIds = (JSON.parse(eu.stdout) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    assert.deepEqual(euIds, [shopMessages[0]]);

    const recent = await runCli(['messages', SHOP, '--since', '1h', '--until', 'now', '--json'], api);
    assert.equal((JSON.parse(recent.stdout) as { data: unknown[] }).data.length, 3);
    const future = await runCli(['messages', SHOP, '--since', '2099-01-01T00:00:00Z'], api);
    assert.equal(future.code, 0, future.stderr);
    assert.match(future.stdout, /No messages/);
  });

  it('messages shows the status per endpoint', async () => {
    await eventually(async () => {
      const stats = await server.svix.endpoint.getStats(SHOP, okEndpointId);
      return stats.success === 3 ? stats : undefined;
    });
    const table = await runCli(['messages', SHOP, '--endpoint', 'ok-ep', '--status', 'success'], api);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /STATUS/);
    assert.equal(table.stdout.match(/ success/g)?.length, 3);

    const failed = await runCli(['messages', SHOP, '--endpoint', 'ok-ep', '--status', 'fail'], api);
    assert.match(failed.stdout, /No messages/);
  });

  it('messages pages with --limit, --iterator and --all', async () => {
    const first = await runCli(['messages', SHOP, '--limit', '1', '--json'], api);
    const page = JSON.parse(first.stdout) as { data: Array<{ id: string }>; iterator: string; done: boolean };
    assert.deepEqual(page.data.map((m) => m.id), [shopMessages[2]]);
    assert.equal(page.done, false);

    const table = await runCli(['messages', SHOP, '--limit', '1'], api);
    assert.match(table.stderr, new RegExp(`--iterator ${page.iterator}`));

    const second = await runCli(['messages', SHOP, '--limit', '1', '--iterator', page.iterator, '--json'], api);
    assert.deepEqual((JSON.parse(second.stdout) as { data: Array<{ id: string }> }).data.map((m) => m.id), [shopMessages[1]]);

    const capped = await runCli(['messages', SHOP, '--all', '--limit', '1', '--max', '2', '--json'], api);
    const cappedPage = JSON.parse(capped.stdout) as { data: unknown[]; truncated: boolean };
    assert.equal(cappedPage.data.length, 2);
    assert.equal(cappedPage.truncated, true);

    const every = await runCli(['messages', SHOP, '--all', '--limit', '1', '--json'], api);
    assert.equal((JSON.parse(every.stdout) as { data: unknown[] }).data.length, 3);
  });

  it('resend delivers the message again with the same webhook-id', async () => {
    const before = okReceiver.requests.length;
    const result = await runCli(['resend', SHOP, shopMessages[1]!, 'ok-ep'], api);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Resend queued/);
    const requests = await okReceiver.waitForRequests(before + 1);
    const resent = requests[before]!;
    assert.equal(resent.headers['webhook-id'], shopMessages[1]);
  });

  it('recover sends failed messages since a time again', async () => {
    const message = await server.svix.message.create(FLAKY, { eventType: 'order.failed', payload: {} });
    // One attempt plus three retries, each returning 500.
    await flakyReceiver.waitForRequests(4);
    const endpoint = await server.svix.endpoint.get(FLAKY, 'flaky-ep');
    await eventually(async () => {
      const stats = await server.svix.endpoint.getStats(FLAKY, endpoint.id);
      return stats.fail === 1 ? stats : undefined;
    }, 10_000, 'a failed delivery');

    flakyHealthy.value = true;
    const result = await runCli(['recover', FLAKY, 'flaky-ep', '--since', '1h', '--wait'], api);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /finished: 1 messages requeued/);
    const requests = await flakyReceiver.waitForRequests(5);
    assert.equal(requests[4]!.headers['webhook-id'], message.id);
  });

  it('token create prints an admin token that authenticates', async () => {
    const db = { HOOKLINE_DATABASE_URL: server.config.databaseUrl };
    const created = await runCli(['token', 'create', '--name', 'ops laptop', '--expires-in', '1d'], db);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^hl_[A-Za-z0-9_-]{43}$/);
    assert.match(created.stderr, /shown only now/);
    assert.ok(!created.stderr.includes(token));

    const listed = await runCli(['apps', '--url', server.url, '--token', token]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /cli-shop/);
  });

  it('token create --app confines the token to one application', async () => {
    const db = { HOOKLINE_DATABASE_URL: server.config.databaseUrl };
    const created = await runCli(['token', 'create', '--app', SHOP, '--json'], db);
    assert.equal(created.code, 0, created.stderr);
    const output = JSON.parse(created.stdout) as { token: string; appId: string; expiresAt: string | null };
    assert.match(output.token, /^hlapp_/);
    assert.equal(output.expiresAt, null);
    const scoped = { HOOKLINE_URL: server.url, HOOKLINE_TOKEN: output.token };

    const own = await runCli(['endpoints', SHOP], scoped);
    assert.equal(own.code, 0, own.stderr);
    assert.ok(own.stdout.includes(okEndpointId));

    const other = await runCli(['endpoints', OTHER], scoped);
    assert.equal(other.code, 3);
    assert.match(other.stderr, /Not found: application not found: cli-other/);

    const recovered = await runCli(['recover', SHOP, 'ok-ep', '--since', '1h', '--wait'], scoped);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.match(recovered.stdout, /finished/);

    const unknown = await runCli(['token', 'create', '--app', 'no-such-app'], db);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /Application not found: no-such-app/);
  });

  it('tail prints attempts that happen after it starts', async () => {
    const child = spawnCli(['tail', '--app', SHOP, '--interval', '200ms'], { HOOKLINE_DATABASE_URL: server.config.databaseUrl });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await eventually(() => (stderr.includes('Waiting for delivery attempts') ? true : undefined), 10_000, 'tail to start');

    const flaky = await server.svix.message.create(FLAKY, { eventType: 'tail.other', payload: {} });
    const message = await server.svix.message.create(SHOP, { eventType: 'tail.check', payload: {} });
    const line = await eventually(
      () => stdout.split('\n').find((text) => text.includes(message.id)),
      10_000,
      'the attempt in the tail output',
    );
    assert.match(line, /cli-shop\s+ok-ep\s+msg_\S+\s+tail\.check\s+200\s+\d+ms\s+success/);
    for (const old of shopMessages) assert.ok(!stdout.includes(old), `attempt of ${old} predates tail`);
    assert.ok(!stdout.includes(flaky.id), 'attempt of another application');

    child.kill('SIGINT');
    assert.equal(await exited, 0);
  });

  it('tail --json prints one object per attempt', async () => {
    const child = spawnCli(['tail', '--json', '--since', '1h', '--outcome', 'success', '--endpoint', 'ok-ep', '--app', SHOP], {
      HOOKLINE_DATABASE_URL: server.config.databaseUrl,
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = await eventually(() => {
      const parsed = stdout.split('\n').filter((text) => text !== '').map((text) => JSON.parse(text) as Record<string, unknown>);
      return parsed.length >= 3 ? parsed : undefined;
    }, 10_000, 'earlier attempts since 1h');
    for (const shopMessage of shopMessages) assert.ok(lines.some((line) => line.msgId === shopMessage));
    for (const line of lines) {
      assert.equal(line.outcome, 'success');
      assert.equal(line.endpointUid, 'ok-ep');
      assert.equal(line.responseStatusCode, 200);
    }
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  });

  it('rejects bad usage with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['apps', '--colour'], /Unknown option '--colour'/],
      [['endpoints'], /Missing APP/],
      [['messages', SHOP, '--since', 'yesterday'], /Invalid --since "yesterday"/],
      [['messages', SHOP, '--status', 'fail'], /--status needs --endpoint/],
      [['apps', '--limit', '0'], /Invalid --limit "0"/],
      [['recover', SHOP, 'ok-ep'], /Missing --since/],
      [['token', 'delete'], /Unknown action "delete"/],
      [['tail', '--outcome', 'maybe'], /Invalid --outcome "maybe"/],
      [['token', 'create', '--expires-in', '-1d'], /--expires-in needs a value.*--expires-in=-1d/],
      [['verify', '-', '--provider', 'stripe', '--tolerance', '-5'], /--tolerance needs a value/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, api);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')} prints one line`);
    }
  });

  it('explains a wrong token, URL or database', async () => {
    const badToken = await runCli(['apps'], { HOOKLINE_URL: server.url, HOOKLINE_TOKEN: 'not-a-token' });
    assert.equal(badToken.code, 4);
    assert.match(badToken.stderr, /rejected the API token.*Check --token/);

    const noToken = await runCli(['apps'], { HOOKLINE_URL: server.url });
    assert.equal(noToken.code, 4);
    assert.match(noToken.stderr, /No API token/);

    const url = `http://127.0.0.1:${await closedPort()}`;
    const badUrl = await runCli(['apps', '--url', url, '--token', server.token]);
    assert.equal(badUrl.code, 5);
    assert.match(badUrl.stderr, new RegExp(`Cannot reach Hookline at ${url}.*ECONNREFUSED`));

    const missingApp = await runCli(['messages', 'no-such-app'], api);
    assert.equal(missingApp.code, 3);

    const noDatabase = await runCli(['token', 'create'], { HOOKLINE_DATABASE_URL: `sqlite:${server.dir}/missing.db` });
    assert.equal(noDatabase.code, 3);
    assert.match(noDatabase.stderr, /No SQLite database at .*missing\.db/);

    const notDatabasePath = join(server.dir, 'notes.db');
    writeFileSync(notDatabasePath, 'these are notes, not a database\n');
    const notDatabase = await runCli(['token', 'create'], { HOOKLINE_DATABASE_URL: `sqlite:${notDatabasePath}` });
    assert.equal(notDatabase.code, 3);
    assert.match(notDatabase.stderr, /notes\.db is not a SQLite database/);
  });

  it('help describes every command', async () => {
    const help = await runCli(['help']);
    assert.equal(help.code, 0);
    for (const name of ['serve', 'apps', 'endpoints', 'messages', 'tail', 'resend', 'recover', 'token create', 'verify']) {
      assert.match(help.stdout, new RegExp(`^  ${name}`, 'm'));
    }
    const tailHelp = await runCli(['tail', '--help']);
    assert.equal(tailHelp.code, 0);
    assert.match(tailHelp.stdout, /--interval DUR/);
    const sameText = await runCli(['help', 'tail']);
    assert.equal(sameText.stdout, tailHelp.stdout);
  });
});
