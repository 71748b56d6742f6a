// Inbound sources with how many requests each accepted and rejected, and why.
import { api, query } from './api.js';
import { h, table } from './dom.js';
import { errorNotice, pageHeader } from './ui.js';

/** Plain words for the rejection codes of inbound verification. */
const REASONS = {
  signature_missing: 'signature missing',
  signature_malformed: 'signature malformed',
  signature_mismatch: 'signature does not match',
  timestamp_missing: 'timestamp missing',
  timestamp_invalid: 'timestamp invalid',
  timestamp_too_old: 'timestamp too old',
  timestamp_in_future: 'timestamp in the future',
  raw_body_required: 'raw body required',
  duplicate: 'duplicate of an accepted request',
  payload_too_large: 'body too large',
  invalid_content_encoding: 'invalid content encoding',
  unsupported_content_encoding: 'unsupported content encoding',
};

const INTRO =
  "Providers post to a source's ingest URL. Accepted requests are stored and forwarded, and rejected ones are counted by reason.";
const COLUMNS = ['Name', 'Type', 'Ingest URL', 'Accepted', 'Rejected', 'Rejection reasons'];

function reasonList(rejections) {
  const entries = Object.entries(rejections);
  if (entries.length === 0) return 'none';
  return h(
    'ul',
    { class: 'reasons' },
    entries.map(([code, count]) => {
      const meaning = REASONS[code] ? ` (${REASONS[code]})` : '';
      return h('li', {}, h('code', { text: code }), `${meaning}: ${count}`);
    }),
  );
}

export async function renderSources({ query: params }) {
  const page = await api('GET', `/ingest/api/v1/source${query({ limit: 100, iterator: params.get('iterator') })}`);
  const readStats = (source) =>
    api('GET', `/ingest/api/v1/source/${encodeURIComponent(source.id)}/stats`).catch((error) => ({ error }));
  const stats = await Promise.all(page.data.map(readStats));
  const rows = page.data.map((source, index) => {
    const stat = stats[index];
    const start = [source.name, source.type, h('span', { class: 'url', text: source.ingestUrl })];
    if (stat.error) return [...start, errorNotice(stat.error), '—', '—'];
    const rejected = Object.values(stat.rejections).reduce((sum, count) => sum + count, 0);
    return [...start, String(stat.accepted), String(rejected), reasonList(stat.rejections)];
  });
  return [
    ...pageHeader('Inbound sources'),
    h('p', { class: 'hint', text: INTRO }),
    rows.length
      ? table('Inbound sources', COLUMNS, rows, { hideCaption: true })
      : h('p', { text: 'No inbound sources yet. Create one with POST /ingest/api/v1/source.' }),
    page.done
      ? null
      : h('p', {}, h('a', { href: `#/sources?iterator=${encodeURIComponent(page.iterator)}`, text: 'Next page' })),
  ];
}
