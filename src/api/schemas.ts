/**
 * JSON Schemas for request bodies, following the Svix API's field names and limits. Fastify
 * validates bodies against them before a handler runs; a failure is a 422 in Svix's shape.
 */
const NAME_PATTERN = '^[a-zA-Z0-9\\-_.]+$';

const uid = {
  type: ['string', 'null'],
  minLength: 1,
  maxLength: 256,
  pattern: NAME_PATTERN,
  description: 'Your own unique name for the object; paths accept it in place of the id.',
};
const metadata = {
  type: 'object',
  maxProperties: 64,
  propertyNames: { maxLength: 256 },
  additionalProperties: { type: 'string', maxLength: 4096 },
  description: 'Free-form strings stored with the object.',
};
const rate = { type: ['integer', 'null'], minimum: 0, maximum: 65535 };
const storedRate = { ...rate, description: 'Stored for Svix compatibility; not enforced.' };
const throttleRate = { ...rate, description: 'At most this many deliveries per second to the endpoint.' };
const eventTypeName = { type: 'string', minLength: 1, maxLength: 256, pattern: NAME_PATTERN };
const channelList = (maxItems: number) => ({
  type: ['array', 'null'],
  maxItems,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 128, pattern: NAME_PATTERN },
});
const eventTypeList = {
  type: ['array', 'null'],
  maxItems: 256,
  uniqueItems: true,
  items: eventTypeName,
};

export const applicationIn = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 256 },
    uid,
    rateLimit: storedRate,
    throttleRate: storedRate,
    metadata,
  },
};

export const applicationPatch = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 256 },
    uid,
    rateLimit: storedRate,
    throttleRate: storedRate,
    metadata,
  },
};

const eventTypeFields = {
  description: { type: 'string', maxLength: 4096 },
  archived: { type: 'boolean', description: 'Hidden from lists; endpoints that filter on it keep working.' },
  deprecated: { type: 'boolean' },
  featureFlag: { type: ['string', 'null'], maxLength: 256, pattern: NAME_PATTERN },
  schemas: {
    type: ['object', 'null'],
    additionalProperties: { type: 'object' },
    description:
      'JSON Schemas of the payload by version, such as `{ "1": {...} }`. With ' +
      'HOOKLINE_VALIDATE_PAYLOADS=true, payloads must match the highest version.',
  },
};

export const eventTypeIn = {
  type: 'object',
  required: ['name', 'description'],
  properties: { name: eventTypeName, ...eventTypeFields },
};

export const eventTypeUpdate = {
  type: 'object',
  required: ['description'],
  properties: eventTypeFields,
};

export const eventTypePatch = { type: 'object', properties: eventTypeFields };

/** A `whsec_` HMAC secret as in Svix, or a `whsk_` Ed25519 private key. */
const endpointSecret = { type: ['string', 'null'], pattern: '^(whsec_|whsk_)?[a-zA-Z0-9+/=]{32,100}$' };

const endpointFields = {
  url: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    description: 'An absolute http or https URL without credentials.',
  },
  description: { type: 'string', maxLength: 4096 },
  uid,
  version: { type: ['integer', 'null'], minimum: 1 },
  disabled: { type: 'boolean', description: 'A disabled endpoint keeps its deliveries pending.' },
  filterTypes: { ...eventTypeList, description: 'Only these event types are delivered; they must exist. Null means all.' },
  // Older Svix servers call the same filter `eventTypes`.
  eventTypes: { ...eventTypeList, description: 'The older name of `filterTypes`.' },
  channels: {
    ...channelList(10),
    description: 'Only messages on one of these channels are delivered. Null means all.',
  },
  rateLimit: storedRate,
  throttleRate,
  metadata,
  headers: {
    type: ['object', 'null'],
    maxProperties: 32,
    additionalProperties: { type: 'string', maxLength: 4096 },
    description: 'Headers sent with every delivery.',
  },
  secret: { ...endpointSecret, description: 'The signing secret; generated when left out.' },
};

export const endpointIn = { type: 'object', required: ['url'], properties: endpointFields };
export const endpointPatch = { type: 'object', properties: endpointFields };

export const messageIn = {
  type: 'object',
  required: ['eventType', 'payload'],
  properties: {
    eventType: eventTypeName,
    eventId: {
      type: ['string', 'null'],
      minLength: 1,
      maxLength: 256,
      pattern: NAME_PATTERN,
      description: 'Your unique id for the message; a repeat in the same application is 409.',
    },
    payload: { type: 'object', description: 'Delivered byte for byte as written in the request.' },
    channels: channelList(5),
    tags: { type: ['array', 'null'], maxItems: 5, items: { type: 'string', maxLength: 128 } },
    payloadRetentionPeriod: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 90,
      description: 'Days the payload is kept; default 90.',
    },
    payloadRetentionHours: {
      type: ['integer', 'null'],
      minimum: 1,
      description: 'Hours the payload is kept, instead of days.',
    },
    application: {
      anyOf: [applicationIn, { type: 'null' }],
      description: 'Creates the application, with the path\'s uid, when it does not exist.',
    },
  },
};

export const secretRotateIn = {
  type: 'object',
  properties: {
    key: { ...endpointSecret, description: 'The new secret; generated when left out.' },
    gracePeriodSeconds: {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 604800,
      description: 'How long the old secret keeps signing; default HOOKLINE_SECRET_ROTATION_GRACE.',
    },
  },
};

const headerMap = { type: 'object', additionalProperties: { type: 'string' } };

export const endpointHeadersIn = { type: 'object', required: ['headers'], properties: { headers: headerMap } };

export const endpointHeadersPatchIn = {
  type: 'object',
  required: ['headers'],
  properties: { headers: { type: 'object', additionalProperties: { type: ['string', 'null'] } } },
};

export const eventExampleIn = {
  type: 'object',
  required: ['eventType'],
  properties: {
    eventType: eventTypeName,
    exampleIndex: { type: 'integer', minimum: 0, description: 'Which of the schema\'s `examples` to send; default 0.' },
  },
};

export const recoverIn = {
  type: 'object',
  required: ['since'],
  properties: {
    since: { type: 'string', minLength: 1, description: 'RFC 3339 time: recover messages created at or after it.' },
    until: { type: ['string', 'null'], description: 'RFC 3339 time: recover messages created before it.' },
  },
};

/** Svix accepts a portal token lifetime between 1 hour and 7 days, in seconds. */
export const appPortalAccessIn = {
  type: 'object',
  properties: {
    application: { anyOf: [applicationIn, { type: 'null' }] },
    expiry: {
      type: ['integer', 'null'],
      minimum: 3600,
      maximum: 604800,
      description: 'Token lifetime in seconds; default 7 days.',
    },
    featureFlags: { type: 'array', uniqueItems: true, items: eventTypeName },
    capabilities: { type: ['array', 'null'], items: { type: 'string' } },
    readOnly: { type: ['boolean', 'null'], description: 'The token may only send GET requests.' },
    sessionId: { type: ['string', 'null'], maxLength: 256 },
  },
};
