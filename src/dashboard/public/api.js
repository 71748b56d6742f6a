// Access to Hookline's JSON API with the signed-in token, and the session that stores it.
// The token lives in sessionStorage: it survives reloads of this tab and ends with it.

const TOKEN_KEY = 'hookline.token';
const APP_KEY = 'hookline.app';

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  /** The application an app portal token is confined to, or null for an API token. */
  get appId() {
    return sessionStorage.getItem(APP_KEY);
  },
  save(token, appId) {
    sessionStorage.setItem(TOKEN_KEY, token);
    if (appId) sessionStorage.setItem(APP_KEY, appId);
    else sessionStorage.removeItem(APP_KEY);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(APP_KEY);
  },
};

/** An error response of the API: its HTTP status and its `{ code, detail }` body. */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(describeDetail(detail));
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Turns a `detail` (text, or the list of `{ loc, msg }` of a 422) into one sentence. */
function describeDetail(detail) {
  if (Array.isArray(detail)) {
    return detail.map((issue) => `${(issue.loc ?? []).join('.')}: ${issue.msg}`).join('; ');
  }
  return String(detail ?? 'The request failed.');
}

/** Called when the API rejects the token, so the page can return to sign-in. */
let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * Sends a request to the API. `path` starts with `/api/v1/` or `/ingest/`; it is resolved
 * against the page, so Hookline can sit behind a proxy under a path prefix. Returns the JSON
 * body, or null for an empty one; throws ApiError for an error status.
 */
export async function api(method, path, body, token = session.token) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(new URL(`..${path}`, document.baseURI), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      referrerPolicy: 'no-referrer',
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'network_error', `Hookline could not be reached: ${error.message}`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = { code: 'invalid_response', detail: text.slice(0, 200) };
  }
  if (response.ok) return json;
  const error = new ApiError(response.status, json?.code ?? 'http_error', json?.detail ?? `HTTP ${response.status}`);
  if (response.status === 401 && token === session.token) onUnauthorized(error);
  throw error;
}

/** Builds a query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Percent-encodes one path segment. */
export function seg(value) {
  return encodeURIComponent(value);
}
