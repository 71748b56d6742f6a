/**
 * JSON Schemas for request bodies, following the Svix API's field names and limits. Fastify
 * validates bodies against them before a handler runs; a failure is a 422 in Svix's shape.
 */
const NAME_PATTERN = '^[a-zA-Z0-9\\-_.]+$';

const uid = { type: ['string', 'null'], minLength: 1, maxLength: 256, pattern: NAME_PATTERN };
const metadata = {
  type: 'object',
  maxProperties: 64,
  propertyNames: { maxLength: 256 },
  additionalProperties: { type: 'string', maxLength: 4096 },
};
const rate = { type: ['integer', 'null'], minimum: 0, maximum: 65535 };
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
    rateLimit: rate,
    throttleRate: rate,
    metadata,
  },
};

export const applicationPatch = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 256 },
    uid,
    rateLimit: rate,
    throttleRate: rate,
    metadata,
  },
};

const eventTypeFields = {
  description: { type: 'string', maxLength: 4096 },
  archived: { type: 'boolean' },
  deprecated: { type: 'boolean' },
  featureFlag: { type: ['string', 'null'], maxLength: 256, pattern: NAME_PATTERN },
  schemas: { type: ['object', 'null'], additionalProperties: { type: 'object' } },
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
  url: { type: 'string', minLength: 1, maxLength: 2048 },
  description: { type: 'string', maxLength: 4096 },
  uid,
  version: { type: ['integer', 'null'], minimum: 1 },
  disabled: { type: 'boolean' },
  filterTypes: eventTypeList,
  // Older Svix servers call the same filter `eventTypes`.
  eventTypes: eventTypeList,
  channels: channelList(10),
  rateLimit: rate,
  throttleRate: rate,
  metadata,
  headers: { type: ['object', 'null'], maxProperties: 32, additionalProperties: { type: 'string', maxLength: 4096 } },
  secret: endpointSecret,
};

export const endpointIn = { type: 'object', required: ['url'], properties: endpointFields };
export const endpointPatch = { type: 'object', properties: endpointFields };

export const messageIn = {
  type: 'object',
  required: ['eventType', 'payload'],
  properties: {
    eventType: eventTypeName,
    eventId: { type: ['string', 'null'], minLength: 1, maxLength: 256, pattern: NAME_PATTERN },
    payload: { type: 'object' },
    channels: channelList(5),
    tags: { type: ['array', 'null'], maxItems: 5, items: { type: 'string', maxLength: 128 } },
    payloadRetentionPeriod: { type: ['integer', 'null'], minimum: 1, maximum: 90 },
    payloadRetentionHours: { type: ['integer', 'null'], minimum: 1 },
    application: { anyOf: [applicationIn, { type: 'null' }] },
  },
};

export const secretRotateIn = {
  type: 'object',
  properties: {
    key: endpointSecret,
    gracePeriodSeconds: { type: ['integer', 'null'], minimum: 0, maximum: 604800 },
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
  properties: { eventType: eventTypeName, exampleIndex: { type: 'integer', minimum: 0 } },
};

export const recoverIn = {
  type: 'object',
  required: ['since'],
  properties: {
    since: { type: 'string', minLength: 1 },
    until: { type: ['string', 'null'] },
  },
};

/** Svix accepts a portal token lifetime between 1 hour and 7 days, in seconds. */
export const appPortalAccessIn = {
  type: 'object',
  properties: {
    application: { anyOf: [applicationIn, { type: 'null' }] },
    expiry: { type: ['integer', 'null'], minimum: 3600, maximum: 604800 },
    featureFlags: { type: 'array', uniqueItems: true, items: eventTypeName },
    capabilities: { type: ['array', 'null'], items: { type: 'string' } },
    readOnly: { type: ['boolean', 'null'] },
    sessionId: { type: ['string', 'null'], maxLength: 256 },
  },
};
