import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { validateEndpointUrl } from '../src/api/endpoint-input.js';
import { rawMemberText } from '../src/api/raw-json.js';
import { readBoolean, readDate, readNameList, readPage } from '../src/api/query.js';
import { DestinationGuard } from '../src/delivery/destination-guard.js';
import { MAX_RETRY_AFTER_MS, nextRetryDelayMs, parseRetryAfter } from '../src/delivery/retry-policy.js';
import { HooklineError, ValidationError } from '../src/errors.js';
import { generateSecret, sign } from '../src/signing/standard-webhooks.js';
import { startHookline, type TestServer } from './support/hookline.js';

// Fixed seeds and bounded runs keep the suite fast and any failure reproducible.
const RUNS = { numRuns: 300, seed: 20261204 };
const API_RUNS = { numRuns: 150, seed: 20261204 };
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('fuzz: Retry-After', () => {
  it('never throws and never returns a negative delay', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (value) => {
        const parsed = parseRetryAfter(value, NOW);
        assert.ok(parsed === undefined || (Number.isFinite(parsed) && parsed >= 0), `"${value}" gave ${parsed}`);
      }),
      RUNS,
    );
  });

  it('reads delay-seconds exactly', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        assert.equal(parseRetryAfter(String(seconds), NOW), seconds * 1000);
      }),
      RUNS,
    );
  });

  it('reads HTTP dates to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (offsetSeconds) => {
        const when = new Date(NOW + offsetSeconds * 1000);
        assert.equal(parseRetryAfter(when.toUTCString(), NOW), Math.max(0, offsetSeconds * 1000));
      }),
      RUNS,
    );
  });

  it('never retries before Retry-After or past the cap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 9 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retryAfter, random) => {
        const delay = nextRetryDelayMs(1, [5_000], retryAfter, () => random)!;
        assert.ok(delay >= Math.min(retryAfter, MAX_RETRY_AFTER_MS));
        assert.ok(delay <= Math.max(6_000, MAX_RETRY_AFTER_MS));
      }),
      RUNS,
    );
  });
});

describe('fuzz: raw JSON member', () => {
  it('returns text that parses to the member', () => {
    const objects = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    fc.assert(
      fc.property(objects, fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 2, '\t'), (others, payload, indent) => {
        const text = JSON.stringify({ ...others, payload }, null, indent);
        const raw = rawMemberText(text, 'payload');
        assert.notEqual(raw, undefined);
        assert.deepEqual(JSON.parse(raw!), JSON.parse(JSON.stringify(payload)));
      }),
      RUNS,
    );
  });

  it('never throws on any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value);
        const raw = rawMemberText(text, 'payload');
        if (raw !== undefined) JSON.parse(raw);
      }),
      RUNS,
    );
  });
});

describe('fuzz: endpoint URL validation', () => {
  const guard = new DestinationGuard([]);
  const policy = { guard, httpsOnly: false };

  function checkOnlyHooklineErrors(url: string) {
    try {
      validateEndpointUrl(url, policy);
    } catch (error) {
      assert.ok(error instanceof HooklineError, `${url} threw ${String(error)}`);
    }
  }

  it('raises only its own errors', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), checkOnlyHooklineErrors), RUNS);
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), checkOnlyHooklineErrors), RUNS);
  });

  it('blocks every internal IPv4 literal in any notation', () => {
    const internal = fc.oneof(
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
    );
    fc.assert(
      fc.property(internal, fc.constantFrom('dotted', 'decimal', 'hex', 'octal', 'mapped'), (octets, notation) => {
        const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
        const host = {
          dotted: octets.join('.'),
          decimal: String(value),
          hex: `0x${value.toString(16)}`,
          octal: octets.map((octet) => `0${octet.toString(8)}`).join('.'),
          mapped: `[::ffff:${octets.join('.')}]`,
        }[notation];
        assert.throws(() => validateEndpointUrl(`http://${host}/`, policy), { code: 'destination_blocked' }, host);
      }),
      RUNS,
    );
  });
});

describe('fuzz: query parsing', () => {
  const queries = fc.dictionary(
    fc.constantFrom('limit', 'order', 'iterator', 'before', 'after', 'event_types', 'with_content', 'channel'),
    fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })),
  );

  it('returns a page request or a validation error', () => {
    fc.assert(
      fc.property(queries, (query) => {
        for (const read of [
          () => readPage(query, 'descending'),
          () => readDate(query, 'before'),
          () => readNameList(query, 'event_types'),
          () => readBoolean(query, 'with_content', true),
        ]) {
          try {
            const result = read();
            if (result && typeof result === 'object' && 'limit' in result) {
              assert.ok(result.limit >= 1, `limit ${result.limit}`);
              assert.ok(result.limit <= 250, `limit ${result.limit}`);
            }
          } catch (error) {
            assert.ok(error instanceof ValidationError, String(error));
          }
        }
      }),
      RUNS,
    );
  });
});

