import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HooklineError, ValidationError, type ValidationIssue } from '../errors.js';
import { isDatabaseUnavailable } from '../store/availability.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Converts Ajv errors to the `{ loc, msg, type }` items of a Svix 422 response. */
export function toValidationIssues(context: string, issues: AjvIssue[]): ValidationIssue[] {
  return issues.map((issue) => {
    const loc = [context, ...issue.instancePath.split('/').filter((part) => part !== '')];
    if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
      loc.push(issue.params.missingProperty);
      return { loc, msg: 'field required', type: 'value_error.missing' };
    }
    if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
      loc.push(issue.params.additionalProperty);
      return { loc, msg: 'unknown field', type: 'value_error.extra' };
    }
    const type = issue.keyword === 'type' ? 'type_error' : `value_error.${issue.keyword}`;
    return { loc, msg: issue.message ?? 'invalid value', type };
  });
}

function sendError(reply: FastifyReply, statusCode: number, code: string, detail: string) {
  return reply.code(statusCode).send({ code, detail });
}

/** Framework error codes caused by the client, with the status and code returned for each. */
const CLIENT_ERRORS: Record<string, { status: number; code: string; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'Request bodies must be JSON with content-type: application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', detail: 'The request body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request' },
};

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ValidationError) {
      return reply.code(422).send({ code: error.code, detail: error.issues });
    }
    if (error instanceof HooklineError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return sendError(reply, error.statusCode, error.code, error.message);
    }
    if (error.validation) {
      const issues = toValidationIssues(error.validationContext ?? 'body', error.validation as AjvIssue[]);
      return reply.code(422).send({ code: 'validation', detail: issues });
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return sendError(reply, 400, 'invalid_json', `The request body is not valid JSON: ${error.message}`);
    }
    const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
    if (known) return sendError(reply, known.status, known.code, known.detail ?? error.message);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', error.message);
    }

    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'request failed: database unreachable');
      reply.header('retry-after', '5');
      return sendError(reply, 503, 'database_unavailable', 'The database is unreachable; retry shortly.');
    }

    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal_error', 'Internal server error; the server log has the details.');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`),
  );
}
