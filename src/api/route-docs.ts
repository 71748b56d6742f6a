/**
 * Route options that keep a route's `schema` as its description (summary, tags, parameter
 * descriptions) without validating the request against it. Handlers read query strings with
 * the readers in query.ts, so a bad value keeps getting their 422 naming the parameter.
 */
export const describeOnly = {
  validatorCompiler: () => () => true,
} as const;

/** Describes a path parameter that takes an id or a uid. */
export function idParam(what: string) {
  return { type: 'string', description: `The ${what}'s id or uid.` } as const;
}
