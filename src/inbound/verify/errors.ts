/**
 * The reason a request failed verification: a stable code that the ingest route
 * returns and counts, so an operator can tell a missing header from a forged signature.
 */
export type RejectionReason =
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_mismatch'
  | 'timestamp_missing'
  | 'timestamp_invalid'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'raw_body_required'
  | 'duplicate'
  | 'payload_too_large'
  | 'invalid_content_encoding'
  | 'unsupported_content_encoding';

const STATUS_BY_REASON: Partial<Record<RejectionReason, number>> = {
  raw_body_required: 500,
  payload_too_large: 413,
  invalid_content_encoding: 400,
  unsupported_content_encoding: 415,
};

/** A request that did not pass verification. The message never contains a secret. */
export class WebhookVerificationError extends Error {
  readonly code: RejectionReason;
  readonly statusCode: number;

  constructor(code: RejectionReason, detail: string) {
    super(detail);
    this.name = 'WebhookVerificationError';
    this.code = code;
    this.statusCode = STATUS_BY_REASON[code] ?? 401;
  }
}

/** A verifier setting that can never verify anything, such as a secret with a stray newline. */
export class VerifierConfigError extends Error {
  readonly code = 'invalid_verifier_config';
  readonly field: string;

  constructor(field: string, detail: string) {
    super(detail);
    this.name = 'VerifierConfigError';
    this.field = field;
  }
}
