import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { renderLatencyPlot, type LatencyPoint } from './plot.js';
import { renderReport } from './report.js';
import { freePort } from './proc.js';
import { POSTGRES_URL, selfSignedCertificate, type Engine } from './setup.js';
import {
  measureCeiling,
  measureDrain,
  measureHookline,
  measureQueue,
  startReceiver,
  type Result,
  type RunSettings,
} from './workloads.js';

/**
 * `npm run bench [-- --quick] [--engine=sqlite|postgres|both] [--soak-seconds=N]`: measures
 * Hookline and the usual alternatives in one run on this machine and writes the report.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const engineOption = option('engine') ?? 'both';
const soakSeconds = Number(option('soak-seconds') ?? (quick ? 0 : 600));
const reportFile = option('out') ?? (quick ? undefined : 'docs/benchmarks.md');
/**
 * `--only=max,drain`: runs only the named workloads (the ceiling always runs, as the divisor).
 * Names: pgboss, bullmq, max, drain, fanout, https, latency, realistic, kill, soak. The last four
 * set their rates from max, so asking for one of them runs max too.
 */
const only = option('only')?.split(',');
const selected = (name: string) => !only || only.includes(name);

const defaults: RunSettings = quick
  ? { durationMs: 1_500, concurrency: 32, payloadBytes: 512, drainMs: 10_000 }
  : { durationMs: 15_000, concurrency: 32, payloadBytes: 512, drainMs: 30_000 };
// `--profile=DIR`: each Hookline server writes a V8 CPU profile there (see profile-summary.ts).
if (option('profile')) process.env.BENCH_PROFILE_DIR = option('profile');
/** `--seconds=N` sets the length of each load. */
const settings: RunSettings = option('seconds') ? { ...defaults, durationMs: Number(option('seconds')) * 1000 } : defaults;

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function log(result: Result): void {
  const rate = result.deliveriesPerSecond.toFixed(0);
  const latency = Number.isNaN(result.p99Ms) ? '' : ` p50 ${result.p50Ms.toFixed(1)} ms p99 ${result.p99Ms.toFixed(1)} ms`;
  const lost = result.lost > 0 ? ` LOST ${result.lost}` : '';
  console.log(`${result.workload} | ${result.system}: ${rate} deliveries/s${latency}${lost} ${result.note}`);
}

