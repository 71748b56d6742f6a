/** Returns the q-quantile (0..1) of `values` by nearest rank, or NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface Ledger {
  accepted: number;
  expected: number;
  delivered: number;
  lost: number;
  latenciesMs: number[];
}

/**
 * Matches every accepted message with its delivery to each endpoint path. A message accepted
 * but never delivered to an endpoint is lost, and a run with losses is invalid.
 */
export function reconcile(accepted: Map<string, number>, delivered: Map<string, number>, paths: string[]): Ledger {
  const latenciesMs: number[] = [];
  let found = 0;
  for (const [id, acceptedAt] of accepted) {
    for (const path of paths) {
      const at = delivered.get(`${path}|${id}`);
      if (at === undefined) continue;
      found++;
      latenciesMs.push(Math.max(0, at - acceptedAt));
    }
  }
  const expected = accepted.size * paths.length;
  return { accepted: accepted.size, expected, delivered: found, lost: expected - found, latenciesMs };
}

/** Deliveries per second that arrived inside [start, start + durationMs]. */
export function rateInWindow(delivered: Map<string, number>, start: number, durationMs: number): number {
  let count = 0;
  for (const at of delivered.values()) if (at >= start && at <= start + durationMs) count++;
  return count / (durationMs / 1000);
}
