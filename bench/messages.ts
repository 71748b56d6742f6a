/** Messages exchanged between the benchmark driver and its child processes over IPC. */
export type Timing = [id: string, time: number];

export type ChildMessage =
  | { type: 'ready'; port?: number }
  | { type: 'accepted'; items: Timing[] }
  | { type: 'delivered'; items: Timing[] }
  | { type: 'done'; sent: number; accepted: number; rejected: number; errors: number; cpuSeconds: number };

export type DriverMessage = { type: 'start' } | { type: 'stop' } | { type: 'flush' };

/** Sends `message` to the parent process; a no-op outside a forked child. */
export function tell(message: ChildMessage): void {
  process.send?.(message);
}

/** Collects timings and sends them to the parent in batches, so IPC stays cheap. */
export class TimingBatch {
  private items: Timing[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly kind: 'accepted' | 'delivered') {
    this.timer = setInterval(() => this.flush(), 100);
  }

  add(id: string, time: number): void {
    this.items.push([id, time]);
    if (this.items.length >= 500) this.flush();
  }

  flush(): void {
    if (this.items.length === 0) return;
    tell({ type: this.kind, items: this.items });
    this.items = [];
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
