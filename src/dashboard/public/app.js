// Entry point: reads a portal link, signs in and out, and routes `#/...` paths to views.
import { api, ApiError, session, setUnauthorizedHandler, seg } from './api.js';
import { announce, h } from './dom.js';
import { errorNotice, field, takeFlash } from './ui.js';
import { renderApplications } from './view-applications.js';
import { renderEndpoint, renderEndpoints } from './view-endpoints.js';
import { renderMessage, renderMessages } from './view-messages.js';
import { renderSources } from './view-sources.js';

const main = document.getElementById('main');

const ROUTES = [
  [/^\/apps$/, renderApplications],
  [/^\/apps\/([^/]+)\/endpoints$/, renderEndpoints],
  [/^\/apps\/([^/]+)\/endpoints\/([^/]+)$/, renderEndpoint],
  [/^\/apps\/([^/]+)\/messages$/, renderMessages],
  [/^\/apps\/([^/]+)\/messages\/([^/]+)$/, renderMessage],
  [/^\/sources$/, renderSources],
];

/** Returns where a session starts: the application list, or a portal token's own application. */
function homePath() {
  return session.appId ? `#/apps/${seg(session.appId)}/endpoints` : '#/apps';
}

/**
 * Takes the token from a portal link (`#key=<token>&app=<id>`) into sessionStorage and drops
 * it from the address bar and history, so it is not bookmarked or shared by accident.
 */
function acceptPortalLink() {
  if (!location.hash.startsWith('#key=')) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('key');
  if (token) session.save(token, params.get('app'));
  history.replaceState(null, '', `${location.pathname}${location.search}${homePath()}`);
}

function parseHash() {
  const raw = location.hash.slice(1) || '/apps';
  const mark = raw.indexOf('?');
  let path;
  try {
    path = decodeURIComponent(mark < 0 ? raw : raw.slice(0, mark));
  } catch {
    // A malformed percent-encoding matches no route and shows the not-found view.
    path = raw;
  }
  return { path, query: new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1)) };
}

function renderNav(path) {
  const links = session.appId
    ? [
        ['Endpoints', `#/apps/${seg(session.appId)}/endpoints`],
        ['Messages', `#/apps/${seg(session.appId)}/messages`],
      ]
    : [
        ['Applications', '#/apps'],
        ['Inbound sources', '#/sources'],
      ];
  const list = document.getElementById('nav-links');
  list.replaceChildren(
    ...links.map(([label, href]) => {
      const current = `#${path}` === href || (href === '#/apps' && path.startsWith('/apps'));
      return h('li', {}, h('a', { href, text: label, 'aria-current': current ? 'page' : null }));
    }),
  );
  document.getElementById('main-nav').hidden = false;
  document.getElementById('session').hidden = false;
  const label = session.appId ? `Application ${session.appId}` : 'Signed in with an API token';
  document.getElementById('session-label').textContent = label;
}

/** Keeps an app portal session on its own application. */
function allowedForSession(path) {
  if (!session.appId) return true;
  return path.startsWith(`/apps/${session.appId}/`);
}

let renderCount = 0;

/** Runs the view that matches `path` and returns its nodes. */
async function loadView(path, query) {
  const route = ROUTES.map(([pattern, view]) => [pattern.exec(path), view]).find(([match]) => match);
  if (!route) {
    return [h('h1', { text: 'Page not found' }), h('p', {}, h('a', { href: homePath(), text: 'Go to the start page' }))];
  }
  const nodes = await route[1]({ params: route[0].slice(1), query, path });
  return [nodes].flat(Infinity).filter((node) => node !== null && node !== undefined);
}

/** Titles the document after the view's heading and moves focus there. */
function focusHeading() {
  const title = main.querySelector('h1');
  document.title = `${title?.textContent ?? 'Dashboard'} · Hookline`;
  // Keyboard and screen reader users start at the new content, not at the top of the page.
  title?.setAttribute('tabindex', '-1');
  title?.focus({ preventScroll: true });
  announce(`${title?.textContent ?? 'Page'} loaded`);
}

async function render() {
  if (!session.token) return renderSignIn();
  const { path, query } = parseHash();
  if (!allowedForSession(path)) {
    location.replace(homePath());
    return;
  }

  renderNav(path);
  const rendering = location.hash;
  const ticket = ++renderCount;
  main.replaceChildren(h('p', { class: 'loading', text: 'Loading…' }));
  main.setAttribute('aria-busy', 'true');
  let nodes;
  try {
    nodes = await loadView(path, query);
  } catch (error) {
    nodes = [h('h1', { text: 'Could not load this page' }), errorNotice(error)];
  }

  // A slower earlier view must not replace the one the reader navigated to since.
  if (ticket !== renderCount) return;
  const flash = takeFlash();
  main.replaceChildren(...nodes);
  if (flash) main.querySelector('h1')?.after(flash);
  main.removeAttribute('aria-busy');
  // Marks which address the content belongs to, for scripts and tests that wait for a view.
  main.dataset.view = rendering;
  focusHeading();
}

/** Checks the token against the API before keeping it. */
async function signIn(token, appId) {
  if (appId) {
    const application = await api('GET', `/api/v1/app/${seg(appId)}`, undefined, token);
    session.save(token, application.id);
    return;
  }
  try {
    await api('GET', '/api/v1/app?limit=1', undefined, token);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      throw new Error('This looks like an app portal token: enter the ID or UID of its application too.');
    }
    throw error;
  }
  session.save(token, null);
}

function renderSignIn(message) {
  renderCount++;
  document.getElementById('main-nav').hidden = true;
  document.getElementById('session').hidden = true;
  document.title = 'Sign in · Hookline';
  const output = h('div', { class: 'output' }, message ?? '');
  const tokenInput = h('input', {
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const appInput = h('input', { name: 'app', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'page-title' },
    field(
      'API token or app portal token',
      tokenInput,
      'The token is kept in this browser tab only and is sent only to this server.',
    ),
    field('Application ID or UID (app portal tokens only)', appInput),
    h('button', { type: 'submit', text: 'Sign in' }),
    output,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    output.replaceChildren();
    try {
      await signIn(tokenInput.value.trim(), appInput.value.trim());
      if (location.hash === homePath()) await render();
      else location.hash = homePath();
    } catch (error) {
      output.replaceChildren(errorNotice(error));
    }
  });
  main.replaceChildren(h('h1', { id: 'page-title', tabindex: '-1', text: 'Sign in to Hookline' }), form);
  tokenInput.focus();
}

/** Ends the session. An app portal token is also revoked, so its link stops working. */
async function signOut() {
  if (session.appId) await api('POST', '/api/v1/auth/logout').catch(() => {});
  session.clear();
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  renderSignIn(h('p', { class: 'notice ok', role: 'status', text: 'You are signed out.' }));
}

setUnauthorizedHandler(() => {
  session.clear();
  renderSignIn(errorNotice(new Error('The token was rejected or has expired. Sign in again.')));
});

document.getElementById('sign-out').addEventListener('click', () => void signOut());
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
// A portal link opened in a tab that already shows the dashboard changes only the hash.
window.addEventListener('hashchange', () => {
  acceptPortalLink();
  void render();
});
acceptPortalLink();
void render();
