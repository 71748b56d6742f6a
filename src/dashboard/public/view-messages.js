// An application's messages with filters, and one message with its attempts.
import { api, query, seg } from './api.js';
import { formatTime, h, isoToLocalInput, localInputToIso, statusBadge, table } from './dom.js';
import { attemptsSection, deliveriesSection } from './attempts.js';
import { appCrumbs, appTabs } from './view-endpoints.js';
import { errorNotice, field, pageHeader, select } from './ui.js';

const STATUSES = [
  ['', 'Any status'],
  ['0', 'Succeeded'],
  ['1', 'Pending'],
  ['2', 'Failed'],
  ['3', 'Sending'],
];
const PAGE_SIZE = 50;

/** Reads the filters from the view's address, such as `#/apps/x/messages?status=2`. */
function readFilters(params) {
  return {
    eventType: params.get('event_type') ?? '',
    endpoint: params.get('endpoint') ?? '',
    status: params.get('status') ?? '',
    after: params.get('after') ?? '',
    before: params.get('before') ?? '',
    iterator: params.get('iterator') ?? '',
  };
}

function filterForm(application, filters, endpoints, eventTypes) {
  const typeOptions = eventTypes.map((type) => [type.name, type.name]);
  const endpointOptions = endpoints.map((ep) => [ep.id, ep.description ? `${ep.description} (${ep.url})` : ep.url]);
  const eventType = select('event_type', [['', 'Any event type'], ...typeOptions], filters.eventType);
  const endpoint = select('endpoint', [['', 'Any endpoint'], ...endpointOptions], filters.endpoint);
  const status = select('status', STATUSES, filters.status);
  const timeInput = (name, value) =>
    h('input', { type: 'datetime-local', name, value: value ? isoToLocalInput(value) : null });
  const after = timeInput('after', filters.after);
  const before = timeInput('before', filters.before);
  const problem = h('div', { class: 'output' });
  const form = h(
    'form',
    { class: 'filters card', 'aria-label': 'Message filters' },
    field('Event type', eventType),
    field('Endpoint', endpoint),
    field('Delivery status', status, 'Status is per endpoint: choose an endpoint to filter by it.'),
    field('Created after', after),
    field('Created before', before),
    h(
      'div',
      { class: 'filter-buttons' },
      h('button', { type: 'submit', text: 'Apply filters' }),
      h('a', { href: `#/apps/${seg(application.id)}/messages`, class: 'button secondary', text: 'Clear' }),
    ),
    problem,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (status.value && !endpoint.value) {
      problem.replaceChildren(errorNotice(new Error('Choose an endpoint to filter by delivery status.')));
      status.focus();
      return;
    }
    const search = query({
      event_type: eventType.value,
      endpoint: endpoint.value,
      status: status.value,
      after: localInputToIso(after.value),
      before: localInputToIso(before.value),
    });
    location.hash = `#/apps/${seg(application.id)}/messages${search}`;
  });
  return form;
}

function loadMessages(application, filters) {
  const common = {
    limit: PAGE_SIZE,
    iterator: filters.iterator,
    event_types: filters.eventType,
    after: filters.after,
    before: filters.before,
    with_content: 'false',
  };
  const app = `/api/v1/app/${seg(application.id)}`;
  if (filters.endpoint) {
    return api('GET', `${app}/endpoint/${seg(filters.endpoint)}/msg${query({ ...common, status: filters.status })}`);
  }
  return api('GET', `${app}/msg${query(common)}`);
}

export async function renderMessages({ params: [appId], query: params }) {
  const application = await api('GET', `/api/v1/app/${seg(appId)}`);
  const filters = readFilters(params);
  const [endpoints, eventTypes, page] = await Promise.all([
    api('GET', `/api/v1/app/${seg(application.id)}/endpoint?limit=250`),
    api('GET', '/api/v1/event-type?limit=250'),
    loadMessages(application, filters),
  ]);
  const withStatus = Boolean(filters.endpoint);
  const headers = ['Created', 'Event type', 'Message', ...(withStatus ? ['Status'] : [])];
  const rows = page.data.map((message) => [
    formatTime(message.timestamp),
    message.eventType,
    h('a', { href: `#/apps/${seg(application.id)}/messages/${seg(message.id)}`, text: message.id, class: 'id' }),
    ...(withStatus ? [statusBadge(message.statusText)] : []),
  ]);
  const next = new URLSearchParams(params);
  next.set('iterator', page.iterator ?? '');
  return [
    ...pageHeader(`${application.name}: messages`, appCrumbs(application, 'Messages')),
    appTabs(application.id, 'messages'),
    filterForm(application, filters, endpoints.data, eventTypes.data),
    rows.length
      ? table('Messages', headers, rows, { hideCaption: true })
      : h('p', { text: 'No messages match these filters.' }),
    page.done
      ? null
      : h('p', {}, h('a', { href: `#/apps/${seg(application.id)}/messages?${next}`, text: 'Older messages' })),
  ];
}

export async function renderMessage({ params: [appId, messageId] }) {
  const application = await api('GET', `/api/v1/app/${seg(appId)}`);
  const message = await api('GET', `/api/v1/app/${seg(application.id)}/msg/${seg(messageId)}`);
  const attempts = await attemptsSection(application, message);
  const deliveries = await deliveriesSection(application, message, attempts);
  return [
    ...pageHeader(`Message ${message.id}`, appCrumbs(application, 'Message')),
    appTabs(application.id, 'messages'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'message-title' },
      h('h2', { id: 'message-title', text: 'Message' }),
      h(
        'dl',
        { class: 'facts' },
        h('dt', { text: 'Event type' }),
        h('dd', { text: message.eventType }),
        h('dt', { text: 'Created' }),
        h('dd', { text: formatTime(message.timestamp) }),
        h('dt', { text: 'Event ID' }),
        h('dd', { text: message.eventId ?? '—' }),
      ),
      h('h3', { text: 'Payload' }),
      h('pre', { class: 'code', tabindex: '0', 'aria-label': 'Payload', text: JSON.stringify(message.payload, null, 2) }),
    ),
    deliveries,
    attempts.node,
  ];
}
