import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile-summary.js FILE.cpuprofile [TOP]`: prints the functions with the most
 * self time and the most inclusive time in a V8 CPU profile, such as one written by
 * `node --cpu-prof`. Inclusive time counts a function once per sample even when it recurses.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function summarize(profile: Profile): { total: number; self: Map<string, number>; inclusive: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const sampled = new Map<number, number>();
  profile.samples.forEach((id, index) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

  let total = 0;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of sampled) {
    total += micros;
    const own = label(nodes.get(id)!);
    self.set(own, (self.get(own) ?? 0) + micros);
    const counted = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const name = label(nodes.get(current)!);
      if (counted.has(name)) continue;
      counted.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  return { total, self, inclusive };
}

function table(times: Map<string, number>, total: number, top: number): string {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`)
    .join('\n');
}

const [file, topArgument] = process.argv.slice(2);
if (!file) {
  console.error('Usage: node dist/bench/profile-summary.js FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArgument ?? 30);
const { total, self, inclusive } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
console.log(`${(total / 1e6).toFixed(2)} s sampled\n\nSelf time:\n${table(self, total, top)}`);
console.log(`\nInclusive time:\n${table(inclusive, total, top)}`);
