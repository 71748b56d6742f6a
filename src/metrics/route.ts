import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors.js';
import { LogLimiter } from '../logger.js';
import type { HooklineMetrics } from './metrics.js';

/** Outside /api/, so API tokens never apply to it; HOOKLINE_METRICS_TOKEN does instead. */
export const METRICS_ROUTE = '/metrics';

export interface MetricsRouteOptions {
  metrics: HooklineMetrics;
  /** The bearer token a scrape must send; undefined serves /metrics without one. */
  metricsToken: string | undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares digests, which have equal lengths, so the time taken reveals nothing of the token. */
function checkToken(request: FastifyRequest, expectedDigest: Buffer): void {
  const header = request.headers.authorization;
  if (header === undefined) {
    throw new UnauthorizedError(
      'Missing Authorization header. Send "Authorization: Bearer <HOOKLINE_METRICS_TOKEN>".',
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !timingSafeEqual(sha256(match[1]!), expectedDigest)) {
    throw new UnauthorizedError(
      'Invalid metrics token. Send the value of HOOKLINE_METRICS_TOKEN as a bearer token.',
    );
  }
}

/** Serves the Prometheus text format; the database gauges are read during the request. */
export function metricsRoutes(app: FastifyInstance, { metrics, metricsToken }: MetricsRouteOptions): void {
  const expectedDigest = metricsToken === undefined ? null : sha256(metricsToken);
  const rejections = new LogLimiter(10, 60_000);

  app.get(METRICS_ROUTE, async (request, reply) => {
    if (expectedDigest !== null) {
      try {
        checkToken(request, expectedDigest);
      } catch (error) {
        const dropped = rejections.take();
        if (dropped !== null) {
          request.log.warn({ ip: request.ip, dropped }, 'metrics scrape rejected: invalid or missing token');
        }
        throw error;
      }
    }
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(body);
  });
}
