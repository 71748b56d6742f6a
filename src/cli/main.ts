#!/usr/bin/env node
import { HooklineError } from '../errors.js';
import { VERSION } from '../version.js';
import { parseCommandArgs, type Command } from './args.js';
import { appsCommand } from './commands/apps.js';
import { endpointsCommand } from './commands/endpoints.js';
import { messagesCommand } from './commands/messages.js';
import { recoverCommand } from './commands/recover.js';
import { resendCommand } from './commands/resend.js';
import { serveCommand } from './commands/serve.js';
import { tailCommand } from './commands/tail.js';
import { tokenCommand } from './commands/token.js';
import { verifyCommand } from './commands/verify.js';
import { CliError, ExitCode } from './errors.js';
import { HELP_FOOTER } from './help.js';

const COMMANDS: Command[] = [
  serveCommand,
  appsCommand,
  endpointsCommand,
  messagesCommand,
  tailCommand,
  resendCommand,
  recoverCommand,
  tokenCommand,
  verifyCommand,
];

function usageLine(command: Command): string {
  const args = command.positionals.map((name) => (name.endsWith('?') ? `[${name.slice(0, -1)}]` : name));
  if (command.name === 'token') args[0] = 'create';
  return [command.name, ...args].join(' ');
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => usageLine(command).length)) + 2;
  const lines = COMMANDS.map((command) => `  ${usageLine(command).padEnd(width)}${command.summary}`);
  return `Hookline ${VERSION}: a self-hosted webhook gateway.

Usage: hookline <command> [options]

Commands:
${lines.join('\n')}
  ${'help [COMMAND]'.padEnd(width)}Show this help, or the options of COMMAND.
  ${'version'.padEnd(width)}Print the version.

Run "hookline <command> --help" for a command's options.
${HELP_FOOTER}`;
}

/** Describes an unexpected failure in one line an operator can act on. */
function describeError(error: unknown): string {
  if (error instanceof HooklineError || error instanceof CliError) return error.message;
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EADDRINUSE') return `${message}. Another process uses that address; set HOOKLINE_LISTEN to a free one.`;
  if (code === 'EACCES') return `${message}. Permission denied; check HOOKLINE_LISTEN and HOOKLINE_DATABASE_URL.`;
  if (process.env.HOOKLINE_LOG_LEVEL === 'debug' && error instanceof Error) return error.stack ?? message;
  return `${message}${code ? ` (${code})` : ''}. Set HOOKLINE_LOG_LEVEL=debug for the stack trace.`;
}

async function main(argv: string[]): Promise<number> {
  const name = argv[0] ?? 'help';
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = COMMANDS.find((command) => command.name === argv[1]);
    process.stdout.write(topic ? topic.help : mainHelp());
    return ExitCode.ok;
  }
  if (name === 'version' || name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }

  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`hookline: Unknown command "${name}". Run "hookline help" for the list of commands.\n`);
    return ExitCode.usage;
  }
  const args = parseCommandArgs(command, argv.slice(1));
  if (args.values.help) {
    process.stdout.write(command.help);
    return ExitCode.ok;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve returns a negative code: the server keeps the process alive and exits itself.
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hookline: ${describeError(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : ExitCode.failed;
  },
);
