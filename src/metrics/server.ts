import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installErrorHandlers } from '../api/error-handler.js';
import { metricsRoutes, type MetricsRouteOptions } from './route.js';

/**
 * Builds the listener of HOOKLINE_METRICS_LISTEN: plain HTTP serving only /metrics, with the
 * same token rule as on the API listener. A `--role worker` process has no other listener.
 */
export function buildMetricsServer(options: MetricsRouteOptions & { logger: Logger }): FastifyInstance {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger, disableRequestLogging: true });
  installErrorHandlers(app);
  metricsRoutes(app, options);
  return app;
}
