import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { DestinationGuard, type Resolver } from '../src/delivery/destination-guard.js';
import { embeddedIpv4 } from '../src/delivery/ip-ranges.js';
import { validateEndpointUrl } from '../src/api/endpoint-input.js';
import { HooklineError } from '../src/errors.js';
import { eventually, startHookline, type TestServer } from './support/hookline.js';
import { startReceiver, type Receiver } from './support/receiver.js';

type Attempt = { status: number; errorCode: string | null; response: string; url: string };

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

/** Builds a stub resolver that returns queued addresses per name and never touches DNS. */
function stubResolver(answers: Record<string, LookupAddress[][]>) {
  const calls: string[] = [];
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    const queue = answers[hostname];
    if (!queue || queue.length === 0) throw Object.assign(new Error(`no stub answer for ${hostname}`), { code: 'ENOTFOUND' });
    // The last entry repeats, like a record that stopped changing.
    return queue.length > 1 ? queue.shift()! : queue[0]!;
  };
  return { resolve, calls };
}

function rejectionCode(url: string, guard: DestinationGuard, httpsOnly = false): string | null {
  try {
    validateEndpointUrl(url, { guard, httpsOnly });
    return null;
  } catch (error) {
    return error instanceof HooklineError ? error.code : 'unexpected';
  }
}

describe('destination guard: addresses', () => {
  const guard = new DestinationGuard([]);

  it('rejects internal targets when saved', () => {
    const urls = [
      'http://127.0.0.1:6379/',
      'http://localhost:8080/admin',
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.170.2/',
      'http://10.0.0.5/',
      'http://172.16.3.4/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[ff02::1]/',
      'http://224.0.0.1/',
      'http://192.0.2.10/',
      'http://[2001:db8::1]/',
    ];
    for (const url of urls) assert.equal(rejectionCode(url, guard), 'destination_blocked', url);
  });

  it('rejects schemes other than http and https', () => {
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:25/', 'ftp://93.184.216.34/', 'javascript:alert(1)']) {
      assert.equal(rejectionCode(url, guard), 'validation', url);
    }
  });

  it('rejects IPv6 forms that embed IPv4', () => {
    const urls = [
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::127.0.0.1]/',
      'http://[::ffff:0:127.0.0.1]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[64:ff9b::127.0.0.1]/',
      'http://[2002:7f00:1::]/',
      'http://[2002:a9fe:a9fe::1]/',
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // Teredo, client 127.0.0.1
      'http://[::]/',
    ];
    for (const url of urls) assert.equal(rejectionCode(url, guard), 'destination_blocked', url);
  });

  it('normalizes decimal, octal and hex IPv4', () => {
    const forms = ['2130706433', '0x7f000001', '0177.0.0.1', '0x7f.0.0.1', '127.1', '017700000001', '0x7f.1'];
    for (const form of forms) {
      const url = `http://${form}:8080/`;
      assert.equal(new URL(url).hostname, '127.0.0.1', form);
      assert.equal(rejectionCode(url, guard), 'destination_blocked', form);
    }
    assert.equal(new URL('http://0xa9.0xfe.0xa9.0xfe/').hostname, '169.254.169.254');
    assert.equal(rejectionCode('http://0xa9.0xfe.0xa9.0xfe/', guard), 'destination_blocked');
  });

  it('accepts public addresses and hostnames when saved', () => {
    for (const url of ['https://93.184.216.34/in', 'https://hooks.example.com/in', 'http://[2606:4700:4700::1111]/', 'http://[::ffff:8.8.8.8]/']) {
      assert.equal(rejectionCode(url, guard), null, url);
    }
  });

  it('extracts the IPv4 address each form carries', () => {
    assert.equal(embeddedIpv4('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(embeddedIpv4('::7f00:1'), '127.0.0.1');
    assert.equal(embeddedIpv4('64:ff9b::a9fe:a9fe'), '169.254.169.254');
    assert.equal(embeddedIpv4('2002:7f00:1::'), '127.0.0.1');
    assert.equal(embeddedIpv4('2001:0:4136:e378:8000:63bf:3fff:fdd2'), '192.0.2.45');
    assert.equal(embeddedIpv4('2606:4700:4700::1111'), null);
  });

  it('opens allow-listed ranges in every form', () => {
    const open = new DestinationGuard(['127.0.0.0/8']);
    assert.equal(open.isAllowed('127.0.0.1'), true);
    assert.equal(open.isAllowed('::ffff:127.0.0.1'), true);
    assert.equal(open.isAllowed('169.254.169.254'), false);
    // The transition ranges stay closed unless they are listed themselves.
    assert.equal(open.isAllowed('2002:7f00:1::'), false);
    const transition = new DestinationGuard(['2002::/16']);
    assert.equal(transition.isAllowed('2002:5db8:d822::'), true);
    assert.equal(transition.isAllowed('2002:7f00:1::'), false, 'the embedded loopback stays blocked');
  });

  it('requires https when configured', () => {
    const open = new DestinationGuard(['127.0.0.0/8']);
    assert.equal(rejectionCode('http://hooks.example.com/in', open, true), 'https_required');
    assert.equal(rejectionCode('https://hooks.example.com/in', open, true), null);
    assert.equal(rejectionCode('http://127.0.0.1:9/', open, true), null, 'allow-listed loopback is exempt');
  });
});

