import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment variables of the parent that would point the CLI at some other Hookline. */
const INHERITED_SETTINGS = ['HOOKLINE_URL', 'HOOKLINE_TOKEN', 'HOOKLINE_ADMIN_TOKEN', 'HOOKLINE_LISTEN', 'HOOKLINE_DATABASE_URL'];

function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of INHERITED_SETTINGS) delete base[name];
  return { ...base, ...env };
}

/** Spawns the built `hookline` CLI with `args` and `env`, without waiting for it. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs the built `hookline` CLI to completion; `stdin` is written to its standard input. */
export function runCli(args: string[], env: Record<string, string> = {}, stdin?: Buffer | string): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
