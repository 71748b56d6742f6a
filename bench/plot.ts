/** One measured point of latency against offered load. */
export interface LatencyPoint {
  engine: string;
  offered: number;
  p50: number;
  p99: number;
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 60, right: 150, top: 20, bottom: 45 };
const COLORS: Record<string, string> = { sqlite: '#1f77b4', postgres: '#d62728' };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Draws p50 (solid) and p99 (dashed) latency against offered load as a standalone SVG. */
export function renderLatencyPlot(points: LatencyPoint[]): string {
  const valid = points.filter((point) => Number.isFinite(point.p99));
  const maxX = Math.max(1, ...valid.map((point) => point.offered)) * 1.1;
  const maxY = Math.max(1, ...valid.map((point) => point.p99)) * 1.1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => MARGIN.left + (value / maxX) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - (value / maxY) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${x(maxX)}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${MARGIN.left}" y2="${y(maxY)}" stroke="black"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">offered load (messages/s)</text>`,
    `<text x="14" y="${MARGIN.top + plotHeight / 2}" transform="rotate(-90 14 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">accept to delivery (ms)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const xValue = (maxX / 4) * i;
    const yValue = (maxY / 4) * i;
    parts.push(`<text x="${x(xValue)}" y="${y(0) + 16}" text-anchor="middle">${xValue.toFixed(0)}</text>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(yValue) + 4}" text-anchor="end">${yValue.toFixed(0)}</text>`);
  }

  const engines = [...new Set(valid.map((point) => point.engine))];
  engines.forEach((engine, index) => {
    const series = valid.filter((point) => point.engine === engine).sort((a, b) => a.offered - b.offered);
    const color = COLORS[engine] ?? '#555';
    for (const [key, dash] of [['p50', ''], ['p99', ' stroke-dasharray="6 4"']] as const) {
      const path = series.map((point) => `${x(point.offered).toFixed(1)},${y(point[key]).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      for (const point of series) parts.push(`<circle cx="${x(point.offered)}" cy="${y(point[key])}" r="3" fill="${color}"/>`);
    }
    const legendY = MARGIN.top + 16 + index * 36;
    parts.push(`<text x="${WIDTH - MARGIN.right + 10}" y="${legendY}" fill="${color}">${escape(engine)} p50 (solid)</text>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 10}" y="${legendY + 16}" fill="${color}">${escape(engine)} p99 (dashed)</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
