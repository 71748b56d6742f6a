import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawMemberText } from '../src/api/raw-json.js';
import { loadConfig, parseListen } from '../src/config.js';
import { DestinationGuard } from '../src/delivery/destination-guard.js';
import { hasIdPrefix, newId } from '../src/ids.js';
import { sign } from '../src/signing/standard-webhooks.js';
import { Webhook } from 'standardwebhooks';

describe('ids', () => {
  it('carries the prefix and length', () => {
    const id = newId('msg');
    assert.match(id, /^msg_[0-9A-Za-z]{27}$/);
    assert.equal(hasIdPrefix(id, 'msg'), true);
    assert.equal(hasIdPrefix(id, 'app'), false);
  });

  it('sorts by creation time', () => {
    const ids = Array.from({ length: 2000 }, () => newId('ep'));
    assert.deepEqual([...ids].sort(), ids, 'ids made in one millisecond still increase');
  });
});

describe('raw payload text', () => {
  it('keeps numbers and escapes as written', () => {
    const body = '{"eventType":"a","payload":{"n":12345678901234567890,"p":1.10,"s":"\\u00e9\\"}"}}';
    assert.equal(rawMemberText(body, 'payload'), '{"n":12345678901234567890,"p":1.10,"s":"\\u00e9\\"}"}');
  });

  it('takes the last duplicate key', () => {
    assert.equal(rawMemberText('{"payload":{"a":1}, "payload" : [1, {"b":"]"}] }', 'payload'), '[1, {"b":"]"}]');
  });

  it('skips nested keys of the same name', () => {
    const body = '{ "x": {"payload": 1}, "payload": {"y":2}\n}';
    assert.equal(rawMemberText(body, 'payload'), '{"y":2}');
  });

  it('finds escaped key names', () => {
    assert.equal(rawMemberText('{"pay\\u006coad":{"z":true}}', 'payload'), '{"z":true}');
  });

  it('returns undefined when absent', () => {
    assert.equal(rawMemberText('{"eventType":"a"}', 'payload'), undefined);
    assert.equal(rawMemberText('[1,2]', 'payload'), undefined);
  });
});

describe('destination guard', () => {
  const guard = new DestinationGuard([]);

  it('blocks internal IPv4 ranges', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1']) {
      assert.equal(guard.isAllowed(address), false, address);
    }
  });

  it('blocks internal IPv6 ranges', () => {
    for (const address of ['::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '2001:db8::1']) {
      assert.equal(guard.isAllowed(address), false, address);
    }
  });

  it('allows public addresses', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(guard.isAllowed(address), true, address);
    }
  });

  it('opens ranges from the allow list', () => {
    const open = new DestinationGuard(['127.0.0.0/8', '::1/128']);
    assert.equal(open.isAllowed('127.0.0.1'), true);
    assert.equal(open.isAllowed('::1'), true);
    assert.equal(open.isAllowed('::ffff:127.0.0.1'), true);
    assert.equal(open.isAllowed('10.0.0.1'), false);
  });

  it('rejects a malformed CIDR', () => {
    assert.throws(() => new DestinationGuard(['10.0.0.0/33']), /Invalid CIDR/);
    assert.throws(() => new DestinationGuard(['not-an-ip/8']), /Invalid CIDR/);
  });
});

describe('config', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.listenHost, '127.0.0.1');
    assert.equal(config.listenPort, 8071);
    assert.equal(config.databaseUrl, 'sqlite:./data/hookline.db');
    assert.equal(config.publicUrl, 'http://127.0.0.1:8071');
    assert.equal(config.deliveryTimeoutMs, 15_000);
    assert.deepEqual(config.allowPrivateCidrs, []);
    assert.equal(config.retryScheduleMs.length, 7);
  });

  it('parses listen addresses', () => {
    assert.deepEqual(parseListen('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(parseListen('[::1]:8071'), { host: '::1', port: 8071 });
    assert.throws(() => parseListen('8071'), /HOOKLINE_LISTEN is invalid/);
    assert.throws(() => parseListen('host:99999'), /HOOKLINE_LISTEN is invalid/);
  });

  it('rejects a bad timeout', () => {
    assert.throws(() => loadConfig({ HOOKLINE_DELIVERY_TIMEOUT: 'soon' }), /HOOKLINE_DELIVERY_TIMEOUT/);
    assert.throws(() => loadConfig({ HOOKLINE_DELIVERY_TIMEOUT: '0' }), /HOOKLINE_DELIVERY_TIMEOUT/);
  });
});

describe('signing', () => {
  it('matches the standardwebhooks library', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"type":"order.shipped","data":{"id":"o_22"}}';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = sign(secret, 'msg_c22', timestamp, body);
    const headers = { 'webhook-id': 'msg_c22', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.equal(signature, 'v1,' + new Webhook(secret).sign('msg_c22', new Date(timestamp * 1000), body).split(',')[1]);
  });
});
