import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { requireApplication } from '../../store/applications.js';
import {
  insertRecoverTask,
  listBackgroundTasks,
  requireBackgroundTask,
} from '../../store/background-tasks.js';
import { requireEndpoint } from '../../store/endpoints.js';
import { readPage } from '../query.js';
import { backgroundTaskOut, pageOut } from '../serializers.js';
import type { RouteContext } from '../server.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';
import { backgroundTaskSchemas } from '../openapi/operations/platform.js';

type Query = Record<string, string | undefined>;

const TASK_STATUSES = ['running', 'finished', 'failed'];
const TASK_TYPES = ['endpoint.replay', 'endpoint.recover', 'application.stats', 'message.broadcast', 'sdk.generate', 'event-type.aggregate', 'application.purge_content', 'endpoint.bulk-replay'];

function parseTime(value: string, field: string): number {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw ValidationError.single(['body', field], `${field} must be an RFC 3339 date-time, not "${value}"`);
  return millis;
}

function readChoice(query: Query, name: string, allowed: string[]): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value)) {
    throw ValidationError.single(['query', name], `${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return value;
}

/** Endpoint recovery, which runs as a stored background task, and reading those tasks. */
export function recoveryRoutes(app: FastifyInstance, { store, runTask }: RouteContext): void {
  const { db } = store;

  app.post<{ Params: { app_id: string; endpoint_id: string }; Body: { since: string; until?: string | null } }>(
    '/api/v1/app/:app_id/endpoint/:endpoint_id/recover',
    { schema: endpointSchemas.recover },
    async (request, reply) => {
      const since = parseTime(request.body.since, 'since');
      const until = request.body.until ? parseTime(request.body.until, 'until') : null;
      if (until !== null && until <= since) {
        throw ValidationError.single(['body', 'until'], 'until must be later than since');
      }
      const application = await requireApplication(db, request.params.app_id);
      const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
      const task = await insertRecoverTask(db, application.id, endpoint.id, { since, until });
      request.log.info({ appId: application.id, endpointId: endpoint.id, taskId: task.id }, 'endpoint recovery queued');
      runTask(task.id);
      const { id, status, task: type, updatedAt } = backgroundTaskOut(task);
      return reply.code(202).send({ id, status, task: type, updatedAt });
    },
  );

  app.get('/api/v1/background-task', { schema: backgroundTaskSchemas.list }, async (request) => {
    const query = request.query as Query;
    const filter = { status: readChoice(query, 'status', TASK_STATUSES), task: readChoice(query, 'task', TASK_TYPES) };
    return pageOut(await listBackgroundTasks(db, filter, readPage(query, 'descending')), backgroundTaskOut);
  });

  app.get<{ Params: { task_id: string } }>('/api/v1/background-task/:task_id', { schema: backgroundTaskSchemas.get }, async (request) =>
    backgroundTaskOut(await requireBackgroundTask(db, request.params.task_id)),
  );
}
