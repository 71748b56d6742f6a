// An application's endpoints with their health, and one endpoint with its chart and actions.
import { api, query, seg } from './api.js';
import { healthCharts } from './chart.js';
import { details, formatTime, h, notice, table } from './dom.js';
import { endpointActions } from './endpoint-actions.js';
import { errorNotice, pageHeader } from './ui.js';

const DISABLED_REASONS = {
  manual: 'disabled by hand',
  failing: 'disabled automatically: every attempt failed for the whole disable window',
  gone: 'disabled automatically: the endpoint answered 410 Gone',
};

const PERIODS = [
  ['1h', 'Last hour', 60 * 60 * 1000, 12],
  ['24h', 'Last 24 hours', 24 * 60 * 60 * 1000, 24],
  ['7d', 'Last 7 days', 7 * 24 * 60 * 60 * 1000, 28],
];

export function appCrumbs(application, last) {
  return [
    ['Applications', '#/apps'],
    [application.name, `#/apps/${seg(application.id)}/endpoints`],
    [last, null],
  ];
}

/** Describes the endpoint's state with a symbol and words, and the reason when it is disabled. */
export function stateText(endpoint) {
  const symbol = (text) => h('span', { 'aria-hidden': 'true', text });
  if (!endpoint.disabled) return h('span', { class: 'badge ok' }, symbol('●'), ' Enabled');
  const reason = DISABLED_REASONS[endpoint.disabledReason] ?? endpoint.disabledReason ?? 'disabled';
  return h('span', {}, h('span', { class: 'badge bad' }, symbol('○'), ' Disabled'), ` (${reason})`);
}

function successRate(health) {
  const attempts = health.buckets.reduce((sum, bucket) => sum + bucket.attempts, 0);
  const successes = health.buckets.reduce((sum, bucket) => sum + bucket.successes, 0);
  return attempts ? `${Math.round((successes / attempts) * 100)}% of ${attempts}` : 'no attempts';
}

function lastFailureText(appId, failure) {
  if (!failure) return 'none';
  const what = failure.responseStatusCode ? `HTTP ${failure.responseStatusCode}` : (failure.errorCode ?? 'no response');
  const href = `#/apps/${seg(appId)}/messages/${seg(failure.msgId)}`;
  return h('a', { href, text: `${what} at ${formatTime(failure.timestamp)}` });
}

/** Maximum number of endpoints the endpoints view shows, which is the API's maximum page size. */
const ENDPOINT_PAGE_SIZE = 250;

export async function renderEndpoints({ params: [appId] }) {
  const application = await api('GET', `/api/v1/app/${seg(appId)}`);
  const page = await api('GET', `/api/v1/app/${seg(application.id)}/endpoint?limit=${ENDPOINT_PAGE_SIZE}`);
  const healths = await Promise.all(
    page.data.map((endpoint) =>
      api('GET', `/api/v1/app/${seg(application.id)}/endpoint/${seg(endpoint.id)}/health`).catch((error) => ({ error })),
    ),
  );
  const rows = page.data.map((endpoint, index) => {
    const health = healths[index];
    return [
      h('a', { href: `#/apps/${seg(application.id)}/endpoints/${seg(endpoint.id)}`, class: 'url', text: endpoint.url }),
      endpoint.description || '—',
      stateText(endpoint),
      health.error ? errorNotice(health.error) : successRate(health),
      health.error ? '—' : lastFailureText(application.id, health.lastFailure),
    ];
  });
  return [
    ...pageHeader(`${application.name}: endpoints`, appCrumbs(application, 'Endpoints')),
    appTabs(application.id, 'endpoints'),
    rows.length
      ? table('Endpoints', ['URL', 'Description', 'State', 'Success (24 h)', 'Last failure'], rows, { hideCaption: true })
      : h('p', { text: 'This application has no endpoints yet.' }),
    page.done === false
      ? notice('info', `Showing the first ${ENDPOINT_PAGE_SIZE} endpoints. The API's endpoint list pages through all of them.`)
      : null,
  ];
}

/** Builds the links between an application's endpoints and messages, marking `current` with aria-current. */
export function appTabs(appId, current) {
  const link = (key, label) => {
    const href = `#/apps/${seg(appId)}/${key}`;
    return h('li', {}, h('a', { href, text: label, 'aria-current': key === current ? 'page' : null }));
  };
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Application' },
    h('ul', {}, link('endpoints', 'Endpoints'), link('messages', 'Messages')),
  );
}

export async function renderEndpoint({ params: [appId, endpointId], query: params }) {
  const application = await api('GET', `/api/v1/app/${seg(appId)}`);
  const base = `/api/v1/app/${seg(application.id)}/endpoint/${seg(endpointId)}`;
  const endpoint = await api('GET', base);
  const [key, , windowMs, buckets] = PERIODS.find(([name]) => name === params.get('period')) ?? PERIODS[1];
  const since = new Date(Date.now() - windowMs).toISOString();
  const health = await api('GET', `${base}/health${query({ since, buckets })}`);
  const here = `#/apps/${seg(application.id)}/endpoints/${seg(endpoint.id)}`;
  const messagesHref = `#/apps/${seg(application.id)}/messages?endpoint=${seg(endpoint.id)}`;

  const periodLinks = h(
    'ul',
    { class: 'periods', 'aria-label': 'Period' },
    PERIODS.map(([name, label]) =>
      h('li', {}, h('a', { href: `${here}?period=${name}`, text: label, 'aria-current': name === key ? 'true' : null })),
    ),
  );
  return [
    ...pageHeader(`Endpoint ${endpoint.url}`, appCrumbs(application, 'Endpoint')),
    appTabs(application.id, 'endpoints'),
    h(
      'section',
      { 'aria-labelledby': 'state-title', class: 'card' },
      h('h2', { id: 'state-title', text: 'State' }),
      details([
        ['URL', h('span', { class: 'url', text: endpoint.url })],
        ['ID', h('code', { text: endpoint.id })],
        ['State', stateText(endpoint)],
        ['Failing since', health.failingSince ? formatTime(health.failingSince) : 'not failing'],
        ['Failures in a row', String(health.consecutiveFailures)],
        ['Last failure', lastFailureText(application.id, health.lastFailure)],
        ['Messages', h('a', { href: messagesHref, text: 'Messages sent to this endpoint' })],
      ]),
    ),
    h(
      'section',
      { 'aria-labelledby': 'health-title', class: 'card' },
      h('h2', { id: 'health-title', text: 'Health' }),
      periodLinks,
      healthCharts(health),
    ),
    await endpointActions(application, endpoint),
  ];
}
