import { ValidationError } from '../errors.js';
import type { MessageFilter } from '../store/messages.js';
import type { Ordering, PageRequest } from '../store/pagination.js';

/** Query-string readers. Each rejects a bad value with a 422 naming the parameter. */
type Query = Record<string, string | string[] | undefined>;

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250;
const NAME_PATTERN = /^[a-zA-Z0-9\-_.]+$/;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) return value[value.length - 1];
  return value;
}

function invalid(name: string, msg: string): ValidationError {
  return ValidationError.single(['query', name], msg);
}

export function readBoolean(query: Query, name: string, fallback: boolean): boolean {
  const value = single(query, name);
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(name, `${name} must be true or false, not "${value}"`);
}

export function readDate(query: Query, name: string): number | undefined {
  const value = single(query, name);
  if (value === undefined || value === '') return undefined;
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw invalid(name, `${name} must be an RFC 3339 date-time, not "${value}"`);
  return millis;
}

export function readEnum(query: Query, name: string, allowed: number[]): number | undefined {
  const value = single(query, name);
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!allowed.includes(number)) {
    throw invalid(name, `${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return number;
}

export function readName(query: Query, name: string): string | undefined {
  const value = single(query, name);
  if (value === undefined || value === '') return undefined;
  if (value.length > 256 || !NAME_PATTERN.test(value)) {
    throw invalid(name, `${name} must match ^[a-zA-Z0-9\\-_.]+$ and be at most 256 characters`);
  }
  return value;
}

/** Reads a list given as repeated parameters, comma-separated values, or both. */
export function readNameList(query: Query, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(',')).filter((v) => v !== '');
  for (const value of values) {
    if (value.length > 256 || !NAME_PATTERN.test(value)) {
      throw invalid(name, `${name} contains an invalid name: "${value}"`);
    }
  }
  return values.length > 0 ? values : undefined;
}

export function readPage(query: Query, defaultOrder: Ordering): PageRequest {
  const limitText = single(query, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined && limitText !== '') {
    if (!/^\d+$/.test(limitText)) throw invalid('limit', `limit must be a whole number, not "${limitText}"`);
    limit = Math.min(Math.max(Number(limitText), 1), MAX_LIMIT);
  }

  const order = single(query, 'order') ?? defaultOrder;
  if (order !== 'ascending' && order !== 'descending') {
    throw invalid('order', `order must be ascending or descending, not "${order}"`);
  }

  const iterator = single(query, 'iterator');
  if (iterator !== undefined && (iterator.length > 300 || !/^-?[a-zA-Z0-9\-_.]*$/.test(iterator))) {
    throw invalid('iterator', 'iterator is invalid; pass the iterator value of an earlier page');
  }
  return { limit, order, iterator: iterator === '' ? undefined : iterator };
}

/** Reads the message filters the Svix list routes share: event types, channel and a time range. */
export function readMessageFilter(query: Query): MessageFilter {
  return {
    eventTypes: readNameList(query, 'event_types'),
    channel: readName(query, 'channel'),
    before: readDate(query, 'before'),
    after: readDate(query, 'after'),
  };
}
