import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { now } from './clock.js';
import { tell, TimingBatch, type DriverMessage } from './messages.js';

/**
 * A webhook receiver for the benchmark, run as its own process. It responds after `latencyMs`,
 * fails a share of requests with 503 or by hanging past the sender's timeout, and reports the
 * time of every 2xx response keyed by path and webhook-id.
 */
export interface ReceiverOptions {
  latencyMs: number;
  errorRate: number;
  timeoutRate: number;
  hangMs: number;
  tls?: { certFile: string; keyFile: string };
}

const options = JSON.parse(process.argv[2] ?? '{}') as ReceiverOptions;
const delivered = new TimingBatch('delivered');

function handle(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  request.on('end', () => {
    const roll = Math.random();
    if (roll < options.timeoutRate) {
      setTimeout(() => response.destroy(), options.hangMs);
      return;
    }
    const status = roll < options.timeoutRate + options.errorRate ? 503 : 204;
    const answer = () => {
      response.writeHead(status).end();
      if (status === 204) delivered.add(`${request.url}|${request.headers['webhook-id']}`, now());
    };
    if (options.latencyMs > 0) setTimeout(answer, options.latencyMs);
    else answer();
  });
}

const server = options.tls
  ? createHttpsServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }, handle)
  : createHttpServer(handle);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  tell({ type: 'ready', port: (server.address() as AddressInfo).port });
});

process.on('message', (message: DriverMessage) => {
  if (message.type === 'flush') delivered.flush();
  if (message.type === 'stop') {
    delivered.close();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
