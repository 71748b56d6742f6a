import type { ApiClient, Page } from './api-client.js';
import { flagOption, integerOption, stringOption, type OptionSpecs, type ParsedArgs } from './args.js';
import { UsageError } from './errors.js';

/** The API's largest page. */
const MAX_PAGE_SIZE = 250;
/** The default of --max: the most items --all fetches. */
const DEFAULT_MAX_ITEMS = 10_000;

export const PAGE_OPTIONS: OptionSpecs = {
  limit: { type: 'string' },
  iterator: { type: 'string' },
  all: { type: 'boolean' },
  max: { type: 'string' },
};

export const PAGE_OPTIONS_HELP = `  --limit N        items per page, 1 to ${MAX_PAGE_SIZE} (default 50)
  --iterator IT    start after this iterator, printed under the previous page
  --all            fetch every page, up to --max items
  --max N          the most items --all fetches (default ${DEFAULT_MAX_ITEMS})`;

export interface PageResult<T> extends Page<T> {
  /** True when --all stopped at --max before the last page. */
  truncated: boolean;
}

/** Fetches one page, or with --all every page up to --max items, following `iterator`. */
export async function fetchPages<T>(
  client: ApiClient,
  path: string,
  query: Record<string, string | string[] | undefined>,
  args: ParsedArgs,
  command: string,
): Promise<PageResult<T>> {
  const all = flagOption(args, 'all');
  const max = integerOption(args, 'max', command, { min: 1, max: 1_000_000 }) ?? DEFAULT_MAX_ITEMS;
  if (!all && stringOption(args, 'max') !== undefined) throw new UsageError('--max applies only with --all.', command);
  const limit = integerOption(args, 'limit', command, { min: 1, max: MAX_PAGE_SIZE }) ?? (all ? MAX_PAGE_SIZE : 50);

  const data: T[] = [];
  let iterator = stringOption(args, 'iterator') ?? null;
  for (;;) {
    const pageSize = all ? Math.min(limit, max - data.length) : limit;
    const page = await client.get<Page<T>>(path, { ...query, limit: String(pageSize), iterator: iterator ?? undefined });
    data.push(...page.data);
    iterator = page.iterator;
    if (!all || page.done) return { data, iterator, done: page.done, truncated: false };
    if (data.length >= max) return { data, iterator, done: false, truncated: true };
  }
}

/** Prints where the next page starts, on stderr so that stdout stays a clean table. */
export function printPageHint(result: PageResult<unknown>): void {
  if (result.done) return;
  const why = result.truncated ? `Stopped at --max ${result.data.length} items. ` : '';
  process.stderr.write(`${why}More results: run the same command with --iterator ${result.iterator}\n`);
}
