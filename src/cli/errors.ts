/**
 * Exit codes of the `hookline` command. Scripts may rely on them, so a code keeps its meaning
 * once published. docs/cli.md lists them.
 */
export const ExitCode = {
  ok: 0,
  /** Anything not listed below, such as a server error. */
  failed: 1,
  /** Invalid command, option or value, including a value the API rejected with 400 or 422. */
  usage: 2,
  notFound: 3,
  /** Missing, invalid or expired token, or a token not allowed to do this. */
  authFailed: 4,
  /** Hookline or its database could not be reached. */
  network: 5,
  /** `hookline verify` ran and the signature did not verify. */
  notVerified: 6,
} as const;

/** A failure that the CLI prints as one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export class UsageError extends CliError {
  constructor(detail: string, command?: string) {
    const help = command ? `hookline ${command} --help` : 'hookline help';
    super(ExitCode.usage, `${detail} Run "${help}" for usage.`);
  }
}
