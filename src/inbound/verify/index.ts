/**
 * Webhook signature verifiers, usable on their own from any Node HTTP handler. Pass the body
 * exactly as received (a Buffer), never a parsed object.
 */
import { VerifierConfigError } from './errors.js';
import { genericHmacVerifier, type GenericHmacConfig } from './generic-hmac.js';
import { githubVerifier, type GithubVerifierConfig } from './github.js';
import { readHeader } from './headers.js';
import { shopifyVerifier } from './shopify.js';
import { slackVerifier } from './slack.js';
import { standardWebhooksVerifier } from './standard-webhooks.js';
import { stripeVerifier } from './stripe.js';
import { twilioVerifier, type TwilioVerifierConfig } from './twilio.js';
import type { Verifier } from './types.js';

export { VerifierConfigError, WebhookVerificationError, type RejectionReason } from './errors.js';
export { readHeader, type HeaderInput } from './headers.js';
export { DEFAULT_TOLERANCE_SECONDS } from './timestamp.js';
export type { VerifiedRequest, Verifier, VerifyOptions, WebhookRequest } from './types.js';
export type { GenericHmacConfig, GithubVerifierConfig, TwilioVerifierConfig };
export {
  genericHmacVerifier,
  githubVerifier,
  shopifyVerifier,
  slackVerifier,
  standardWebhooksVerifier,
  stripeVerifier,
  twilioVerifier,
};

export interface GenericWebhookConfig {
  /** The header with the sender's delivery id, used to drop replays. */
  idHeader?: string;
}

/**
 * Creates a verifier that checks nothing, for senders on a trusted network that sign nothing.
 * Anyone who can reach the URL can post to it.
 */
export function unsignedVerifier(config: GenericWebhookConfig = {}): Verifier {
  return (request) => ({
    deliveryId: config.idHeader ? readHeader(request.headers, config.idHeader) : undefined,
    timestamp: undefined,
  });
}

type VerifierFactory = (config: never) => Verifier;

/** The verifier for each source type. Types that Svix runs on Standard Webhooks share its recipe. */
const FACTORIES: Record<string, VerifierFactory> = {
  svix: standardWebhooksVerifier,
  'standard-webhooks': standardWebhooksVerifier,
  stripe: stripeVerifier,
  github: githubVerifier,
  shopify: shopifyVerifier,
  slack: slackVerifier,
  twilio: twilioVerifier,
  'generic-hmac': genericHmacVerifier,
  'generic-webhook': unsignedVerifier,
};
for (const type of ['beehiiv', 'brex', 'clerk', 'guesty', 'incident-io', 'lithic', 'nash', 'pleo', 'psi-fi', 'replicate', 'resend', 'safebase', 'sardine', 'stych', 'open-ai']) {
  FACTORIES[type] = standardWebhooksVerifier;
}

export const SOURCE_TYPES: readonly string[] = Object.keys(FACTORIES);

/** Creates the verifier for a source type, or throws VerifierConfigError for an unknown type or bad config. */
export function createVerifier(type: string, config: Record<string, unknown>): Verifier {
  const factory = FACTORIES[type];
  if (!factory) throw new VerifierConfigError('type', `Source type "${type}" is not supported.`);
  return factory(config as never);
}
