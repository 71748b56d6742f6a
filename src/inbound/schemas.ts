/** JSON Schemas for the bodies of the inbound source and destination routes. */
const NAME_PATTERN = '^[a-zA-Z0-9\\-_.]+$';

export const sourceIn = {
  type: 'object',
  required: ['name', 'type'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 256 },
    uid: { type: ['string', 'null'], minLength: 1, maxLength: 256, pattern: NAME_PATTERN },
    type: { type: 'string', minLength: 1, maxLength: 64 },
    config: { type: 'object' },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const rate = { type: ['integer', 'null'], minimum: 0, maximum: 65535 };

/** The Svix ingest endpoint body: an outbound endpoint without filters or channels. */
export const destinationIn = {
  type: 'object',
  required: ['url'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 65536 },
    description: { type: 'string', maxLength: 4096 },
    uid: { type: ['string', 'null'], minLength: 1, maxLength: 256, pattern: '^[a-zA-Z0-9\\-_.]+$' },
    disabled: { type: 'boolean' },
    rateLimit: rate,
    throttleRate: rate,
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    secret: { type: ['string', 'null'], pattern: '^(whsec_)?[a-zA-Z0-9+/=]{32,100}$' },
  },
};

export const destinationHeadersIn = {
  type: 'object',
  required: ['headers'],
  properties: { headers: { type: 'object', additionalProperties: { type: 'string' } } },
};
