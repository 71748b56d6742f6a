import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { findApplication } from '../store/applications.js';
import { requireBackgroundTask } from '../store/background-tasks.js';
import type { Database } from '../store/schema.js';
import type { TokenScope } from '../store/tokens.js';

const APP_ROUTE = '/api/v1/app/:app_id';
/** A portal token may read the tasks of its own application, such as the recovery it started. */
const TASK_ROUTE = '/api/v1/background-task/:task_id';

/** Global routes an app portal token may use besides its own application's routes. */
const PORTAL_GLOBAL_ROUTES = new Set([
  'GET /api/v1/event-type',
  'GET /api/v1/event-type/:event_type_name',
  'POST /api/v1/auth/logout',
]);

function isPortalRoute(method: string, route: string): boolean {
  if (route.startsWith(`${APP_ROUTE}/`)) return true;
  // The application itself may be read, but not replaced, changed or deleted.
  if (route === APP_ROUTE) return method === 'GET';
  return PORTAL_GLOBAL_ROUTES.has(`${method} ${route}`);
}

/**
 * Confines an app portal token to its application. A path that names any other application,
 * existing or not, is 404, the same response as for an unknown application, so a token cannot
 * probe which ones exist. A route outside what a portal needs is 403.
 */
export async function enforceTokenScope(
  db: Kysely<Database>,
  request: FastifyRequest,
  scope: TokenScope,
): Promise<void> {
  if (scope.appId === null) return;
  const route = request.routeOptions.url;
  // A path with no route gets the 404 handler, which reveals nothing.
  if (route === undefined) return;
  const method = request.method === 'HEAD' ? 'GET' : request.method;

  // The application is checked first, so every route of another application gives 404.
  const appParam = (request.params as Record<string, string | undefined>).app_id;
  if (appParam !== undefined) {
    const application = await findApplication(db, appParam);
    if (!application || application.id !== scope.appId) throw new NotFoundError('application', appParam);
  }
  if (method === 'GET' && route === TASK_ROUTE) {
    const taskId = (request.params as Record<string, string>).task_id!;
    const task = await requireBackgroundTask(db, taskId);
    // Another application's task gets the same 404 as an unknown one.
    if (task.app_id !== scope.appId) throw new NotFoundError('background task', taskId);
    return;
  }
  if (!isPortalRoute(method, route)) {
    throw new ForbiddenError('This app portal token may not use this route.');
  }
  if (scope.readOnly && method !== 'GET' && route !== '/api/v1/auth/logout') {
    throw new ForbiddenError('This app portal token is read-only.');
  }
}
