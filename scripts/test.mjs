// Runs the compiled test suite once per storage engine and ends with one summary line.
// SQLite always runs. PostgreSQL runs when HOOKLINE_TEST_POSTGRES_URL (default: the local
// server on 127.0.0.1:5432) accepts a connection; when it does not, the suite is skipped with
// a message, except under CI=true, where a missing PostgreSQL fails the run.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';

const postgresUrl = process.env.HOOKLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const files = readdirSync('dist/test')
  .filter((name) => name.endsWith('.test.js'))
  .map((name) => `dist/test/${name}`);
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));

function runSuite(engine) {
  return new Promise((resolve) => {
    console.log(`\n=== ${engine} ===`);
    const child = spawn(
      process.execPath,
      ['--test', '--test-reporter=spec', '--test-concurrency=2', ...(only.length ? only : files)],
      { env: { ...process.env, HOOKLINE_TEST_ENGINE: engine }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => {
      const count = (label) => Number(new RegExp(`^ℹ ${label} (\\d+)`, 'm').exec(output)?.[1] ?? 0);
      resolve({ engine, code, passed: count('pass'), failed: count('fail'), skipped: count('skipped') });
    });
  });
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error.message;
  } finally {
    await client.end().catch(() => {});
  }
}

const results = [await runSuite('sqlite')];
const unreachable = await postgresReachable();
let missingPostgres = false;
if (unreachable === null) {
  results.push(await runSuite('postgres'));
} else if (process.env.CI === 'true') {
  console.log(`\nPostgreSQL at ${postgresUrl} is unreachable (${unreachable}); CI requires it.`);
  missingPostgres = true;
} else {
  console.log(
    `\nSkipped the PostgreSQL suite: ${postgresUrl} is unreachable (${unreachable}). ` +
      'Start PostgreSQL on 127.0.0.1:5432, or set HOOKLINE_TEST_POSTGRES_URL, to run it.',
  );
}

const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0) + (missingPostgres ? 1 : 0);
const skipped = results.reduce((sum, result) => sum + result.skipped, 0);
console.log('');
for (const result of results) {
  console.log(`${result.engine}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || results.some((result) => result.code !== 0) ? 1 : 0;
