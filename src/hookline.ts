import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApi } from './api/server.js';
import type { Config } from './config.js';
import { readFileSync } from 'node:fs';
import type { AttemptEvents } from './delivery/attempt-events.js';
import { DestinationGuard, type Resolver } from './delivery/destination-guard.js';
import { OperationalWebhooks } from './operational/operational-webhooks.js';
import { HttpSender } from './delivery/http-sender.js';
import { DeliveryWorker } from './delivery/worker.js';
import { listenForWork, WorkPublisher, type Listener } from './queue/notifier.js';
import { SecretCipher } from './signing/secret-cipher.js';
import { openStore, type Store } from './store/database.js';
import { prepareSecretEncryption } from './store/secret-encryption.js';
import { purgeIdempotencyKeys } from './store/idempotency.js';
import { ensureAdminToken, purgeExpiredTokens } from './store/tokens.js';
import { expireMessagePayloads } from './store/message-content.js';
import { BackgroundTaskRunner } from './queue/background-tasks.js';
import { VERSION } from './version.js';
import { HooklineMetrics } from './metrics/metrics.js';
import { buildMetricsServer } from './metrics/server.js';
import type { EndpointEvents } from './operational/operational-webhooks.js';

/** The part of Hookline one process runs: the API, the delivery worker, or both. */
export type Role = 'api' | 'worker' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'all'];

export interface Hookline {
  role: Role;
  api: FastifyInstance | null;
  worker: DeliveryWorker | null;
  store: Store;
  /** The admin token generated at first start, or null. Shown once and never stored in clear. */
  generatedToken: string | null;
  /** The operational webhook secret generated at first start, or null. Shown once. */
  generatedOperationalSecret: string | null;
  /** Starts serving; returns the bound address as host:port, or null without the API role. */
  listen(): Promise<string | null>;
  /** The bound address of HOOKLINE_METRICS_LISTEN once listening, or null when it is unset. */
  metricsAddress(): string | null;
  close(): Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

function formatAddress(api: FastifyInstance): string {
  const address = api.server.address();
  if (address === null || typeof address === 'string') return String(address);
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

export interface HooklineOptions {
  /** Replaces the system DNS resolver for deliveries, so tests never query real DNS. */
  resolve?: Resolver;
}

function readPem(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

function createWorker(
  config: Config,
  store: Store,
  cipher: SecretCipher,
  logger: Logger,
  guard: DestinationGuard,
  events: AttemptEvents,
) {
  const sender = new HttpSender({
    guard,
    timeoutMs: config.deliveryTimeoutMs,
    connections: config.workerConcurrency,
    ca: readPem(config.tlsCaFile),
  });
  const worker = new DeliveryWorker({
    store,
    sender,
    cipher,
    logger,
    retryScheduleMs: config.retryScheduleMs,
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: config.workerConcurrency,
    userAgent: `Hookline/${VERSION}`,
    endpointConcurrency: config.endpointConcurrency,
    disableAfterMs: config.disableAfterMs,
    events,
  });
  return { sender, worker };
}

/** Removes expired idempotency keys, portal tokens and message payloads; errors are logged. */
async function runMaintenance(store: Store, logger: Logger): Promise<void> {
  const jobs: [string, () => Promise<unknown>][] = [
    ['purging expired idempotency keys', () => purgeIdempotencyKeys(store.db)],
    ['purging expired app portal tokens', () => purgeExpiredTokens(store.db)],
    ['expiring message payloads past their retention', async () => {
      const expired = await expireMessagePayloads(store.db);
      if (expired > 0) logger.info({ expired }, 'message payloads past their retention removed');
    }],
  ];
  for (const [what, job] of jobs) {
    await job().catch((error: unknown) => logger.error({ err: error }, `${what} failed`));
  }
}

/** Passes attempt and endpoint events to operational webhooks and then to the metrics. */
function notifyAll(operational: OperationalWebhooks, metrics: HooklineMetrics | null): AttemptEvents & EndpointEvents {
  if (metrics === null) return operational;
  return {
    attemptRecorded(...args) {
      operational.attemptRecorded(...args);
      metrics.attemptRecorded(...args);
    },
    endpointChanged(type, app, endpoint) {
      operational.endpointChanged(type, app, endpoint);
      metrics.endpointChanged(type);
    },
  };
}

/** Opens the store and wires the API and the delivery worker for one process. */
export async function createHookline(
  config: Config,
  logger: Logger,
  role: Role = 'all',
  options: HooklineOptions = {},
): Promise<Hookline> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    onConnectionError: (error) => logger.warn({ err: error }, 'idle database connection failed'),
  });
  let cipher: SecretCipher;
  let generated: string | null;
  let operational: OperationalWebhooks;
  // A failed start must close the pool, or its connections keep the process alive.
  try {
    cipher = new SecretCipher(config.mainKey);
    await prepareSecretEncryption(store.db, cipher, logger);
    ({ generated } = await ensureAdminToken(store, config.adminToken));
    operational = await OperationalWebhooks.open(store, config, logger, cipher);
  } catch (error) {
    await store.close();
    throw error;
  }

