import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { RouteContext } from '../../api/server.js';
import { LogLimiter } from '../../logger.js';
import { insertMessage } from '../../store/messages.js';
import { forwardedEvent, slackChallenge } from '../forwarded-event.js';
import { checkContentLength, contentCoding, inflateGzip, readRawBody } from '../read-body.js';
import type { SecretCipher } from '../../signing/secret-cipher.js';
import { openSourceSecrets } from '../secret-fields.js';
import { readSettings } from '../settings.js';
import { countRejection, findSource, type SourceRow } from '../store.js';
import { WebhookVerificationError, type RejectionReason } from '../verify/errors.js';
import { UNKNOWN_PROVIDER } from '../../metrics/metrics.js';
import { createVerifier } from '../verify/index.js';

/** The public route providers post to. It takes no API token: the signature is the credential. */
export const RECEIVE_ROUTE = '/in/:source_id';

export function ingestPath(sourceId: string): string {
  return `/in/${sourceId}`;
}

type ReceiveRequest = FastifyRequest<{ Params: { source_id: string } }>;

/** Reads, inflates and verifies a request; returns the body to forward and the delivery id. */
async function verifyRequest(source: SourceRow, request: ReceiveRequest, publicUrl: string, cipher: SecretCipher) {
  const config = openSourceSecrets(JSON.parse(source.config) as Record<string, unknown>, cipher);
  const settings = readSettings(config);
  const raw = request.body as IncomingMessage | undefined;

  checkContentLength(request.raw, settings.maxBodyBytes);
  const coding = contentCoding(request.raw);
  const wire = raw ? await readRawBody(raw, settings.maxBodyBytes) : Buffer.alloc(0);
  const inflate = () => (coding === 'gzip' ? inflateGzip(wire, settings.maxBodyBytes) : Promise.resolve(wire));
  // A body signed as sent is verified before it is inflated, so a forged request costs no inflating.
  const inflatedFirst = settings.signedBody === 'decompressed' ? await inflate() : undefined;

  // Providers that sign the URL (Twilio) signed the public one, not what a proxy forwarded here.
  const queryStart = request.url.indexOf('?');
  const url = publicUrl + ingestPath(request.params.source_id) + (queryStart < 0 ? '' : request.url.slice(queryStart));
  const verify = createVerifier(source.type, config);
  const verified = verify(
    { body: inflatedFirst ?? wire, headers: request.headers, url },
    { toleranceSeconds: settings.toleranceSeconds },
  );
  return { body: inflatedFirst ?? (await inflate()), deliveryId: verified.deliveryId };
}

/** At most this many rejection lines per minute per process; the stored counts stay exact. */
const rejectionLogs = new LogLimiter(60, 60_000);

/** Logs and counts a rejected (or duplicate) request; the log carries no header or secret. */
async function recordRejection(context: RouteContext, source: SourceRow, request: ReceiveRequest, reason: RejectionReason) {
  context.metrics?.inboundRejected(source.type, reason);
  const dropped = rejectionLogs.take();
  if (dropped !== null) request.log.warn({ sourceId: source.id, reason, dropped }, 'inbound request rejected');
  try {
    await countRejection(context.store.db, source.id, reason);
  } catch (error) {
    request.log.error({ err: error, sourceId: source.id, reason }, 'counting a rejected inbound request failed');
  }
}

async function receive(context: RouteContext & { publicUrl: string }, request: ReceiveRequest, reply: FastifyReply) {
  const { db } = context.store;
  const source = await findSource(db, request.params.source_id);
  if (!source) {
    context.metrics?.inboundRejected(UNKNOWN_PROVIDER, 'source_not_found');
    throw new NotFoundError('source', request.params.source_id);
  }

  let verified: { body: Buffer; deliveryId: string | undefined };
  try {
    verified = await verifyRequest(source, request, context.publicUrl, context.cipher);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    await recordRejection(context, source, request, error.code);
    // An unread body stays on the socket, so the connection cannot carry another request.
    if (error.code === 'payload_too_large') reply.header('connection', 'close');
    return reply.code(error.statusCode).send({ code: error.code, detail: error.message });
  }

  const challenge = source.type === 'slack' ? slackChallenge(verified.body) : undefined;
  if (challenge !== undefined) return reply.code(200).send({ challenge });

  const event = forwardedEvent(source.type, request.headers, verified.body, verified.deliveryId);
  try {
    const { row, deliveryCount } = await insertMessage(context.store.writes, { appId: source.app_id, channels: null, tags: null, ...event });
    // Debug like API messages: the volume follows the provider's traffic.
    request.log.debug({ sourceId: source.id, messageId: row.id, eventType: row.event_type, deliveries: deliveryCount }, 'inbound request accepted');
    context.metrics?.inboundAccepted(source.type);
    context.metrics?.messageAccepted('inbound');
    context.onMessageAccepted();
    return reply.code(200).send({ status: 'accepted', messageId: row.id });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // A replay of an accepted request: acknowledge it so the provider stops retrying, but do
    // not forward it again. TODO: delivery ids live as long as their messages; nothing expires
    // them, so this dedup window has no upper bound yet.
    await recordRejection(context, source, request, 'duplicate');
    return reply.code(200).send({ status: 'duplicate' });
  }
}

/**
 * Registers the receiving route in its own scope, where every content type is accepted and the
 * body stays an unread stream, so verification runs over the bytes exactly as they arrived.
 */
export function receiveRoutes(app: FastifyInstance, context: RouteContext & { publicUrl: string }): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post<{ Params: { source_id: string } }>(RECEIVE_ROUTE, (request, reply) => receive(context, request, reply));
  });
}
