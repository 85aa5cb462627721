/**
 * What the browser tests share: a DuckDB file built from the hand-made marts fixtures, the real API server on
 * 127.0.0.1, Debian's Chromium driven by playwright-core, and pages whose console errors and every request are
 * recorded (requests to any other host are refused and remembered).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { defaultConfig } from '../../core/config.ts';
import { openDatabase } from '../../core/db.ts';
import { buildMarts } from '../../marts/build.ts';
import type { Source } from '../../pipelines/contracts.ts';
import { ingestPath } from '../../pipelines/ingest.ts';

const fixtures = fileURLToPath(new URL('../fixtures/marts/', import.meta.url));
export const artifacts = fileURLToPath(new URL('../../test-artifacts/dashboards/', import.meta.url));

/** Ingests test/fixtures/marts and builds the marts into `path` (closed afterwards, ready for the server). */
export async function buildFixtureDb(path: string): Promise<void> {
  const db = await openDatabase(path);
  try {
    const files: [string, Source][] = [
      ['acd.csv', 'acd'],
      ['bot.jsonl', 'bot'],
      ['tickets.csv', 'tickets'],
      ['agent_states.csv', 'agent-states'],
    ];
    for (const [f, source] of files) await ingestPath(db.conn, join(fixtures, f), { source, timezone: 'Asia/Shanghai', dayFirst: false });
    const build = await buildMarts(db.conn, defaultConfig);
    if (build.failedModel) throw new Error(`marts build failed at ${build.failedModel}`);
  } finally {
    db.close();
  }
}

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Tracked {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests. */
  errors: string[];
  /** Every URL the page asked for. */
  requests: string[];
  /** Requests to anywhere but 127.0.0.1, refused. */
  external: string[];
}

/** A fresh context and page that record errors and requests and refuse any request off 127.0.0.1. */
export async function trackedPage(browser: Browser, opts: { locale?: string } = {}): Promise<Tracked> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: opts.locale ?? 'en-US', acceptDownloads: true });
  const t: Tracked = { context, page: undefined as unknown as Page, errors: [], requests: [], external: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === '127.0.0.1') return route.continue();
    t.external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  t.page = page;
  page.on('request', (r) => t.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') t.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => t.errors.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => t.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return t;
}

/** Waits until the page has finished drawing `times` times (pages count up body[data-rendered]). */
export async function drawn(page: Page, times = 1): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) >= n, times, { timeout: 20_000 });
}

export async function rendersSoFar(page: Page): Promise<number> {
  return Number(await page.evaluate(() => document.body.dataset.rendered ?? 0));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Items of Vega mark type `type` (rect, symbol, line, …) drawn in the SVG under `selector`. */
export function marks(page: Page, selector: string, type: string): Promise<number> {
  return page.locator(`${selector} svg.marks g.mark-${type}.role-mark > *`).count();
}
