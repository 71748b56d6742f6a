import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApi } from './api/server.js';
import type { Config } from './config.js';
import { DestinationGuard } from './delivery/destination-guard.js';
import { HttpSender } from './delivery/http-sender.js';
import { DeliveryWorker } from './delivery/worker.js';
import { openStore, type Store } from './store/database.js';
import { purgeIdempotencyKeys } from './store/idempotency.js';
import { ensureAdminToken } from './store/tokens.js';
import { VERSION } from './version.js';

export interface Hookline {
  api: FastifyInstance;
  worker: DeliveryWorker;
  store: Store;
  /** The admin token generated at first start, or null. Shown once and never stored in clear. */
  generatedToken: string | null;
  /** Starts listening; returns the bound address as host:port. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

/** Opens the store and wires the API and the delivery worker for one process. */
export async function createHookline(config: Config, logger: Logger): Promise<Hookline> {
  const store = await openStore(config.databaseUrl);
  const { generated } = await ensureAdminToken(store.db, config.adminToken);

  const sender = new HttpSender({
    guard: new DestinationGuard(config.allowPrivateCidrs),
    timeoutMs: config.deliveryTimeoutMs,
    connections: config.workerConcurrency,
  });
  const worker = new DeliveryWorker({
    store,
    sender,
    logger,
    retryScheduleMs: config.retryScheduleMs,
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: config.workerConcurrency,
    userAgent: `Hookline/${VERSION}`,
  });
  const api = buildApi({
    store,
    logger,
    maxBodyBytes: config.maxPayloadBytes,
    onMessageAccepted: () => worker.notify(),
  });

  const maintenance = setInterval(() => {
    purgeIdempotencyKeys(store.db).catch((error: unknown) =>
      logger.error({ err: error }, 'purging expired idempotency keys failed'),
    );
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();

  return {
    api,
    worker,
    store,
    generatedToken: generated,
    async listen() {
      await api.listen({ host: config.listenHost, port: config.listenPort });
      worker.start();
      const address = api.server.address();
      if (address === null || typeof address === 'string') return String(address);
      return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
    },
    async close() {
      clearInterval(maintenance);
      // Stop taking requests first, then let in-flight attempts finish or hand them back.
      await api.close();
      await worker.stop();
      await sender.close();
      await store.close();
    },
  };
}
