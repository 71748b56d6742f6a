import { VerifierConfigError } from './verify/errors.js';
import { DEFAULT_TOLERANCE_SECONDS } from './verify/timestamp.js';

/** GitHub caps payloads at 25 MB, the largest of the supported providers. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;
const MAX_BODY_BYTES_LIMIT = 100 * 1024 * 1024;
const MAX_TOLERANCE_SECONDS = 24 * 60 * 60;

/** Per-source limits, read from optional fields of the source's `config`. */
export interface SourceSettings {
  toleranceSeconds: number;
  /** The largest body accepted, counted on the wire and again after gzip is inflated. */
  maxBodyBytes: number;
  /**
   * The bytes the provider signs when it sends `Content-Encoding: gzip`: the compressed bytes as
   * sent (`wire`, the default) or the body after inflating (`decompressed`).
   */
  signedBody: 'wire' | 'decompressed';
}

function readInteger(config: Record<string, unknown>, field: string, fallback: number, max: number): number {
  const value = config[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new VerifierConfigError(field, `${field} must be a whole number from 1 to ${max}.`);
  }
  return value;
}

export function readSettings(config: Record<string, unknown>): SourceSettings {
  const signedBody = config.signedBody ?? 'wire';
  if (signedBody !== 'wire' && signedBody !== 'decompressed') {
    throw new VerifierConfigError('signedBody', 'signedBody must be "wire" or "decompressed".');
  }
  return {
    toleranceSeconds: readInteger(config, 'toleranceSeconds', DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS),
    maxBodyBytes: readInteger(config, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_LIMIT),
    signedBody,
  };
}

/** Config fields that hold secrets; they are stored but never returned by the API. */
export const SECRET_FIELDS = new Set(['secret']);