  const guard = new DestinationGuard(config.allowPrivateCidrs, options.resolve ? { resolve: options.resolve } : {});
  // A worker-only process serves HTTP only on HOOKLINE_METRICS_LISTEN, so without it there is
  // nothing to serve its metrics on.
  const metrics = role === 'worker' && !config.metricsListen ? null : new HooklineMetrics(store.db, logger);
  const metricsServer =
    metrics && config.metricsListen ? buildMetricsServer({ metrics, metricsToken: config.metricsToken, logger }) : null;
  const events = notifyAll(operational, metrics);
  const delivery = role === 'api' ? null : createWorker(config, store, cipher, logger, guard, events);
  const worker = delivery?.worker ?? null;
  const publisher = new WorkPublisher(store, logger);
  const wakeWorkers = () => {
    worker?.notify();
    publisher.publish();
  };
  const tasks = new BackgroundTaskRunner(store.db, logger, wakeWorkers);
  const api =
    role === 'worker'
      ? null
      : buildApi({
          store,
          cipher,
          logger,
          maxBodyBytes: config.maxPayloadBytes,
          secretRotationGraceMs: config.secretRotationGraceMs,
          defaultSecretKind: config.defaultSecretKind,
          validatePayloads: config.validatePayloads,
          publicUrl: config.publicUrl,
          runTask: (taskId) => tasks.run(taskId),
          urlPolicy: { guard, httpsOnly: config.httpsOnly },
          operational: events,
          metrics: metrics ?? undefined,
          metricsToken: config.metricsToken,
          https: config.tlsCertFile ? { cert: readPem(config.tlsCertFile)!, key: readPem(config.tlsKeyFile)! } : undefined,
          onMessageAccepted: wakeWorkers,
        });

  operational.onStored = () => {
    metrics?.messageAccepted('operational');
    worker?.notify();
    publisher.publish();
  };

  let listener: Listener | null = null;
  const maintenance = setInterval(() => void runMaintenance(store, logger), MAINTENANCE_INTERVAL_MS);
  maintenance.unref();

  return {
    role,
    api,
    worker,
    store,
    generatedToken: generated,
    generatedOperationalSecret: operational.generatedSecret,
    async listen() {
      if (api) await api.listen({ host: config.listenHost, port: config.listenPort });
      if (metricsServer) await metricsServer.listen(config.metricsListen!);
      void runMaintenance(store, logger);
      tasks.start();
      if (worker) {
        worker.start();
        listener = listenForWork(store, logger, () => worker.notify());
      }
      return api ? formatAddress(api) : null;
    },
    metricsAddress() {
      return metricsServer?.server.listening ? formatAddress(metricsServer) : null;
    },
    async close() {
      clearInterval(maintenance);
      // Stop taking requests first, then let in-flight attempts finish or hand them back.
      await api?.close();
      await metricsServer?.close();
      await tasks.stop();
      await listener?.close();
      await worker?.stop();
      await operational.flush();
      await delivery?.sender.close();
      await store.close();
    },
  };
}
