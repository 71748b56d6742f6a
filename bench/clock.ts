/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC on Linux), with sub-millisecond
 * precision and the same origin in every process. `performance.timeOrigin + performance.now()`
 * is not: each process fixes its origin from the wall clock at start, so a receiver started
 * half an hour before a load generator disagreed with it by tens of milliseconds.
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
