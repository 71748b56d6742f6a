import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './clock.js';
import type { ChildMessage, Timing } from './messages.js';

const CLOCK_TICKS_PER_SECOND = 100;

/** A forked benchmark child that streams timings back. */
export class Child {
  readonly process: ChildProcess;
  readonly timings = new Map<string, number>();
  private readonly waiting = new Map<string, Array<(message: ChildMessage) => void>>();
  done: Extract<ChildMessage, { type: 'done' }> | null = null;

  constructor(file: string, options: unknown, env: NodeJS.ProcessEnv = process.env) {
    const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
    this.process = fork(path, [JSON.stringify(options)], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.process.on('message', (message: ChildMessage) => this.receive(message));
  }

  private receive(message: ChildMessage): void {
    if (message.type === 'accepted' || message.type === 'delivered') {
      for (const [id, time] of message.items as Timing[]) if (!this.timings.has(id)) this.timings.set(id, time);
    }
    if (message.type === 'done') this.done = message;
    for (const resolve of this.waiting.get(message.type)?.splice(0) ?? []) resolve(message);
  }

  waitFor<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve) => {
      const list = this.waiting.get(type) ?? [];
      list.push(resolve as (message: ChildMessage) => void);
      this.waiting.set(type, list);
    });
  }

  send(message: unknown): void {
    this.process.send(message as never);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.send({ type: 'stop' });
    await Promise.race([exited, sleep(3000)]);
    this.process.kill('SIGKILL');
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `hookline serve` and waits until its health check returns 204. */
export async function startHookline(env: Record<string, string>, role = 'all'): Promise<ChildProcess> {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  // `npm run bench -- --profile=DIR` writes a CPU profile of each server to DIR when it exits.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, cli, 'serve', '--role', role], {
    env: { ...process.env, HOOKLINE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (role === 'worker') return child;
  const url = `http://${env.HOOKLINE_LISTEN}/api/v1/health`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).status === 204) return child;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('Hookline did not start within 10 s');
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await Promise.race([exited, sleep(20_000)]);
  child.kill('SIGKILL');
}

/** CPU seconds used so far and peak resident memory in MiB, read from /proc. */
export function usage(pid: number | undefined): { cpuSeconds: number; peakMiB: number; rssMiB: number } {
  if (!pid) return { cpuSeconds: 0, peakMiB: 0, rssMiB: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { cpuSeconds, peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
  } catch {
    return { cpuSeconds: 0, peakMiB: 0, rssMiB: 0 };
  }
}
