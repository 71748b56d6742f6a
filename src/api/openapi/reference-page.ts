import { createHash } from 'node:crypto';
import type { JsonSchema } from './route-schema.js';
import { anchor, details, escapeHtml, fieldsTable, prose, typeLabel } from './schema-text.js';

/**
 * The API reference as one HTML page, rendered on the server from the OpenAPI document. It
 * has no scripts and loads nothing, so its Content-Security-Policy allows only its own style.
 */
const STYLE = `
:root { color: #1b1b1b; background: #fff; font: 16px/1.5 system-ui, sans-serif; }
body { margin: 0 auto; padding: 1rem; max-width: 64rem; }
a { color: #0b4fa8; }
a:focus-visible { outline: 3px solid #0b4fa8; outline-offset: 2px; }
code { font: 0.9em ui-monospace, monospace; overflow-wrap: anywhere; }
nav ul { list-style: none; padding: 0; }
nav li { margin: 0.25rem 0; }
article { border-top: 1px solid #767676; padding-top: 0.5rem; margin-top: 1.5rem; }
h3 { overflow-wrap: anywhere; }
.method { display: inline-block; min-width: 4.2rem; padding: 0 0.3rem; border-radius: 0.25rem;
  color: #fff; background: #3d3d3d; font: bold 0.8rem/1.6 ui-monospace, monospace; text-align: center; }
.get { background: #1d6b24; } .post { background: #0b4f8a; } .put { background: #7a4500; }
.patch { background: #5b2a86; } .delete { background: #a11a1a; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
caption { text-align: left; font-weight: bold; }
th, td { border: 1px solid #b0b0b0; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.rules { color: #4a4a4a; }
dt { font-weight: bold; }
@media (max-width: 40rem) {
  table, thead, tbody, tr, th, td, caption { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid #b0b0b0; margin-bottom: 0.5rem; }
  th, td { border: 0; }
  td::before { content: attr(data-label) ": "; font-weight: bold; }
}
`;

/** The policy the page is served with: its one inline style, by hash, and nothing else. */
export const REFERENCE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: (JsonSchema & { name: string; in: string; schema: JsonSchema })[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: unknown[];
};

interface Entry {
  method: string;
  path: string;
  operation: Operation;
}

function methodBadge(method: string): string {
  return `<span class="method ${method}">${method.toUpperCase()}</span>`;
}

function parameterTable(parameters: Operation['parameters']): string {
  if (!parameters || parameters.length === 0) return '';
  const rows = parameters.map((parameter) => {
    return (
      `<tr><th scope="row"><code>${escapeHtml(parameter.name)}</code></th>` +
      `<td data-label="In">${parameter.in}</td>` +
      `<td data-label="Type">${typeLabel(parameter.schema)}</td>` +
      `<td data-label="Required">${parameter.required ? 'yes' : 'no'}</td>` +
      `<td data-label="Details">${details(parameter.schema, parameter.description)}</td></tr>`
    );
  });
  return (
    '<table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th>' +
    '<th scope="col">Type</th><th scope="col">Required</th><th scope="col">Details</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** Shows the body's fields in place, so the common case needs no jump to the schema list. */
function requestBody(body: Operation['requestBody'], schemas: Record<string, JsonSchema>): string {
  const schema = body?.content['application/json']?.schema;
  if (!schema) return '';
  const required = body!.required ? 'required' : 'optional';
  const name = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : undefined;
  const target = name === undefined ? schema : schemas[name];
  const table = target ? fieldsTable(target, 'Body fields') : '';
  return `<h4>Request body</h4><p>JSON, ${required}: ${typeLabel(schema)}.</p>${table}`;
}

function responseList(responses: Operation['responses']): string {
  const items = Object.entries(responses).map(([status, response]) => {
    const schema = response.content?.['application/json']?.schema;
    const body = schema ? ` Body: ${typeLabel(schema)}.` : '';
    return `<dt>${escapeHtml(status)}</dt><dd>${prose(response.description)}${body}</dd>`;
  });
  return `<h4>Responses</h4><dl>${items.join('')}</dl>`;
}

function operationArticle({ method, path, operation }: Entry, schemas: Record<string, JsonSchema>): string {
  const id = anchor('op', operation.operationId);
  const access = operation.security?.length === 0 ? '<p>Needs no token.</p>' : '';
  return (
    `<article id="${id}" aria-labelledby="${id}-title"><h3 id="${id}-title">${methodBadge(method)} ` +
    `<code>${escapeHtml(path)}</code></h3><p>${escapeHtml(operation.summary)}. ` +
    `Operation id <code>${escapeHtml(operation.operationId)}</code>.</p>` +
    (operation.description ? `<p>${prose(operation.description)}</p>` : '') +
    access +
    parameterTable(operation.parameters) +
    requestBody(operation.requestBody, schemas) +
    responseList(operation.responses) +
    '</article>'
  );
}

function groupByTag(document: JsonSchema): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  const paths = document.paths as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const tag = operation.tags[0] ?? 'Other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method, path, operation });
    }
  }
  return groups;
}

function index(groups: Map<string, Entry[]>): string {
  const sections = [...groups].map(([tag, entries]) => {
    const links = entries.map(
      ({ method, path, operation }) =>
        `<li><a href="#${anchor('op', operation.operationId)}">` +
        `${methodBadge(method)} <code>${escapeHtml(path)}</code></a> ` +
        `${escapeHtml(operation.summary)}</li>`,
    );
    return `<h3><a href="#${anchor('tag', tag)}">${escapeHtml(tag)}</a></h3><ul>${links.join('')}</ul>`;
  });
  const schemas = '<h3><a href="#schemas">Schemas</a></h3>';
  return `<nav aria-labelledby="index"><h2 id="index">Contents</h2>${sections.join('')}${schemas}</nav>`;
}

function schemaSection(document: JsonSchema): string {
  const schemas = (document.components as { schemas: Record<string, JsonSchema> }).schemas;
  const articles = Object.entries(schemas).map(([name, schema]) => {
    const id = anchor('schema', name);
    const description = schema.description ? `<p>${prose(String(schema.description))}</p>` : '';
    const fields = fieldsTable(schema, `Fields of ${name}`);
    return `<article id="${id}"><h3>${escapeHtml(name)}</h3>${description}${fields}</article>`;
  });
  return `<section aria-labelledby="schemas"><h2 id="schemas">Schemas</h2>${articles.join('')}</section>`;
}

/** Renders the reference page; `documentUrl` links to the JSON document it was built from. */
export function renderReferencePage(document: JsonSchema, documentUrl: string): string {
  const info = document.info as { title: string; version: string; description: string };
  const groups = groupByTag(document);
  const schemas = (document.components as { schemas: Record<string, JsonSchema> }).schemas;
  const sections = [...groups].map(
    ([tag, entries]) =>
      `<section aria-labelledby="${anchor('tag', tag)}">` +
      `<h2 id="${anchor('tag', tag)}">${escapeHtml(tag)}</h2>` +
      `${entries.map((entry) => operationArticle(entry, schemas)).join('')}</section>`,
  );
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(info.title)} reference</title><style>${STYLE}</style></head><body>` +
    `<header><h1>${escapeHtml(info.title)} reference</h1><p>${escapeHtml(info.description)} Version ` +
    `${escapeHtml(info.version)}. Send <code>Authorization: Bearer &lt;token&gt;</code> unless an ` +
    'operation says otherwise. The same description as JSON: ' +
    `<a href="${escapeHtml(documentUrl)}">OpenAPI document</a>.</p></header>` +
    `${index(groups)}<main>${sections.join('')}${schemaSection(document)}</main></body></html>`
  );
}
