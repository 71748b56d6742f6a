import type { SelectQueryBuilder } from 'kysely';

export type Ordering = 'ascending' | 'descending';

export interface PageRequest {
  limit: number;
  /** The `iterator` of an earlier page; a leading `-` walks backwards (`prevIterator`). */
  iterator?: string | undefined;
  order: Ordering;
}

export interface Page<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/**
 * Runs `query` as one page of keyset pagination over `column`, which must be unique and
 * sortable (ids sort by creation time). Fetches one row more than the limit to learn `done`.
 */
export async function fetchPage<Row>(
  // The builder's table types vary per caller; only the column name is needed here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query: SelectQueryBuilder<any, any, Row>,
  column: string,
  keyOf: (row: Row) => string,
  request: PageRequest,
): Promise<Page<Row>> {
  const backwards = request.iterator?.startsWith('-') ?? false;
  const cursor = backwards ? request.iterator!.slice(1) : request.iterator;
  const ascending = (request.order === 'ascending') !== backwards;

  let page = query.orderBy(column, ascending ? 'asc' : 'desc').limit(request.limit + 1);
  if (cursor) page = page.where(column, ascending ? '>' : '<', cursor);

  const rows = await page.execute();
  const hasMore = rows.length > request.limit;
  const data = rows.slice(0, request.limit);
  if (backwards) data.reverse();

  return {
    data,
    iterator: data.length > 0 ? keyOf(data[data.length - 1]!) : (cursor ?? null),
    prevIterator: data.length > 0 ? `-${keyOf(data[0]!)}` : null,
    done: !hasMore,
  };
}
