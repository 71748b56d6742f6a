// The applications list: every application for an API token, its own for a portal token.
import { api, query, session, seg } from './api.js';
import { formatTime, h, table } from './dom.js';
import { pageHeader } from './ui.js';

const PAGE_SIZE = 50;

export async function renderApplications({ query: params }) {
  const applications = session.appId
    ? [await api('GET', `/api/v1/app/${seg(session.appId)}`)]
    : await listPage(params.get('iterator'));
  const rows = applications.data ?? applications;
  const body = rows.length
    ? table(
        'Applications',
        ['Name', 'UID', 'ID', 'Created', 'Pages'],
        rows.map((app) => [
          h('a', { href: `#/apps/${seg(app.id)}/endpoints`, text: app.name }),
          app.uid ?? '—',
          h('code', { text: app.id }),
          formatTime(app.createdAt),
          h('a', { href: `#/apps/${seg(app.id)}/messages`, text: 'Messages', 'aria-label': `Messages of ${app.name}` }),
        ]),
        { hideCaption: true },
      )
    : h('p', { text: 'No applications yet. Create one with POST /api/v1/app.' });
  const more =
    applications.done === false
      ? h('p', {}, h('a', { href: `#/apps?iterator=${encodeURIComponent(applications.iterator)}`, text: 'Next page' }))
      : null;
  return [...pageHeader('Applications'), body, more];
}

function listPage(iterator) {
  return api('GET', `/api/v1/app${query({ limit: PAGE_SIZE, iterator })}`);
}
