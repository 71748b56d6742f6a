import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { requireApplication } from '../../store/applications.js';
import { requireEndpoint } from '../../store/endpoints.js';
import { findLastFailure, readFailureRun, readHealthBuckets, type HistoryWindow } from '../../store/endpoint-history.js';
import { readDate } from '../query.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';
import { iso } from '../serializers.js';
import type { RouteContext } from '../server.js';

type Query = Record<string, string | undefined>;

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_BUCKETS = 24;
const MAX_BUCKETS = 200;
/** The maximum window of one request. */
const MAX_WINDOW_MS = 90 * DAY_MS;
const SECOND_MS = 1000;

function invalid(name: string, msg: string): ValidationError {
  return ValidationError.single(['query', name], msg);
}

/** Reads the window and bucket size from the query; rejects an empty or over-long window. */
function readWindow(query: Query, now: number): HistoryWindow {
  const until = readDate(query, 'until') ?? now;
  const since = readDate(query, 'since') ?? until - DAY_MS;
  if (since >= until) throw invalid('since', 'since must be earlier than until');
  if (until - since > MAX_WINDOW_MS) throw invalid('since', 'the window from since to until must be at most 90 days');

  const text = query.buckets;
  let buckets = DEFAULT_BUCKETS;
  if (text !== undefined && text !== '') {
    buckets = Number(text);
    if (!/^\d+$/.test(text) || buckets < 1 || buckets > MAX_BUCKETS) {
      throw invalid('buckets', `buckets must be a whole number from 1 to ${MAX_BUCKETS}, not "${text}"`);
    }
  }
  // Whole seconds, so bucketSeconds in the response is exact.
  const bucketMs = Math.ceil((until - since) / buckets / SECOND_MS) * SECOND_MS;
  return { since, until, bucketMs };
}

/** Endpoint health history, computed from stored attempts. Not part of the Svix API. */
export function endpointHealthRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const { db } = store;

  app.get<{ Params: { app_id: string; endpoint_id: string } }>(
    '/api/v1/app/:app_id/endpoint/:endpoint_id/health',
    { schema: endpointSchemas.health },
    async (request) => {
      const window = readWindow(request.query as Query, Date.now());
      const application = await requireApplication(db, request.params.app_id);
      const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);

      const buckets = await readHealthBuckets(db, endpoint.id, window);
      const lastFailure = await findLastFailure(db, endpoint.id);
      const run = await readFailureRun(db, endpoint.id);
      return {
        endpointId: endpoint.id,
        since: iso(window.since),
        until: iso(window.until),
        bucketSeconds: window.bucketMs / 1000,
        disabled: endpoint.disabled === 1,
        disabledReason: endpoint.disabled_reason,
        failingSince: run.failingSince === null ? null : iso(run.failingSince),
        consecutiveFailures: run.consecutiveFailures,
        buckets: buckets.map((bucket) => ({ ...bucket, start: iso(bucket.start) })),
        lastFailure: lastFailure
          ? {
              attemptId: lastFailure.id,
              msgId: lastFailure.message_id,
              timestamp: iso(lastFailure.created_at),
              responseStatusCode: lastFailure.response_status_code,
              errorCode: lastFailure.error_code,
              errorDetail: lastFailure.error_detail,
            }
          : null,
      };
    },
  );
}