async function main(): Promise<void> {
  const postgres = await postgresReachable();
  const engines: Engine[] = engineOption === 'both' ? ['sqlite', 'postgres'] : [engineOption as Engine];
  if (engines.includes('postgres') && !postgres) throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable.`);

  const results: Result[] = [];
  const latencyPoints: LatencyPoint[] = [];
  const memory: Record<string, number[]> = {};
  const record = (result: Result) => {
    results.push(result);
    log(result);
    return result;
  };

  const plain = await startReceiver();
  const realistic = await startReceiver({ latencyMs: 20, errorRate: 0.05, timeoutRate: 0.01, hangMs: 3000 });
  const certificate = selfSignedCertificate();
  const secure = await startReceiver({ latencyMs: 0, errorRate: 0, timeoutRate: 0, hangMs: 0, tls: certificate });
  const downUrl = `http://127.0.0.1:${await freePort()}/down`;

  try {
    const ceiling = record(await measureCeiling(plain.child, `${plain.url}/e0`, settings));
    if (postgres && selected('pgboss')) record(await measureQueue('pgboss', plain.child, `${plain.url}/e0`, settings));
    if (selected('bullmq')) record(await measureQueue('bullmq', plain.child, `${plain.url}/e0`, settings));

    for (const engine of engines) {
      const closed = { mode: 'closed' as const, rate: 0, concurrency: settings.concurrency };
      const one = [`${plain.url}/e0`];
      const needsMax = ['max', 'latency', 'realistic', 'kill', 'soak'].some(selected);
      const max = needsMax
        ? record(
            await measureHookline({ engine, endpoints: one, load: closed }, [plain.child], settings, {
              workload: 'max throughput, 1 endpoint',
            }),
          )
        : null;
      if (selected('drain')) record(await measureDrain(engine, plain.child, `${plain.url}/e0`, settings));
      const ten = Array.from({ length: 10 }, (_, i) => `${plain.url}/e${i}`);
      if (selected('fanout')) {
        record(await measureHookline({ engine, endpoints: ten, load: closed }, [plain.child], settings, { workload: 'fan-out, 10 endpoints' }));
      }
      if (selected('https')) {
        const endpoints = [`${secure.url}/e0`];
        const env = { NODE_EXTRA_CA_CERTS: certificate.certFile };
        record(await measureHookline({ engine, endpoints, env, load: closed }, [secure.child], settings, { workload: 'HTTPS receiver, 1 endpoint' }));
      }
      if (!max) continue;

      for (const fraction of selected('latency') ? [0.25, 0.5, 0.75] : []) {
        const rate = Math.max(1, Math.round(max.deliveriesPerSecond * fraction));
        const open = { mode: 'open' as const, rate, concurrency: settings.concurrency };
        const result = record(
          await measureHookline({ engine, endpoints: one, load: open }, [plain.child], settings, {
            workload: `latency at ${fraction * 100}% of max (${rate}/s)`,
          }),
        );
        latencyPoints.push({ engine, offered: rate, p50: result.p50Ms, p99: result.p99Ms });
      }

      const live = Array.from({ length: 4 }, (_, i) => `${realistic.url}/r${i}`);
      if (selected('realistic')) {
        // Each message goes to five endpoints, so a quarter of max in deliveries is a fifth of
        // that in messages.
        const endpoints = [...live, downUrl];
        const rate = Math.max(1, Math.round((max.deliveriesPerSecond * 0.25) / endpoints.length));
        const run = {
          engine,
          endpoints,
          checkedEndpoints: live,
          env: { HOOKLINE_DELIVERY_TIMEOUT: '1' },
          load: { mode: 'open' as const, rate, concurrency: settings.concurrency },
        };
        const note = '4 endpoints: 20 ms, 5% 503, 1% hang; 1 down; ';
        const slow = { ...settings, drainMs: settings.drainMs + 15_000 };
        record(await measureHookline(run, [realistic.child], slow, { workload: `realistic receivers (${rate} messages/s × 5 endpoints)`, note }));
      }

      const half = Math.max(1, Math.round(max.deliveriesPerSecond * 0.5));
      if (selected('kill')) {
        const load = { mode: 'open' as const, rate: half, concurrency: settings.concurrency };
        record(await measureHookline({ engine, endpoints: one, killHalfway: true, load }, [plain.child], settings, { workload: `SIGKILL and restart (${half}/s)` }));
      }

      if (soakSeconds > 0 && engine === 'sqlite' && selected('soak')) {
        const samples: number[] = [];
        record(
          await measureHookline(
            { engine, endpoints: one, memorySamples: samples, load: { mode: 'open', rate: half, concurrency: settings.concurrency, durationMs: soakSeconds * 1000 } },
            [plain.child],
            settings,
            { workload: `soak, ${soakSeconds} s at ${half}/s` },
          ),
        );
        memory[engine] = samples;
      }
    }

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    const svg = renderLatencyPlot(latencyPoints);
    const report = renderReport({ results, ceiling, memory, machine, settings, quick, plotFile: 'benchmarks-latency.svg' });
    console.log(`\n${report.summary}`);
    if (reportFile) {
      writeFileSync(reportFile, report.markdown);
      writeFileSync(reportFile.replace(/[^/]+$/, 'benchmarks-latency.svg'), svg);
      console.log(`\nWrote ${reportFile} and the latency plot beside it.`);
    }
    const invalid = results.filter((result) => result.lost > 0);
    if (invalid.length > 0) {
      console.log(`\nINVALID: ${invalid.length} runs lost accepted messages.`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all([plain.child.stop(), realistic.child.stop(), secure.child.stop()]);
    certificate.cleanup();
  }
}

await main();
