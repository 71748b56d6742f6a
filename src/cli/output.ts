/** Writes `value` as indented JSON on stdout, for scripts (`--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Widest a table cell may be before it is cut with an ellipsis, in characters. */
const MAX_CELL_WIDTH = 60;

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = Array.isArray(value) ? value.join(',') : String(value);
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return line.length > MAX_CELL_WIDTH ? `${line.slice(0, MAX_CELL_WIDTH - 1)}…` : line;
}

/** Prints rows as a plain table with a header line and columns padded to their widest cell. */
export function printTable(headers: string[], rows: unknown[][], emptyText = 'No results.'): void {
  if (rows.length === 0) {
    process.stdout.write(`${emptyText}\n`);
    return;
  }
  const cells = rows.map((row) => row.map(cell));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]!.length)));
  const format = (row: string[]) => row.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${[format(headers), ...cells.map(format)].join('\n')}\n`);
}

/** Formats Unix milliseconds or an ISO string as `2026-12-04 03:00:00Z`, in UTC. */
export function formatTime(value: number | string): string {
  const millis = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(millis)) return String(value);
  return new Date(millis).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}
