import { applicationIn, applicationPatch, eventTypeIn, eventTypePatch, eventTypeUpdate } from '../../schemas.js';
import { conflict, httpError, json, noContent, notFound, pageParameters, pathParams, query, withContent } from '../common.js';
import type { RouteSchema } from '../route-schema.js';

const APPLICATION = ['Application'];
const appParams = pathParams('app_id');

export const applicationSchemas = {
  list: {
    summary: 'List applications',
    tags: APPLICATION,
    operationId: 'v1.application.list',
    querystring: query(pageParameters(true)),
    response: { 200: json('A page of applications, oldest first unless `order=descending`.', 'ListResponseApplicationOut') },
  },
  create: {
    summary: 'Create an application',
    description: 'With `get_if_exists=true`, a body whose `uid` names an existing application returns it with 200.',
    tags: APPLICATION,
    operationId: 'v1.application.create',
    querystring: query({
      get_if_exists: { type: 'boolean', default: false, description: 'Return the application with this uid if it exists.' },
    }),
    body: applicationIn,
    response: {
      200: json('The existing application with this uid.', 'ApplicationOut'),
      201: json('The new application.', 'ApplicationOut'),
      409: conflict,
    },
  },
  get: {
    summary: 'Get an application',
    tags: APPLICATION,
    operationId: 'v1.application.get',
    params: appParams,
    response: { 200: json('The application.', 'ApplicationOut'), 404: notFound },
  },
  update: {
    summary: 'Replace an application',
    description: 'Fields left out are reset, except `uid`. When `app_id` is a uid no application has, it is created.',
    tags: APPLICATION,
    operationId: 'v1.application.update',
    params: appParams,
    body: applicationIn,
    response: {
      200: json('The replaced application.', 'ApplicationOut'),
      201: json('The application, created with the path\'s uid.', 'ApplicationOut'),
      404: httpError('An app portal token named another application (`not_found`).'),
      409: conflict,
    },
  },
  patch: {
    summary: 'Change an application',
    description: 'Only the fields in the body change.',
    tags: APPLICATION,
    operationId: 'patch_application',
    params: appParams,
    body: applicationPatch,
    response: { 200: json('The changed application.', 'ApplicationOut'), 404: notFound, 409: conflict },
  },
  delete: {
    summary: 'Delete an application',
    description: 'Deletes its endpoints, messages and attempts too.',
    tags: APPLICATION,
    operationId: 'v1.application.delete',
    params: appParams,
    response: { 204: noContent('The application is deleted.'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;

const EVENT_TYPE = ['Event Type'];
const nameParams = pathParams('event_type_name');

export const eventTypeSchemas = {
  list: {
    summary: 'List event types',
    tags: EVENT_TYPE,
    operationId: 'v1.event-type.list',
    querystring: query({
      ...pageParameters(true),
      include_archived: { type: 'boolean', default: false, description: 'Include archived event types.' },
      with_content: withContent(false),
    }),
    response: { 200: json('A page of event types, by name.', 'ListResponseEventTypeOut') },
  },
  create: {
    summary: 'Create an event type',
    description: 'Creating an archived event type again brings it back with the new fields.',
    tags: EVENT_TYPE,
    operationId: 'v1.event-type.create',
    body: eventTypeIn,
    response: { 201: json('The new event type.', 'EventTypeOut'), 409: conflict },
  },
  get: {
    summary: 'Get an event type',
    tags: EVENT_TYPE,
    operationId: 'v1.event-type.get',
    params: nameParams,
    response: { 200: json('The event type.', 'EventTypeOut'), 404: notFound },
  },
  update: {
    summary: 'Replace an event type',
    description: 'Creates the event type when none has this name.',
    tags: EVENT_TYPE,
    operationId: 'v1.event-type.update',
    params: nameParams,
    body: eventTypeUpdate,
    response: {
      200: json('The replaced event type.', 'EventTypeOut'),
      201: json('The new event type.', 'EventTypeOut'),
    },
  },
  patch: {
    summary: 'Change an event type',
    tags: EVENT_TYPE,
    operationId: 'patch_event_type',
    params: nameParams,
    body: eventTypePatch,
    response: { 200: json('The changed event type.', 'EventTypeOut'), 404: notFound },
  },
  delete: {
    summary: 'Archive or delete an event type',
    description: 'Archives it, so endpoints that filter on the name keep working; `expunge=true` deletes it.',
    tags: EVENT_TYPE,
    operationId: 'v1.event-type.delete',
    params: nameParams,
    querystring: query({ expunge: { type: 'boolean', default: false, description: 'Delete instead of archiving.' } }),
    response: { 204: noContent('The event type is archived or deleted.'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;
