import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Svix } from 'svix';
import { loadConfig, type Config } from '../../src/config.js';
import { createHookline, type Hookline, type HooklineOptions } from '../../src/hookline.js';
import { createTestDatabase } from './database.js';

export const TEST_TOKEN = 'test-admin-token';

export interface TestServer {
  url: string;
  token: string;
  svix: Svix;
  hookline: Hookline;
  config: Config;
  dir: string;
  /** Sends a raw request to the API with the admin token, for cases the SDK cannot produce. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Stops the server and starts it again on the same database with `overrides` applied. When
   * the start fails the error is thrown and the server stays stopped until the next restart.
   */
  restart(overrides?: Partial<Config>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts Hookline in this process on a free loopback port with its own SQLite file or
 * PostgreSQL schema (reached through `postgresUrl` when given). `env` overrides HOOKLINE_*
 * settings; loopback is allowed as a destination so tests can deliver to local receivers.
 */
export async function startHookline(
  env: Record<string, string> = {},
  postgresUrl?: string,
  options: HooklineOptions = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
  const database = createTestDatabase(dir, postgresUrl);
  const config = loadConfig({
    HOOKLINE_LISTEN: '127.0.0.1:0',
    HOOKLINE_DATABASE_URL: database.url,
    HOOKLINE_ADMIN_TOKEN: TEST_TOKEN,
    HOOKLINE_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    HOOKLINE_RETRY_SCHEDULE: '0.05,0.05,0.05',
    HOOKLINE_DELIVERY_TIMEOUT: '5',
    ...env,
  });
  const logger = pino({ level: process.env.HOOKLINE_TEST_LOG_LEVEL ?? 'silent' });
  const hookline = await createHookline(config, logger, 'all', options);
  const address = await hookline.listen();
  const url = `${config.tlsCertFile ? 'https' : 'http'}://${address}`;
  let running: Hookline | null = hookline;

  const server: TestServer = {
    url,
    token: TEST_TOKEN,
    svix: new Svix(TEST_TOKEN, { serverUrl: url }),
    hookline,
    config,
    dir,
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_TOKEN}`);
      return fetch(server.url + path, { ...init, headers });
    },
    async restart(overrides = {}) {
      await running?.close();
      running = null;
      const restarted = await createHookline({ ...config, ...overrides }, logger);
      running = restarted;
      server.url = `http://${await restarted.listen()}`;
      server.svix = new Svix(TEST_TOKEN, { serverUrl: server.url });
      server.hookline = restarted;
    },
    async close() {
      await running?.close();
      running = null;
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
