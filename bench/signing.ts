import { createHmac } from 'node:crypto';

/** The same Standard Webhooks signature Hookline computes, so baselines do equal work. */
export const BENCH_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const key = Buffer.from(BENCH_SECRET.slice('whsec_'.length), 'base64');

export function signedHeaders(id: string, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

/** Builds a payload of roughly `bytes` bytes, like a small real event. */
export function payloadFor(seq: number, bytes: number): Record<string, unknown> {
  return { type: 'invoice.paid', seq, data: { id: `in_${seq}`, note: 'x'.repeat(Math.max(0, bytes - 60)) } };
}
