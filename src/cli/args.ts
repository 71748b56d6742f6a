import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

/** A subcommand: its help text, its options and what it runs. Returns the exit code. */
export interface Command {
  name: string;
  /** One line for `hookline help`. */
  summary: string;
  /** The full text for `hookline <command> --help`. */
  help: string;
  options: OptionSpecs;
  /** Positional arguments, in order; a name ending in `?` is optional. */
  positionals: string[];
  run(args: ParsedArgs): Promise<number>;
}

/**
 * Turns a node:util parseArgs error into one sentence. Its message names the option, as in
 * "Unknown option '--x'", and for a value starting with "-" it spans three lines.
 */
function describeParseError(error: unknown, argv: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const option = ambiguous[1]!;
    const at = argv.indexOf(option);
    const value = (at >= 0 ? argv[at + 1] : undefined) ?? '-...';
    return `${option} needs a value. Write a value that starts with "-" as ${option}=${value}.`;
  }
  return `${message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '')}.`;
}

/** Parses `argv` for `command`, rejecting unknown options and a wrong number of arguments. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedArgs;
  } catch (error) {
    throw new UsageError(describeParseError(error, argv), command.name);
  }
  if (parsed.values.help) return parsed;

  const expected = command.positionals;
  const required = expected.filter((name) => !name.endsWith('?'));
  if (parsed.positionals.length < required.length) {
    const missing = required.slice(parsed.positionals.length).join(' ');
    throw new UsageError(`Missing ${missing}.`, command.name);
  }
  if (parsed.positionals.length > expected.length) {
    const extra = parsed.positionals.slice(expected.length).join(' ');
    throw new UsageError(`Unexpected argument "${extra}".`, command.name);
  }
  return parsed;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [String(value)];
  return items.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** Reads a whole number option between `min` and `max`. */
export function integerOption(
  args: ParsedArgs,
  name: string,
  command: string,
  range: { min: number; max: number },
): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    throw new UsageError(`Invalid --${name} "${text}": expected a whole number from ${range.min} to ${range.max}.`, command);
  }
  return value;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration such as `90s`, `15m`, `2h`, `7d` or `1w` into milliseconds, or undefined. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

/**
 * Parses a point in time: an ISO 8601 date-time (`2026-12-04T03:00:00Z`), a date
 * (`2026-12-04`, midnight UTC), `now`, or a duration before `now` (`2h` is two hours ago).
 * Returns Unix milliseconds.
 */
export function parseTime(text: string, option: string, command: string, now = Date.now()): number {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  const duration = parseDurationMs(trimmed);
  if (duration !== undefined) return now - duration;
  // Date.parse accepts many loose forms; only ISO 8601 shapes are taken, so "12/4" is rejected.
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) {
    const millis = Date.parse(trimmed.replace(' ', 'T'));
    if (!Number.isNaN(millis)) return millis;
  }
  throw new UsageError(
    `Invalid --${option} "${text}": expected an ISO 8601 time such as 2026-12-04T03:00:00Z ` +
      'or a duration ago such as 30m, 2h or 7d.',
    command,
  );
}
