import type { JsonSchema } from './route-schema.js';

/** Renders JSON Schemas as short HTML for the reference page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Builds an anchor id from characters that need no escaping in a URL fragment. */
export function anchor(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

export function componentLink(schema: JsonSchema): string | undefined {
  const target = schema.$ref;
  if (typeof target !== 'string') return undefined;
  const name = target.replace('#/components/schemas/', '');
  return `<a href="#${anchor('schema', name)}">${escapeHtml(name)}</a>`;
}

/** Returns a type label such as `string or null`, `array of EndpointOut` or `map of string`. */
export function typeLabel(schema: JsonSchema | undefined): string {
  if (!schema) return 'any';
  const link = componentLink(schema);
  if (link) return link;
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return alternatives.map(typeLabel).join(' or ');
  if ('const' in schema) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [String(schema.type ?? 'any')];
  return types.map((type) => singleType(type, schema)).join(' or ');
}

function singleType(type: string, schema: JsonSchema): string {
  if (type === 'array') return `array of ${typeLabel(schema.items as JsonSchema | undefined)}`;
  if (type === 'object' && typeof schema.additionalProperties === 'object') {
    return `map of ${typeLabel(schema.additionalProperties as JsonSchema)}`;
  }
  if (typeof schema.format === 'string') return `${type} (${escapeHtml(schema.format)})`;
  return type;
}

function code(value: unknown): string {
  return `<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`;
}

/** Escapes text and shows its `backticked` parts as code, the one markup descriptions use. */
export function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function range(low: unknown, high: unknown, unit: string): string | undefined {
  if (low !== undefined && high !== undefined) return `${code(low)} to ${code(high)}${unit}`;
  if (low !== undefined) return `at least ${code(low)}${unit}`;
  if (high !== undefined) return `at most ${code(high)}${unit}`;
  return undefined;
}

/** Lists the constraints of a value, such as `1 to 256 characters; matches ^[a-z]+$`. */
export function constraintText(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  const parts = [
    range(schema.minLength, schema.maxLength, ' characters'),
    range(schema.minimum, schema.maximum, ''),
    range(undefined, schema.maxItems, ' items'),
    range(undefined, schema.maxProperties, ' entries'),
    schema.pattern !== undefined ? `matches ${code(schema.pattern)}` : undefined,
    Array.isArray(schema.enum) ? `one of ${schema.enum.map(code).join(', ')}` : undefined,
    schema.uniqueItems === true ? 'no repeated items' : undefined,
    schema.default !== undefined ? `default ${code(JSON.stringify(schema.default))}` : undefined,
  ];
  return parts.filter((part) => part !== undefined).join('; ');
}

/** Joins a description and the constraints of a value into one cell of text. */
export function details(schema: JsonSchema | undefined, description: unknown): string {
  const constraints = constraintText(schema);
  const text = typeof description === 'string' ? prose(description) : '';
  if (!constraints) return text;
  return text ? `${text} <span class="rules">(${constraints})</span>` : constraints;
}

/** Renders the fields of an object schema as a table, or its type when it has no fields. */
export function fieldsTable(schema: JsonSchema, caption: string): string {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties || Object.keys(properties).length === 0) {
    const constraints = constraintText(schema);
    return `<p>${escapeHtml(caption)}: ${typeLabel(schema)}${constraints ? ` (${constraints})` : ''}</p>`;
  }
  const required = new Set((schema.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, property]) => {
    return (
      `<tr><th scope="row"><code>${escapeHtml(name)}</code></th>` +
      `<td data-label="Type">${typeLabel(property)}</td>` +
      `<td data-label="Required">${required.has(name) ? 'yes' : 'no'}</td>` +
      `<td data-label="Details">${details(property, property.description)}</td></tr>`
    );
  });
  return (
    `<table><caption>${escapeHtml(caption)}</caption>` +
    '<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th>' +
    `<th scope="col">Details</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}
