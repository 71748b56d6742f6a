import { randomBytes } from 'node:crypto';

/**
 * Identifiers shaped like Svix's (`msg_` plus 27 base62 characters). The first 6 bytes are the
 * creation time in milliseconds, so ids sort by creation time as plain strings. Within one
 * millisecond a process increments the random part, so ids it creates never go backwards.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ENCODED_LENGTH = 27;
const RANDOM_BYTES = 14;

export type IdPrefix = 'app' | 'ep' | 'msg' | 'atmpt' | 'tok' | 'src' | 'qtask';

let lastMillis = 0;
let lastRandom = Buffer.alloc(RANDOM_BYTES);

function nextRandom(millis: number): Buffer {
  if (millis > lastMillis) {
    lastMillis = millis;
    lastRandom = randomBytes(RANDOM_BYTES);
    return lastRandom;
  }

  // Same millisecond (or a clock step backwards): keep the last time and count up.
  const next = Buffer.from(lastRandom);
  for (let i = next.length - 1; i >= 0; i--) {
    next[i] = (next[i]! + 1) & 0xff;
    if (next[i] !== 0) break;
  }
  lastRandom = next;
  return next;
}

function encodeBase62(bytes: Buffer): string {
  let value = BigInt('0x' + bytes.toString('hex'));
  let text = '';
  while (value > 0n) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(ENCODED_LENGTH, '0');
}

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const millis = Math.max(now, lastMillis);
  const random = nextRandom(millis);
  const time = Buffer.alloc(6);
  time.writeUIntBE(millis, 0, 6);
  return `${prefix}_${encodeBase62(Buffer.concat([time, random]))}`;
}

/** Reports whether `value` looks like an id with the given prefix rather than a `uid`. */
export function hasIdPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && value.length === prefix.length + 1 + ENCODED_LENGTH;
}

/**
 * Returns the creation time in milliseconds that newId encoded in `id`, or null when `id` is
 * not shaped like one of its ids.
 */
export function idTimestamp(id: string): number | null {
  const encoded = id.slice(id.indexOf('_') + 1);
  if (encoded.length !== ENCODED_LENGTH) return null;
  let value = 0n;
  for (const char of encoded) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = value * 62n + BigInt(digit);
  }
  return Number(value >> BigInt(RANDOM_BYTES * 8));
}

/**
 * Returns the smallest id that `newId` can create at `millis`, so `id > firstIdAt(...)` selects
 * the rows created from that millisecond on through the primary key index.
 */
export function firstIdAt(prefix: IdPrefix, millis: number): string {
  const time = Buffer.alloc(6);
  time.writeUIntBE(Math.max(0, Math.floor(millis)), 0, 6);
  return `${prefix}_${encodeBase62(Buffer.concat([time, Buffer.alloc(RANDOM_BYTES)]))}`;
}
