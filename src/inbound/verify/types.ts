import type { HeaderInput } from './headers.js';

/** One received webhook request, exactly as it arrived. */
export interface WebhookRequest {
  /** The body bytes as received; a string is taken as UTF-8. */
  body: Uint8Array | string;
  headers: HeaderInput;
  /** The full URL the provider called, query string included; Twilio signs it. */
  url?: string;
}

export interface VerifyOptions {
  /** The current time in Unix seconds; defaults to the system clock. */
  nowSeconds?: number;
  /** Accepted clock difference in seconds, in either direction; 300 by default. */
  toleranceSeconds?: number;
}

/** The delivery id and timestamp of a verified request. */
export interface VerifiedRequest {
  /** The provider's id for this delivery, used to drop replays; undefined when it sends none. */
  deliveryId: string | undefined;
  /** The signed timestamp in Unix seconds, for providers that sign one. */
  timestamp: number | undefined;
}

export type Verifier = (request: WebhookRequest, options?: VerifyOptions) => VerifiedRequest;

export function nowSeconds(options: VerifyOptions | undefined): number {
  return options?.nowSeconds ?? Math.floor(Date.now() / 1000);
}
