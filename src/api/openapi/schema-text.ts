import type { JsonSchema } from './route-schema.js';

/** Renders JSON Schemas as short HTML for the reference page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** An anchor id built only from characters that need no escaping in a URL fragment. */
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

const CONSTRAINTS: [string, string][] = [
  ['minLength', 'at least {} characters'],
  ['maxLength', 'at most {} characters'],
  ['minimum', 'at least {}'],
  ['maximum', 'at most {}'],
  ['maxItems', 'at most {} items'],
  ['maxProperties', 'at most {} entries'],
  ['pattern', 'matches {}'],
  ['default', 'default {}'],
];

/** Lists the constraints of a value, such as `at most 256 characters; matches ^[a-z]+$`. */
export function constraintText(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  const parts: string[] = [];
  for (const [keyword, text] of CONSTRAINTS) {
    if (schema[keyword] === undefined) continue;
    const value = keyword === 'default' ? JSON.stringify(schema[keyword]) : String(schema[keyword]);
    parts.push(text.replace('{}', `<code>${escapeHtml(value)}</code>`));
  }
  if (Array.isArray(schema.enum)) {
    parts.push(`one of ${schema.enum.map((value) => `<code>${escapeHtml(JSON.stringify(value))}</code>`).join(', ')}`);
  }
  if (schema.uniqueItems === true) parts.push('no repeated items');
  return parts.join('; ');
}

/** Renders the fields of an object schema as a table, or its type when it has no fields. */
export function fieldsTable(schema: JsonSchema, caption: string): string {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties || Object.keys(properties).length === 0) {
    return `<p>${escapeHtml(caption)}: ${typeLabel(schema)}${describe(schema)}</p>`;
  }
  const required = new Set((schema.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, property]) => {
    const details = [property.description ? escapeHtml(String(property.description)) : '', constraintText(property)];
    return (
      `<tr><th scope="row"><code>${escapeHtml(name)}</code></th>` +
      `<td data-label="Type">${typeLabel(property)}</td>` +
      `<td data-label="Required">${required.has(name) ? 'yes' : 'no'}</td>` +
      `<td data-label="Details">${details.filter((part) => part !== '').join('. ')}</td></tr>`
    );
  });
  return (
    `<table><caption>${escapeHtml(caption)}</caption>` +
    '<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th>' +
    `<th scope="col">Details</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function describe(schema: JsonSchema): string {
  const constraints = constraintText(schema);
  return constraints ? ` (${constraints})` : '';
}
