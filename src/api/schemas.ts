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
  schemas: { type: ['object', 'null'] },
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
  secret: { type: ['string', 'null'], pattern: '^(whsec_)?[a-zA-Z0-9+/=]{32,100}$' },
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