describe('destination guard: DNS answers', () => {
  it('blocks an answer mixing public and internal addresses', async () => {
    const { resolve } = stubResolver({ 'dual.example.test': [[v4('93.184.216.34'), v6('::1')]] });
    const guard = new DestinationGuard([], { resolve });
    await assert.rejects(guard.resolveAllowed('dual.example.test'), { code: 'destination_blocked' });
  });

  it('returns every checked address to happy eyeballs', async () => {
    const { resolve, calls } = stubResolver({ 'pair.example.test': [[v4('93.184.216.34'), v6('2606:4700::1')]] });
    const guard = new DestinationGuard([], { resolve });
    const addresses = await new Promise<LookupAddress[]>((done, fail) =>
      guard.lookup('pair.example.test', { all: true }, (error, result) => (error ? fail(error) : done(result as LookupAddress[]))),
    );
    assert.deepEqual(addresses.map((entry) => entry.address), ['93.184.216.34', '2606:4700::1']);
    assert.equal(calls.length, 1);
  });

  it('reports a name with no address as not found', async () => {
    const guard = new DestinationGuard([], { resolve: async () => [] });
    await assert.rejects(guard.resolveAllowed('empty.example.test'), { code: 'ENOTFOUND' });
  });
});

describe('destination guard: deliveries', () => {
  let receiver: Receiver;
  before(async () => {
    // Closing each connection makes every attempt open a new one, and so resolve again.
    receiver = await startReceiver(() => ({ status: 500, headers: { connection: 'close' } }));
  });
  after(async () => {
    await receiver.close();
  });

  async function attemptsOf(server: TestServer, appId: string, messageId: string, count: number) {
    return eventually(async () => {
      const response = await server.fetch(`/api/v1/app/${appId}/attempt/msg/${messageId}`);
      const list = (await response.json()) as { data: Attempt[] };
      return list.data.length >= count ? list.data.reverse() : undefined;
    }, 15_000, `${count} attempts`);
  }

  it('pins the checked address against rebinding', async () => {
    const port = new URL(receiver.url).port;
    const stub = stubResolver({ 'rebind.example.test': [[v4('127.0.0.1')], [v4('169.254.169.254')]] });
    const server = await startHookline({}, undefined, { resolve: stub.resolve });
    try {
      const app = await server.svix.application.create({ name: 'rebind' });
      await server.svix.endpoint.create(app.id, { url: `http://rebind.example.test:${port}/hook` });
      const before = receiver.requests.length;
      const message = await server.svix.message.create(app.id, { eventType: 'e.rebind', payload: {} });

      const attempts = await attemptsOf(server, app.id, message.id, 4);
      assert.equal(attempts[0]!.errorCode, 'http_error', 'the first answer was checked and used');
      for (const attempt of attempts.slice(1)) {
        assert.equal(attempt.errorCode, 'destination_blocked');
        assert.equal(attempt.response, '');
      }
      assert.equal(receiver.requests.length - before, 1, 'no request after the answer changed');
      assert.equal(receiver.requests.at(-1)!.headers.host, `rebind.example.test:${port}`);
      assert.equal(stub.calls.length, 4, 'one resolution per attempt');
    } finally {
      await server.close();
    }
  });

  it('blocks a mixed answer without connecting', async () => {
    const port = new URL(receiver.url).port;
    const stub = stubResolver({ 'dual.example.test': [[v4('127.0.0.1'), v6('fd00::1')]] });
    const server = await startHookline({}, undefined, { resolve: stub.resolve });
    try {
      const app = await server.svix.application.create({ name: 'dual' });
      await server.svix.endpoint.create(app.id, { url: `http://dual.example.test:${port}/` });
      const before = receiver.requests.length;
      const message = await server.svix.message.create(app.id, { eventType: 'e.dual', payload: {} });
      const attempts = await attemptsOf(server, app.id, message.id, 1);
      assert.equal(attempts[0]!.errorCode, 'destination_blocked');
      assert.equal(receiver.requests.length, before);
    } finally {
      await server.close();
    }
  });

  it('blocks a hostname resolving to metadata', async () => {
    const stub = stubResolver({ 'metadata.google.internal': [[v4('169.254.169.254')]] });
    const server = await startHookline({}, undefined, { resolve: stub.resolve });
    try {
      const app = await server.svix.application.create({ name: 'metadata' });
      await server.svix.endpoint.create(app.id, { url: 'http://metadata.google.internal/computeMetadata/v1/' });
      const message = await server.svix.message.create(app.id, { eventType: 'e.meta', payload: {} });
      const attempts = await attemptsOf(server, app.id, message.id, 1);
      assert.equal(attempts[0]!.errorCode, 'destination_blocked');
      assert.equal(attempts[0]!.response, '');
    } finally {
      await server.close();
    }
  });

  it('returns 422 for a blocked literal', async () => {
    const server = await startHookline({ HOOKLINE_ALLOW_PRIVATE_CIDRS: '' });
    try {
      const app = await server.svix.application.create({ name: 'literal' });
      for (const url of ['http://127.0.0.1:9/', 'http://[::ffff:7f00:1]:9/', 'http://2130706433:9/', 'http://localhost:9/']) {
        const response = await server.fetch(`/api/v1/app/${app.id}/endpoint`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        });
        assert.equal(response.status, 422, url);
        assert.equal(((await response.json()) as { code: string }).code, 'destination_blocked', url);
      }
      const list = await server.svix.endpoint.list(app.id);
      assert.equal(list.data.length, 0, 'nothing was saved');
    } finally {
      await server.close();
    }
  });
});
