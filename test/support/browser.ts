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
  const message = `Chromium is not installed at ${CHROMIUM_PATH}; install Debian's chromium package or set HOOKLINE_TEST_CHROMIUM.`;
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

const CONTROL_ROLES = new Set(['button', 'textbox', 'combobox', 'spinbutton', 'checkbox', 'radio', 'link', 'searchbox', 'slider', 'listbox']);

/**
 * Counts the interactive elements of the page and lists the roles of those without an
 * accessible name, as Chromium's accessibility tree computes it.
 */
export async function unnamedControls(page: Page): Promise<{ checked: number; unnamed: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const controls = nodes.filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? ''));
    const unnamed = controls.filter((node) => (node.name?.value ?? '').trim() === '').map((node) => node.role?.value ?? 'unknown');
    return { checked: controls.length, unnamed };
  } finally {
    await cdp.detach();
  }
}

/** Returns how far the page is wider than the viewport, in CSS pixels (0 when it fits). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}
