/**
 * Error catalogue. Every error that reaches an API client carries a stable `code` string and
 * an HTTP status; the API renders it as `{ code, detail }`. Codes are never reused for a
 * different meaning once published.
 */
export class HooklineError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, statusCode: number, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
  }
}

export class NotFoundError extends HooklineError {
  constructor(kind: string, id: string) {
    super('not_found', 404, `${kind} not found: ${id}`);
  }
}

export class ConflictError extends HooklineError {
  constructor(detail: string) {
    super('conflict', 409, detail);
  }
}

export class UnauthorizedError extends HooklineError {
  constructor(detail: string) {
    super('authentication_failed', 401, detail);
  }
}

export class ForbiddenError extends HooklineError {
  constructor(detail: string) {
    super('forbidden', 403, detail);
  }
}

/** One item of a 422 response, in the shape the Svix API and SDKs use. */
export interface ValidationIssue {
  loc: string[];
  msg: string;
  type: string;
}

export class ValidationError extends HooklineError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super('validation', 422, issues.map((issue) => issue.msg).join('; '));
    this.issues = issues;
  }

  static single(loc: string[], msg: string, type = 'value_error'): ValidationError {
    return new ValidationError([{ loc, msg, type }]);
  }
}

export class ConfigError extends HooklineError {
  constructor(detail: string) {
    super('invalid_config', 500, detail);
  }
}