describe('fuzz: signatures', () => {
  it('verifies with standardwebhooks and fails on any change', () => {
    const secret = generateSecret();
    const webhook = new Webhook(secret);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.jsonValue({ maxDepth: 3 }), fc.nat(255), (suffix, value, flip) => {
        const id = `msg_${suffix.replace(/[^A-Za-z0-9]/g, 'x')}`;
        const body = JSON.stringify({ value });
        const timestamp = Math.floor(Date.now() / 1000);
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, id, timestamp, body) };
        assert.deepEqual(webhook.verify(body, headers), JSON.parse(body));

        const bytes = Buffer.from(body);
        bytes[flip % bytes.length] = bytes[flip % bytes.length]! ^ 1;
        assert.throws(() => webhook.verify(bytes.toString('latin1'), headers));
      }),
      RUNS,
    );
  });
});

describe('fuzz: API bodies', () => {
  let server: TestServer;
  let appId: string;
  let endpointId: string;

  before(async () => {
    // Fuzzed bodies can enable endpoints with any URL, so nothing may be delivered: the worker
    // stops before the first request, and the resolver never reaches DNS.
    const noDns = async (hostname: string) => {
      throw Object.assign(new Error(`DNS is disabled in this test: ${hostname}`), { code: 'ENOTFOUND' });
    };
    server = await startHookline({ HOOKLINE_ALLOW_PRIVATE_CIDRS: '' }, undefined, { resolve: noDns });
    await server.hookline.worker!.stop();
    appId = (await server.svix.application.create({ name: 'fuzz', uid: 'fuzz' })).id;
    endpointId = (await server.svix.endpoint.create(appId, { url: 'https://hooks.example.com/in', uid: 'fuzz-ep', disabled: true })).id;
  });
  after(async () => {
    await server.close();
  });

  const fieldValue = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.webUrl(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom('http://127.0.0.1/', 'http://[::1]/', 'whsec_' + 'A'.repeat(40), 'e.fuzz'),
  );
  const fields = ['name', 'uid', 'url', 'description', 'eventType', 'payload', 'channels', 'filterTypes', 'headers', 'metadata', 'secret', 'rateLimit', 'throttleRate', 'disabled', 'eventId', 'application', 'schemas', 'tags', 'version'];
  const bodies = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(fc.constantFrom(...fields), fieldValue, { maxKeys: 6 }),
  );

  it('never answers 500 to a POST, PUT or PATCH', async () => {
    const routes = [
      ['POST', '/api/v1/app'],
      ['POST', '/api/v1/event-type'],
      ['POST', `/api/v1/app/${appId}/endpoint`],
      ['POST', `/api/v1/app/${appId}/msg`],
      ['PUT', `/api/v1/app/${appId}/endpoint/${endpointId}`],
      ['PATCH', `/api/v1/app/${appId}/endpoint/${endpointId}`],
      ['PATCH', `/api/v1/app/${appId}`],
      ['POST', `/api/v1/app?get_if_exists=true`],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), bodies, async ([method, url], body) => {
        const response = await server.hookline.api!.inject({
          method,
          url,
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        assert.ok(response.statusCode < 500, `${method} ${url} ${JSON.stringify(body)} gave ${response.statusCode}: ${response.body}`);
      }),
      API_RUNS,
    );
  });

  it('never answers 500 to list queries', async () => {
    const query = fc.record({
      limit: fc.oneof(fc.nat(1000).map(String), fc.string({ maxLength: 8 })),
      iterator: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('app_', '-app_', 'ep_x', '')),
      order: fc.constantFrom('ascending', 'descending', 'sideways'),
    });
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('/api/v1/app', `/api/v1/app/${appId}/endpoint`, `/api/v1/app/${appId}/msg`), async (params, path) => {
        const search = new URLSearchParams(params).toString();
        const response = await server.hookline.api!.inject({
          method: 'GET',
          url: `${path}?${search}`,
          headers: { authorization: `Bearer ${server.token}` },
        });
        assert.ok(response.statusCode < 500, `${path}?${search} gave ${response.statusCode}: ${response.body}`);
      }),
      API_RUNS,
    );
  });
});
