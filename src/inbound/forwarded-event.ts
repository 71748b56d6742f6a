import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The message an accepted request becomes in the source's application. */
export interface ForwardedEvent {
  eventType: string;
  /** The JSON text sent to every destination. */
  payload: string;
  /** The message's eventId, unique per application, which makes deduplication atomic. */
  eventId: string | null;
}

const EVENT_TYPE = /^[a-zA-Z0-9\-_.]+$/;
const MAX_EVENT_ID_LENGTH = 200;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(body: Buffer): string | null {
  try {
    return strictUtf8.decode(body);
  } catch {
    return null;
  }
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the event type each provider puts in a header or in the body. */
function providerEventType(type: string, headers: IncomingHttpHeaders, json: Record<string, unknown> | null): unknown {
  const event = json?.event as Record<string, unknown> | undefined;
  switch (type) {
    case 'github':
      return header(headers, 'x-github-event');
    case 'shopify':
      return header(headers, 'x-shopify-topic')?.replaceAll('/', '.');
    case 'slack':
      return typeof event?.type === 'string' ? event.type : (json?.type ?? 'slack.request');
    case 'twilio':
      return 'twilio.request';
    default:
      return json?.type ?? json?.eventType ?? json?.event_type;
  }
}

/** Returns a valid event type name: invalid characters become `_`, and a missing type `webhook`. */
function toEventType(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'webhook';
  const name = value.slice(0, 256).replace(/[^a-zA-Z0-9\-_.]/g, '_');
  return EVENT_TYPE.test(name) ? name : 'webhook';
}

/** Keeps a short delivery id as the dedup key and hashes a long one. */
function toEventId(deliveryId: string | undefined): string | null {
  if (deliveryId === undefined || deliveryId === '') return null;
  if (deliveryId.length <= MAX_EVENT_ID_LENGTH) return deliveryId;
  return `sha256.${createHash('sha256').update(deliveryId).digest('hex')}`;
}

/**
 * TODO: provider headers (X-GitHub-Event, X-Shopify-Topic, ...) are not forwarded; destinations
 * see them only as the event type, because a message stores no request headers.
 *
 * Builds the forwarded message. A JSON object body in UTF-8 is forwarded byte for byte. Any
 * other body (a form, plain text, bytes that are not UTF-8) is wrapped in a JSON envelope:
 * `{"contentType", "body"}` for UTF-8 text, `{"contentType", "bodyBase64"}` otherwise.
 */
export function forwardedEvent(
  type: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  deliveryId: string | undefined,
): ForwardedEvent {
  const text = decodeUtf8(body);
  const json = parseObject(text);
  const contentType = header(headers, 'content-type') ?? null;
  let payload: string;
  if (json !== null) payload = text!;
  else if (text !== null) payload = JSON.stringify({ contentType, body: text });
  else payload = JSON.stringify({ contentType, bodyBase64: body.toString('base64') });

  return {
    eventType: toEventType(providerEventType(type, headers, json)),
    payload,
    eventId: toEventId(deliveryId),
  };
}

/** Returns the challenge of a Slack `url_verification` request, or undefined for any other body. */
export function slackChallenge(body: Buffer): string | undefined {
  const json = parseObject(decodeUtf8(body));
  return json?.type === 'url_verification' && typeof json.challenge === 'string' ? json.challenge : undefined;
}
