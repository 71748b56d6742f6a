import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Engine = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.HOOKLINE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_PORT = Number(process.env.HOOKLINE_BENCH_REDIS_PORT ?? 6379);
export const TOKEN = 'bench-token';

export interface Database {
  url: string;
  drop(): Promise<void>;
}

async function postgres(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates a fresh SQLite file or PostgreSQL schema for one run, removed by `drop`. */
export async function createDatabase(engine: Engine): Promise<Database> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
    return { url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `hl_bench_${randomBytes(5).toString('hex')}`;
  return {
    url: `${POSTGRES_URL}?schema=${schema}`,
    drop: () => postgres(`drop schema if exists ${schema} cascade`),
  };
}

/** Returns a schema name for pg-boss, which creates the schema, and a `drop` that removes it. */
export function pgBossSchema(): { schema: string; drop(): Promise<void> } {
  const schema = `pgboss_bench_${randomBytes(5).toString('hex')}`;
  return { schema, drop: () => postgres(`drop schema if exists ${schema} cascade`) };
}

/** Creates a self-signed certificate for 127.0.0.1 with the openssl command, for HTTPS receivers. */
export function selfSignedCertificate(): { certFile: string; keyFile: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { certFile, keyFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sends one API request to Hookline and returns the parsed JSON response. */
export async function api(base: string, path: string, body?: unknown): Promise<{ id: string }> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path} returned ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}
