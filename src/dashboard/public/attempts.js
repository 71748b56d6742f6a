// A message's deliveries (one per endpoint, each with a resend button) and its attempts, with
// the request headers sent, the response and the duration of each.
import { api, seg } from './api.js';
import { announce, details, formatTime, h, notice, prettyJson, statusBadge, table } from './dom.js';
import { runAction } from './ui.js';

const POLL_INTERVAL_MS = 1000;
const POLL_LIMIT_MS = 30_000;
const TRIGGERS = ['scheduled', 'manual resend'];
const DELIVERIES_HINT =
  'The status of the scheduled delivery to each endpoint. A resend adds an attempt below and leaves this status as it is.';

function attemptTitle(attempt) {
  const code = attempt.responseStatusCode ? `HTTP ${attempt.responseStatusCode}` : 'no response';
  return `${formatTime(attempt.timestamp)} · ${code}`;
}

function headersTable(headers) {
  if (!headers) {
    const text = 'Not recorded: this attempt was made before Hookline stored request headers.';
    return h('p', { class: 'hint', text });
  }
  const rows = Object.entries(headers).map(([name, value]) => [
    h('code', { text: name }),
    h('code', { class: 'value', text: value }),
  ]);
  return table('Request headers', ['Header', 'Value'], rows, { class: 'headers', hideCaption: true });
}

function attemptArticle(attempt, endpointUrls, expanded) {
  const error = attempt.errorCode ? `${attempt.errorCode}${attempt.errorDetail ? `: ${attempt.errorDetail}` : ''}` : '—';
  return h(
    'article',
    { class: 'attempt', 'data-status': attempt.statusText, 'aria-labelledby': `attempt-${attempt.id}` },
    h('h3', { id: `attempt-${attempt.id}` }, statusBadge(attempt.statusText), ' ', attemptTitle(attempt)),
    details([
      ['Attempt', h('code', { text: attempt.id })],
      ['Endpoint', endpointUrls.get(attempt.endpointId) ?? attempt.endpointId],
      ['URL', h('span', { class: 'url', text: attempt.url })],
      ['Response status', attempt.responseStatusCode ? String(attempt.responseStatusCode) : 'none'],
      ['Duration', `${attempt.responseDurationMs} ms`],
      ['Trigger', TRIGGERS[attempt.triggerType] ?? String(attempt.triggerType)],
      ['Error', error],
      ['Next attempt', attempt.nextAttempt ? formatTime(attempt.nextAttempt) : '—'],
    ]),
    h(
      'details',
      { open: expanded },
      h('summary', { text: 'Request headers and response body' }),
      h('h4', { text: 'Request headers' }),
      headersTable(attempt.requestHeaders),
      h('h4', { text: 'Response body (excerpt)' }),
      attempt.response
        ? h('pre', { class: 'code', tabindex: '0', 'aria-label': 'Response body', text: prettyJson(attempt.response) })
        : h('p', { class: 'hint', text: 'Empty.' }),
    ),
  );
}

/**
 * Builds the attempts section. Returns the node, the number of attempts shown, and reload(),
 * which fetches them again and returns the new count.
 */
export async function attemptsSection(application, message) {
  const path = `/api/v1/app/${seg(application.id)}/attempt/msg/${seg(message.id)}?limit=100`;
  const endpoints = await api('GET', `/api/v1/app/${seg(application.id)}/endpoint?limit=250`);
  const endpointUrls = new Map(endpoints.data.map((endpoint) => [endpoint.id, endpoint.url]));
  const list = h('div', { class: 'attempt-list' });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'attempts-title' },
    h('h2', { id: 'attempts-title', text: 'Attempts' }),
    list,
  );
  const state = {
    node: section,
    count: 0,
    async reload() {
      const page = await api('GET', path);
      state.count = page.data.length;
      const articles = page.data.map((attempt, index) => attemptArticle(attempt, endpointUrls, index === 0));
      list.replaceChildren(...(articles.length ? articles : [h('p', { text: 'No attempts yet.' })]));
      return page.data;
    },
  };
  await state.reload();
  return state;
}

function newAttemptText(attempt) {
  const outcome = attempt.statusText === 'success' ? 'succeeded' : 'failed';
  const code = attempt.responseStatusCode ? `HTTP ${attempt.responseStatusCode}` : 'no response';
  return `New attempt: ${outcome} with ${code}.`;
}

/** Polls the attempts until one more than `before` exists, or the time limit passes. */
async function waitForNewAttempt(attempts, before) {
  const deadline = Date.now() + POLL_LIMIT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    if (!attempts.node.isConnected) return null;
    const data = await attempts.reload();
    if (data.length > before) return data[0];
  }
  return null;
}

/** Builds the deliveries table: one row per endpoint with its status and a resend button. */
export async function deliveriesSection(application, message, attempts) {
  const page = await api('GET', `/api/v1/app/${seg(application.id)}/msg/${seg(message.id)}/endpoint?limit=250`);
  const output = h('div', { class: 'output' });
  const rows = page.data.map((endpoint) => {
    const button = h('button', { type: 'button', text: 'Resend', 'aria-label': `Resend to ${endpoint.url}` });
    button.addEventListener('click', () =>
      runAction(
        button,
        output,
        async () => {
          const before = attempts.count;
          await api('POST', `/api/v1/app/${seg(application.id)}/msg/${seg(message.id)}/endpoint/${seg(endpoint.id)}/resend`);
          output.replaceChildren(notice('info', 'Resend queued; waiting for the new attempt…'));
          const attempt = await waitForNewAttempt(attempts, before);
          const text = attempt
            ? newAttemptText(attempt)
            : 'Resend queued. The new attempt has not been recorded yet; reload the page later.';
          announce(text);
          return notice(attempt && attempt.statusText === 'success' ? 'ok' : 'info', text);
        },
        ['Resend this message?', `The message is sent once more to ${endpoint.url}, with the same webhook-id.`, 'Resend'],
      ),
    );
    return [
      h('span', { class: 'url', text: endpoint.url }),
      statusBadge(endpoint.statusText),
      endpoint.nextAttempt ? formatTime(endpoint.nextAttempt) : '—',
      button,
    ];
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'deliveries-title' },
    h('h2', { id: 'deliveries-title', text: 'Deliveries' }),
    h('p', { class: 'hint', text: DELIVERIES_HINT }),
    rows.length
      ? table('Deliveries', ['Endpoint', 'Status', 'Next attempt', 'Action'], rows, { hideCaption: true })
      : h('p', { text: 'This message was sent to no endpoint.' }),
    output,
  );
}
