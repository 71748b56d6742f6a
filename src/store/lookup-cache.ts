/**
 * How long a token or application read for an API request is reused. Deleting or changing one
 * takes effect at once in the process that made the change, and within this time in others.
 */
export const LOOKUP_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

interface Entry<V> {
  value: V;
  until: number;
}

/**
 * Keeps rows read on every API request (the caller's token, the message's application) for a
 * short time, per database handle, so a busy API does not read them again for each request.
 * Only rows found are kept: a row created a moment ago is seen on the next request.
 * Writers call `invalidate()` after a change, which drops every entry of every handle.
 */
export class LookupCache<V> {
  private maps = new WeakMap<object, Map<string, Entry<V>>>();
  private generation = 0;

  constructor(private readonly ttlMs = LOOKUP_TTL_MS) {}

  async get(db: object, key: string, load: () => Promise<V | undefined>, now = Date.now()): Promise<V | undefined> {
    let map = this.maps.get(db);
    const hit = map?.get(key);
    if (hit && hit.until > now) return hit.value;
    const generation = this.generation;
    const value = await load();
    // A change committed while the row was being read may not be in it, so it is not kept.
    if (value === undefined || generation !== this.generation) return value;
    if (!map) {
      map = new Map();
      this.maps.set(db, map);
    }
    map.delete(key);
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    map.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  invalidate(): void {
    this.generation++;
    this.maps = new WeakMap();
  }
}
