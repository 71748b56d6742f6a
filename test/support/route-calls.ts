import type { TestServer } from './hookline.js';
import { eventually } from './hookline.js';

/** Objects that path parameters of API routes are filled with. */
export interface RouteFixtures {
  appUid: string;
  endpointId: string;
  messageId: string;
  attemptId: string;
  eventTypeName: string;
  taskId: string;
}

/** Creates an application with an endpoint, a message, one attempt and a recover task. */
export async function createFixtures(server: TestServer, appUid: string, receiverUrl: string): Promise<RouteFixtures> {
  const { svix } = server;
  await svix.application.create({ name: appUid, uid: appUid });
  const eventTypeName = `${appUid}.event`;
  await svix.eventType.create({ name: eventTypeName, description: 'fixture' });
  const endpoint = await svix.endpoint.create(appUid, { url: receiverUrl });
  const message = await svix.message.create(appUid, { eventType: eventTypeName, payload: { fixture: true } });
  const attempt = await eventually(async () => {
    const page = await svix.messageAttempt.listByMsg(appUid, message.id);
    return page.data[0];
  }, 10_000, `an attempt for ${appUid}`);
  const task = await svix.endpoint.recover(appUid, endpoint.id, { since: new Date(0) });
  return { appUid, endpointId: endpoint.id, messageId: message.id, attemptId: attempt.id, eventTypeName, taskId: task.id };
}

/** Converts `/api/v1/app/:app_id` to the reference's `/api/v1/app/{app_id}`. */
export function toTemplate(url: string): string {
  return url.replace(/:([a-z_]+)/g, '{$1}');
}

let counter = 0;

/** Returns a request body that the route accepts, or undefined for a route without one. */
export function bodyFor(method: string, template: string, fixtures: RouteFixtures): unknown {
  const unique = `walk-${process.pid}-${++counter}`;
  const bodies: Record<string, unknown> = {
    'POST /api/v1/app': { name: unique },
    'PUT /api/v1/app/{app_id}': { name: 'replaced' },
    'PATCH /api/v1/app/{app_id}': { name: 'patched' },
    'POST /api/v1/app/{app_id}/endpoint': { url: 'http://127.0.0.1:9/' },
    'PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}': { url: 'http://127.0.0.1:9/' },
    'PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}': { description: 'patched' },
    'PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers': { headers: { 'x-walk': '1' } },
    'PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers': { headers: { 'x-walk': '2' } },
    'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate': {},
    'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example': { eventType: fixtures.eventTypeName },
    'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/recover': { since: new Date(Date.now() - 60_000).toISOString() },
    'POST /api/v1/app/{app_id}/msg': { eventType: fixtures.eventTypeName, payload: { walk: true } },
    'POST /api/v1/event-type': { name: unique, description: 'walked' },
    'PUT /api/v1/event-type/{event_type_name}': { description: 'replaced' },
    'PATCH /api/v1/event-type/{event_type_name}': { description: 'patched' },
    'POST /api/v1/auth/app-portal-access/{app_id}': {},
  };
  return bodies[`${method} ${template}`];
}

/** Fills the path parameters of a reference-style template from `fixtures`. */
export function fillPath(template: string, fixtures: RouteFixtures): string {
  const values: Record<string, string> = {
    app_id: fixtures.appUid,
    endpoint_id: fixtures.endpointId,
    msg_id: fixtures.messageId,
    attempt_id: fixtures.attemptId,
    event_type_name: fixtures.eventTypeName,
    task_id: fixtures.taskId,
  };
  return template.replace(/\{([a-z_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no fixture for path parameter ${name} in ${template}`);
    return value;
  });
}

/** Orders routes so that deletions run last, the narrowest paths first. */
export function deletionsLast<T extends { method: string; template: string }>(routes: T[]): T[] {
  const rank = (route: T) => (route.method === 'DELETE' ? 1 : 0);
  return [...routes].sort((a, b) => rank(a) - rank(b) || (a.method === 'DELETE' ? b.template.length - a.template.length : 0));
}

/** Sends one request with `token`, a JSON body when there is one. */
export async function callRoute(
  server: TestServer,
  token: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(server.url + path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
