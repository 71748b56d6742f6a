import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium package. Tests never download a browser. */
export const CHROMIUM_PATH = process.env.HOOKLINE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Where the browser tests save screenshots; the folder is ignored by git. */
export const SCREENSHOT_DIR = join('artifacts', 'screenshots');

/**
 * Returns why browser tests cannot run here, or undefined when they can. Under CI=true a
 * missing browser is an error, not a reason to skip.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const message =
    `Chromium is not installed at ${CHROMIUM_PATH}; ` +
    "install Debian's chromium package or set HOOKLINE_TEST_CHROMIUM.";
  if (process.env.CI === 'true') throw new Error(`${message} CI requires the browser tests.`);
  return `skipped: ${message}`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** Saves a full-page screenshot as artifacts/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Collects console errors and uncaught exceptions of a page, such as CSP violations. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

interface AxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  properties?: Array<{ name: string; value: { value: unknown } }>;
}

const CONTROL_ROLES = new Set([
  'button',
  'textbox',
  'combobox',
  'spinbutton',
  'checkbox',
  'radio',
  'link',
  'searchbox',
  'slider',
  'listbox',
]);

/**
 * Counts the interactive elements of the page and lists the roles of those without an
 * accessible name, as Chromium's accessibility tree computes it.
 */
export async function unnamedControls(page: Page): Promise<{ checked: number; unnamed: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const controls = nodes.filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? ''));
    const unnamed = controls
      .filter((node) => (node.name?.value ?? '').trim() === '')
      .map((node) => node.role?.value ?? 'unknown');
    return { checked: controls.length, unnamed };
  } finally {
    await cdp.detach();
  }
}

/**
 * Waits until the dashboard has finished rendering the view of the current address, and, when
 * `hashPart` is given, until the address contains it. The predicate is a function, not a
 * string: the page's Content-Security-Policy forbids evaluating strings.
 */
export async function waitForView(page: Page, hashPart = ''): Promise<void> {
  await page.waitForFunction((part) => {
    // The test code is compiled without DOM types; this runs in the page.
    const { document, location } = globalThis as unknown as {
      document: { getElementById(id: string): { dataset: Record<string, string>; hasAttribute(name: string): boolean } };
      location: { hash: string };
    };
    const main = document.getElementById('main');
    return location.hash.includes(part) && main.dataset.view === location.hash && !main.hasAttribute('aria-busy');
  }, hashPart);
}

/** Returns how far the page is wider than the viewport, in CSS pixels (0 when it fits). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/**
 * Lists text whose contrast with its background is below `minimum` (WCAG 2 formula). The
 * background is the first ancestor with an opaque background colour; SVG text uses its fill.
 */
export function lowContrastText(page: Page, minimum = 4.5): Promise<string[]> {
  return page.evaluate(`(() => {
    const parse = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element) => {
      for (let node = element; node; node = node.parentElement) {
        const rgba = parse(getComputedStyle(node).backgroundColor);
        if (rgba.length === 3 || (rgba.length === 4 && rgba[3] === 1)) return rgba.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const element = text.parentElement;
      if (!element || text.textContent.trim() === '' || !element.checkVisibility()) continue;
      if (element.closest('.visually-hidden, title, desc, option')) continue;
      const style = getComputedStyle(element);
      const foreground = parse(element instanceof SVGElement ? style.fill : style.color).slice(0, 3);
      const [light, dark] = [luminance(foreground), luminance(background(element))].sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      if (ratio < ${minimum}) failures.push(text.textContent.trim().slice(0, 40) + ' (' + ratio.toFixed(2) + ')');
    }
    return failures;
  })()`);
}
