import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from './support/browser.js';
import { startHookline, type TestServer } from './support/hookline.js';

/** The HTML reference page rendered from the OpenAPI document: content, policy, and a phone-sized browser. */

interface Operation {
  operationId: string;
  summary: string;
  parameters?: { name: string }[];
  responses: Record<string, unknown>;
}

interface Layout {
  scrollWidth: number;
  clientWidth: number;
  headings: number;
  tablesWithoutCaption: number;
  styled: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

describe('openapi reference page', () => {
  let server: TestServer;
  let html: string;
  let headers: Headers;
  let paths: Record<string, Record<string, Operation>>;

  before(async () => {
    server = await startHookline();
    const response = await fetch(`${server.url}/api/v1/docs`);
    assert.equal(response.status, 200);
    headers = response.headers;
    html = await response.text();
    paths = ((await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: typeof paths }).paths;
  });

  after(async () => {
    await server?.close();
  });

  it('is served as HTML with a strict policy', () => {
    assert.match(headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    const policy = headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(policy, /unsafe-inline|script-src|\*/);
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
  });

  it('loads no script or remote resource', () => {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<link|<img|src=|@import|url\(/i);
    assert.doesNotMatch(html, /href="https?:/i);
  });

  it('renders every operation', () => {
    let count = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        count += 1;
        const start = html.indexOf(`<article id="op-${operation.operationId.replace(/[^A-Za-z0-9_.-]/g, '-')}"`);
        assert.ok(start >= 0, `${method} ${path} has no article`);
        const article = html.slice(start, html.indexOf('</article>', start));
        assert.ok(article.includes(`>${method.toUpperCase()}</span>`), `${method} ${path} shows no method`);
        assert.ok(article.includes(`<code>${escapeHtml(path)}</code>`), `${method} ${path} shows no path`);
        assert.ok(article.includes(escapeHtml(operation.summary)), `${method} ${path} shows no summary`);
        for (const parameter of operation.parameters ?? []) {
          assert.ok(article.includes(`<code>${escapeHtml(parameter.name)}</code>`), `${method} ${path} omits ${parameter.name}`);
        }
        if ((operation as { requestBody?: unknown }).requestBody) {
          assert.ok(article.includes('<caption>Body fields</caption>'), `${method} ${path} shows no body fields`);
        }
        for (const status of Object.keys(operation.responses)) {
          assert.ok(article.includes(`<dt>${status}</dt>`), `${method} ${path} omits response ${status}`);
        }
      }
    }
    assert.ok(count > 40, `only ${count} operations`);
  });

  it('links only to anchors on the page', () => {
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]));
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(targets.length > 100, `only ${targets.length} links`);
    for (const target of targets) assert.ok(ids.has(target), `#${target} has no target`);
  });

  it('fits a phone screen without errors', { skip: browserSkipReason() }, async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      const problems: string[] = [];
      page.on('console', (message) => problems.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${server.url}/api/v1/docs`);
      // A string, because the test compiles without the DOM library; it runs in the page.
      const layout = await page.evaluate<Layout>(`({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        headings: document.querySelectorAll('h1').length,
        tablesWithoutCaption: [...document.querySelectorAll('table')].filter((table) => !table.caption).length,
        styled: getComputedStyle(document.querySelector('.method')).backgroundColor,
      })`);
      assert.deepEqual(problems, [], 'the page logged errors, such as a blocked style');
      assert.ok(layout.scrollWidth <= layout.clientWidth, `the page scrolls sideways: ${layout.scrollWidth} > ${layout.clientWidth}`);
      assert.equal(layout.headings, 1);
      assert.equal(layout.tablesWithoutCaption, 0);
      // The style applies, so the hash in the policy matches the inline style.
      assert.notEqual(layout.styled, 'rgba(0, 0, 0, 0)');
    } finally {
      await browser?.close();
    }
  });
});
