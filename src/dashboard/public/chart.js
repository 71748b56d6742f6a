// The endpoint health charts, drawn as SVG from the buckets of the health route. Colours come
// from classes in style.css, and the numbers are also given as a table for screen readers.
import { formatTime, h, s, table } from './dom.js';

const WIDTH = 480;
const HEIGHT = 180;
const MARGIN = { top: 12, right: 12, bottom: 32, left: 62 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

let chartCount = 0;

function shortTime(time, bucketSeconds) {
  const date = new Date(time);
  if (bucketSeconds >= 6 * 3600) return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Rounds a maximum up to 1, 2 or 5 times a power of ten, for a readable axis. */
function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value);
}

function frame(title, description, yTicks, format, health) {
  const { buckets, bucketSeconds } = health;
  const id = `chart-${++chartCount}`;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'chart' },
    s('title', { id: `${id}-title`, text: title }),
    s('desc', { id: `${id}-desc`, text: description }),
  );
  for (const [value, y] of yTicks) {
    svg.append(
      s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y, class: 'grid' }),
      s('text', { x: MARGIN.left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end', text: format(value) }),
    );
  }
  const step = PLOT_W / buckets.length;
  // The x axis is labelled at the window's start, middle and end.
  const since = Date.parse(health.since);
  const until = Date.parse(health.until);
  const labels = [
    [since, MARGIN.left, 'start'],
    [(since + until) / 2, MARGIN.left + PLOT_W / 2, 'middle'],
    [until, WIDTH - MARGIN.right, 'end'],
  ];
  for (const [time, x, anchor] of labels) {
    svg.append(s('text', { x, y: HEIGHT - 8, class: 'axis', 'text-anchor': anchor, text: shortTime(time, bucketSeconds) }));
  }
  return { svg, step };
}

function successChart(health, summary) {
  const { buckets } = health;
  const y = (rate) => MARGIN.top + PLOT_H * (1 - rate);
  const ticks = [0, 0.5, 1].map((rate) => [rate, y(rate)]);
  const { svg, step } = frame('Success rate per bucket', summary, ticks, (rate) => `${rate * 100}%`, health);
  const hatch = `hatch-${chartCount}`;
  svg.append(
    s(
      'defs',
      {},
      s(
        'pattern',
        { id: hatch, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, class: 'hatch-fill' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }),
      ),
    ),
  );
  buckets.forEach((bucket, index) => {
    const x = MARGIN.left + step * index + step * 0.15;
    const width = Math.max(1, step * 0.7);
    if (bucket.attempts === 0) return;
    const rate = bucket.successes / bucket.attempts;
    // A failing bucket is drawn hatched as well as in another colour, not by colour alone.
    const failing = rate < 1;
    const drawnRate = Math.max(rate, 0.02);
    svg.append(
      s('rect', {
        x,
        width,
        y: y(drawnRate),
        height: PLOT_H * drawnRate,
        class: failing ? 'bar failing' : 'bar',
        fill: failing ? `url(#${hatch})` : null,
      }),
    );
  });
  return svg;
}

function latencyChart(health) {
  const { buckets } = health;
  const max = niceMax(Math.max(0, ...buckets.map((bucket) => bucket.avgDurationMs ?? 0)));
  const y = (ms) => MARGIN.top + PLOT_H * (1 - ms / max);
  const ticks = [0, max / 2, max].map((ms) => [ms, y(ms)]);
  const measured = buckets.filter((bucket) => bucket.avgDurationMs !== null);
  const means = measured.map((bucket) => bucket.avgDurationMs);
  const description = measured.length
    ? `Mean response time per bucket, from ${Math.min(...means)} to ${Math.max(...means)} ms.`
    : 'No attempts in this period.';
  const { svg, step } = frame('Mean response time per bucket', description, ticks, (ms) => String(Math.round(ms)), health);
  const points = [];
  buckets.forEach((bucket, index) => {
    if (bucket.avgDurationMs === null) return;
    const x = MARGIN.left + step * (index + 0.5);
    points.push(`${x.toFixed(1)},${y(bucket.avgDurationMs).toFixed(1)}`);
    svg.append(s('circle', { cx: x, cy: y(bucket.avgDurationMs), r: 3, class: 'point' }));
  });
  // The line goes under the points, so it is inserted before the first one.
  if (points.length > 1) {
    svg.insertBefore(s('polyline', { points: points.join(' '), class: 'line' }), svg.querySelector('circle'));
  }
  return svg;
}

/** Renders both charts and the data table for the output of the health route. */
export function healthCharts(health) {
  const { buckets } = health;
  const attempts = buckets.reduce((sum, bucket) => sum + bucket.attempts, 0);
  const successes = buckets.reduce((sum, bucket) => sum + bucket.successes, 0);
  const overall = attempts ? `${Math.round((successes / attempts) * 1000) / 10}%` : 'no attempts';
  const period = `between ${formatTime(health.since)} and ${formatTime(health.until)}`;
  const summary = `${overall} of ${attempts} attempts succeeded ${period}.`;
  const rows = buckets
    .filter((bucket) => bucket.attempts > 0)
    .map((bucket) => [
      formatTime(bucket.start),
      String(bucket.attempts),
      `${Math.round((bucket.successes / bucket.attempts) * 100)}%`,
      `${bucket.avgDurationMs} ms`,
      `${bucket.maxDurationMs} ms`,
    ]);
  return h(
    'div',
    { class: 'charts' },
    h('p', { class: 'chart-summary', text: summary }),
    h(
      'figure',
      {},
      successChart(health, summary),
      h('figcaption', { text: 'Success rate. Hatched bars had failures; empty slots had no attempts.' }),
    ),
    h('figure', {}, latencyChart(health), h('figcaption', { text: 'Mean response time (latency), in milliseconds.' })),
    h(
      'details',
      {},
      h('summary', { text: 'Chart data as a table' }),
      rows.length
        ? table('Attempts per bucket', ['Bucket start', 'Attempts', 'Success rate', 'Mean time', 'Max time'], rows)
        : h('p', { text: 'No attempts in this period.' }),
    ),
  );
}
