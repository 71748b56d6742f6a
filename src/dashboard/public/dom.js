// Small DOM helpers. Text is always set as text, never parsed as HTML, so data from the API
// cannot inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an element. `props` keys: `class`, `text`, `on<event>` handlers, `hidden`, and any
 * other key as an attribute (skipped when null, undefined or false).
 */
export function h(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

/** Creates an SVG element; props work as in h(). */
export function s(tag, props = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

function build(element, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') element.textContent = String(value);
    else if (key === 'class') element.setAttribute('class', value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Formats an ISO date-time in the reader's locale, or a dash when there is none. */
export function formatTime(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** Converts a `datetime-local` input value to an ISO date-time, or undefined when empty. */
export function localInputToIso(value) {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Converts a time to the `YYYY-MM-DDTHH:mm` value of a `datetime-local` input, in local time. */
export function isoToLocalInput(value) {
  const date = new Date(value);
  const pad = (n) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const STATUS_LABELS = {
  success: ['✓', 'Succeeded', 'ok'],
  fail: ['✗', 'Failed', 'bad'],
  pending: ['…', 'Pending', 'wait'],
  sending: ['↻', 'Sending', 'wait'],
};

/** Renders a delivery status as a symbol plus a word, so it never depends on colour alone. */
export function statusBadge(statusText) {
  const [symbol, label, tone] = STATUS_LABELS[statusText] ?? ['?', String(statusText), 'wait'];
  return h('span', { class: `badge ${tone}` }, h('span', { 'aria-hidden': 'true', text: symbol }), ` ${label}`);
}

/** Builds a table with a caption and column headers. `rows` are arrays of cells (nodes or text). */
export function table(caption, headers, rows, options = {}) {
  return h(
    'table',
    { class: `data ${options.class ?? ''}` },
    h('caption', { class: options.hideCaption ? 'visually-hidden' : null, text: caption }),
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col', text: header })))),
    h(
      'tbody',
      {},
      rows.map((row) => h('tr', {}, row.map((cell, index) => h('td', { 'data-label': headers[index] }, cell)))),
    ),
  );
}

/** Builds a description list from [term, value] pairs. */
export function details(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]));
}

/** Pretty-prints a JSON value, or returns text unchanged when it is not JSON. */
export function prettyJson(value) {
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** Announces a short message to screen readers through the page's live region. */
export function announce(message) {
  const live = document.getElementById('live');
  if (live) live.textContent = message;
}

/** Builds a notice box with `tone` `error`, `ok` or `info`. Errors are announced immediately. */
export function notice(tone, ...children) {
  return h('div', { class: `notice ${tone}`, role: tone === 'error' ? 'alert' : 'status' }, ...children);
}
