/**
 * The dashboards on a server with access tokens, in headless Chromium: the page asks for a token, draws its
 * charts once a good one is entered (sending it on every API call), says so when a token is refused, when
 * its role is too low (a viewer in the SQL console) and when it sent too many requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { openDatabase, queryOne } from '../../core/db.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { buildFixtureDb, drawn, launchChromium, marks, screenshot, trackedPage, type Tracked } from './harness.ts';

const VIEWER = 'browser-viewer-0123456789';
const ANALYST = 'browser-analyst-0123456789';
const tokens = [
  { role: 'viewer' as const, token: VIEWER },
  { role: 'analyst' as const, token: ANALYST },
];

let dir: string;
let server: RunningServer;
let strict: RunningServer;
let browser: Browser;
let base: string;
let serviceLevel = 0;
const opened: Tracked[] = [];

const text = async (l: Locator) => ((await l.textContent()) ?? '').trim();
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-browser-auth-'));
  const dbPath = join(dir, 'marts.duckdb');
  await buildFixtureDb(dbPath);
  const db = await openDatabase(dbPath, { readOnly: true });
  serviceLevel = Number((await queryOne(db.conn, `SELECT sum(answered_within_threshold) / nullif(sum(answered + abandoned - short_abandons), 0) AS v FROM kpi_daily`))!.v);
  db.close();
  server = await startServer({ dbPath, host: '127.0.0.1', port: 0, tokens, logError: () => {} });
  // a limit a single page load goes over
  strict = await startServer({ dbPath, host: '127.0.0.1', port: 0, tokens, rateLimit: { perSecond: 0.1, burst: 2 }, logError: () => {} });
  base = server.url.replace(/\/$/, '');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), strict?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const t of opened.splice(0)) await t.context.close();
});

async function tracked(): Promise<Tracked> {
  const t = await trackedPage(browser);
  opened.push(t);
  return t;
}

/** Console errors other than the browser's own report of the refused API calls. */
const unexpectedErrors = (t: Tracked) => t.errors.filter((e) => !/status of (401|403|429)/.test(e));

async function signIn(t: Tracked, token: string) {
  await t.page.locator('#auth-token').fill(token);
  await t.page.locator('#auth-submit').click();
}

describe('dashboards with access tokens', () => {
  it('asks for a token, then draws the charts with it on every API call', async () => {
    const t = await tracked();
    const { page } = t;
    const authHeaders: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) authHeaders.push(r.headers().authorization);
    });
    await page.goto(`${base}/?lang=en`);
    await expect.poll(() => page.locator('#auth').isVisible()).toBe(true);
    await expect.poll(() => text(page.locator('#auth-message'))).toBe('This server needs an access token.');
    expect(await page.locator('main').isVisible()).toBe(false);
    expect(await page.locator('#auth-token').getAttribute('type')).toBe('password');
    await screenshot(page, 'auth-prompt');

    authHeaders.length = 0;
    await signIn(t, VIEWER);
    await drawn(page);
    await expect.poll(() => page.locator('#auth').isVisible()).toBe(false);
    await expect.poll(() => text(page.locator('.tile[data-metric="service_level"] .value'))).toBe(pct(serviceLevel));
    expect(await marks(page, '#card-trend', 'symbol')).toBeGreaterThan(0);
    expect(await marks(page, '#card-channels', 'rect')).toBeGreaterThan(0);
    expect(authHeaders.length).toBeGreaterThan(5);
    expect(authHeaders.every((h) => h === `Bearer ${VIEWER}`), authHeaders.join(',')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('ccmart.token'))).toBe(VIEWER);
    await expect.poll(() => page.locator('#auth-forget').isVisible()).toBe(true);
    expect(unexpectedErrors(t)).toEqual([]);
    expect(t.external).toEqual([]);

    // the token holds for the tab: the next page draws without asking, and shows agents as tags
    await page.goto(`${base}/journeys?lang=en&level=node`);
    await drawn(page);
    expect(await page.locator('#auth').isVisible()).toBe(false);
    await expect.poll(() => text(page.locator('#card-transitions svg.marks'))).toMatch(/Agent talk · ~[0-9a-f]{10}/);
    expect(await text(page.locator('#card-transitions svg.marks'))).not.toContain('A1');

    // forgetting it asks again
    await page.locator('#auth-forget').click();
    await expect.poll(() => page.locator('#auth').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('ccmart.token'))).toBeNull();
  });

  it('says so when the token is not accepted, in the page language', async () => {
    const t = await tracked();
    const { page } = t;
    await page.goto(`${base}/workforce?lang=en`);
    await expect.poll(() => page.locator('#auth').isVisible()).toBe(true);
    await signIn(t, 'not-the-right-token-0123456789');
    await expect.poll(() => text(page.locator('#auth-message'))).toBe('The access token was not accepted. Enter another one.');
    expect(await page.locator('#auth-message').getAttribute('class')).toContain('bad');
    expect(await page.evaluate(() => sessionStorage.getItem('ccmart.token'))).toBeNull();
    expect(await page.locator('main').isVisible()).toBe(false);
    await screenshot(page, 'auth-refused');

    await page.goto(`${base}/?lang=zh`);
    await expect.poll(() => text(page.locator('#auth-message'))).toBe('此服务器需要访问令牌。');
    await expect.poll(() => text(page.locator('#auth-submit'))).toBe('登录');
    expect(unexpectedErrors(t)).toEqual([]);
  });

  it('tells a viewer the SQL console needs an analyst, and runs it for an analyst', async () => {
    const t = await tracked();
    const { page } = t;
    await page.goto(`${base}/console?lang=en`);
    await expect.poll(() => page.locator('#auth').isVisible()).toBe(true);
    await signIn(t, VIEWER);
    await drawn(page);
    // the catalog is a viewer's; the query is not
    await expect.poll(() => page.locator('#catalog-list button').count()).toBeGreaterThan(10);
    await expect.poll(() => page.locator('#auth-notice').isVisible()).toBe(true);
    expect(await text(page.locator('#auth-notice'))).toBe('Your access token does not allow this: this needs the analyst role; the token is a viewer token');
    await expect.poll(() => text(page.locator('#sql-error'))).toContain('needs the analyst role');
    expect(await page.locator('#result tbody tr').count()).toBe(0);
    await screenshot(page, 'auth-console-viewer');

    await page.evaluate((token) => sessionStorage.setItem('ccmart.token', token), ANALYST);
    await page.reload();
    await drawn(page);
    await expect.poll(() => page.locator('#result tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#auth-notice').isVisible()).toBe(false);
    expect(unexpectedErrors(t)).toEqual([]);
  });

  it('says when the token sent too many requests', async () => {
    const t = await tracked();
    const { page } = t;
    await t.context.addInitScript((token) => sessionStorage.setItem('ccmart.token', token), VIEWER);
    await page.goto(`${strict.url}?lang=en`);
    await expect.poll(() => page.locator('#auth-notice').isVisible()).toBe(true);
    expect(await text(page.locator('#auth-notice'))).toMatch(/^Too many requests for your access token: wait \d+ s, then try again\.$/);
    expect(unexpectedErrors(t)).toEqual([]);
  });
});
