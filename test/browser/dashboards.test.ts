/**
 * The four dashboard pages in headless Chromium against the real API server on 127.0.0.1, over a DuckDB file
 * built from test/fixtures/marts. Each page must load without a console error or a request off 127.0.0.1,
 * draw its charts, follow its filters (kept in the URL) and show what the marts hold: the figures expected
 * here are summed straight from the KPI tables, or worked out with Erlang C below.
 * Screenshots go to test-artifacts/dashboards/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { openDatabase, queryOne, queryRows } from '../../core/db.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { buildFixtureDb, drawn, launchChromium, marks, rendersSoFar, screenshot, trackedPage, type Tracked } from './harness.ts';

let dir: string;
let server: RunningServer;
let browser: Browser;
let base: string;
const opened: Tracked[] = [];

/** Figures read from the marts before the server opens the file. */
const expected = {
  serviceLevel: 0,
  serviceLevelLoan: 0,
  trendDays: 0,
  channels: 0,
  breakpointTypes: 0,
  flowSteps: 0,
  flowTypeSteps: 0,
  worstIntervals: 0,
  catalogTables: 0,
  loanRows: 0,
  whatifCalls: 0,
  whatifAht: 0,
};

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
/** The text a locator shows, whitespace trimmed (for expect.poll). */
const text = async (l: Locator) => ((await l.textContent()) ?? '').trim();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-browser-'));
  const dbPath = join(dir, 'marts.duckdb');
  await buildFixtureDb(dbPath);

  const db = await openDatabase(dbPath, { readOnly: true });
  const sl = `sum(answered_within_threshold) / nullif(sum(answered + abandoned - short_abandons), 0)`;
  expected.serviceLevel = Number((await queryOne(db.conn, `SELECT ${sl} AS v FROM kpi_daily`))!.v);
  expected.serviceLevelLoan = Number((await queryOne(db.conn, `SELECT ${sl} AS v FROM kpi_daily WHERE queue_id = 'q_loan'`))!.v);
  expected.trendDays = Number((await queryOne(db.conn, `SELECT count(*) AS n FROM (SELECT date FROM kpi_daily GROUP BY date HAVING sum(answered + abandoned - short_abandons) > 0)`))!.n);
  expected.channels = Number((await queryOne(db.conn, `SELECT count(*) AS n FROM (SELECT channel FROM kpi_daily GROUP BY channel HAVING sum(touchpoints) > 0)`))!.n);
  expected.breakpointTypes = Number((await queryOne(db.conn, `SELECT count(DISTINCT breakpoint_type) AS n FROM kpi_breakpoint_daily`))!.n);
  expected.flowSteps = Number((await queryOne(db.conn, `SELECT count(*) AS n FROM (SELECT DISTINCT from_node, to_node FROM kpi_node_flow)`))!.n);
  // At type level a node is its type ('agent_talk:A1' → 'agent_talk'); entries and exits keep their name.
  const typeOf = (c: string) => `CASE WHEN ${c} LIKE 'start:%' OR ${c} LIKE 'end:%' OR ${c} NOT LIKE '%:%' THEN ${c} ELSE split_part(${c}, ':', 1) END`;
  expected.flowTypeSteps = Number((await queryOne(db.conn, `SELECT count(*) AS n FROM (SELECT DISTINCT ${typeOf('from_node')}, ${typeOf('to_node')} FROM kpi_node_flow)`))!.n);
  expected.worstIntervals = Number((await queryOne(db.conn, `SELECT count(*) AS n FROM kpi_interval WHERE offered > 0 AND service_level IS NOT NULL`))!.n);
  expected.catalogTables = Number((await queryOne(db.conn, `SELECT count(DISTINCT table_name) AS n FROM mart_catalog`))!.n);
  expected.loanRows = Number((await queryOne(db.conn, `SELECT count(*) AS n FROM kpi_daily WHERE queue_id = 'q_loan'`))!.n);
  // The what-if on history covers the 7 days before the last day with data: here one interval of q_card.
  const demand = await queryRows<{ offered: number; aht_seconds: number }>(db.conn, `SELECT offered, aht_seconds FROM kpi_interval WHERE date >= DATE '2026-03-05' AND offered > 0`);
  expect(demand).toHaveLength(1);
  expected.whatifCalls = Number(demand[0]!.offered);
  expected.whatifAht = Number(demand[0]!.aht_seconds);
  db.close();

  server = await startServer({ dbPath, host: '127.0.0.1', port: 0 });
  base = server.url.replace(/\/$/, '');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const t of opened.splice(0)) await t.context.close();
});

async function open(path: string, locale?: string): Promise<Tracked> {
  const t = await trackedPage(browser, { locale });
  opened.push(t);
  await t.page.goto(base + path);
  await drawn(t.page);
  return t;
}

/** No console error, no refused request, every request to the test server. */
function clean(t: Tracked, allowedErrors: RegExp[] = []) {
  expect(t.errors.filter((e) => !allowedErrors.some((r) => r.test(e)))).toEqual([]);
  expect(t.external).toEqual([]);
  for (const url of t.requests) expect(url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:'), url).toBe(true);
}

/** Smallest N meeting `target` service level within T seconds under Erlang C (textbook Erlang B recursion). */
function erlangCAgents(calls: number, ahtSeconds: number, intervalSeconds: number, t: number, target: number): number {
  const a = (calls * ahtSeconds) / intervalSeconds;
  for (let n = Math.floor(a) + 1; ; n++) {
    let b = 1;
    for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
    const c = (n * b) / (n - a * (1 - b));
    if (1 - c * Math.exp((-(n - a) * t) / ahtSeconds) >= target) return n;
  }
}

describe('operations overview', () => {
  it('shows the KPIs against targets, draws every chart and follows the queue filter through the URL', async () => {
    const t = await open('/?lang=en');
    const { page } = t;
    await expect.poll(() => text(page.locator('h1'))).toBe('Operations overview');
    expect(await page.locator('.tile').count()).toBe(6);
    await expect.poll(() => text(page.locator('.tile[data-metric="service_level"] .value'))).toBe(pct(expected.serviceLevel));
    await expect.poll(() => text(page.locator('.tile[data-metric="service_level"] .label'))).toBe('Service level (20 s)');

    // One point per day with a service level, the target rule, one bar per channel with touchpoints.
    expect(await marks(page, '#card-trend', 'symbol')).toBe(expected.trendDays);
    expect(await marks(page, '#card-trend', 'rule')).toBe(1);
    expect(await marks(page, '#card-channels', 'rect')).toBe(expected.channels);
    expect(await marks(page, '#card-worst-days', 'rect')).toBeGreaterThan(0);
    expect(await marks(page, '#card-heatmap', 'rect')).toBeGreaterThan(0);
    expect(await marks(page, '#card-hotspots', 'rect')).toBeGreaterThan(0);
    expect(await page.locator('#worst-intervals tbody tr').count()).toBe(Math.min(10, expected.worstIntervals));
    const widths = await page.locator('#card-trend svg.marks').evaluate((svg) => svg.getBoundingClientRect().width);
    expect(widths).toBeGreaterThan(400);
    // Tooltips work under the CSP (vega-tooltip's own inline style is replaced by app.css).
    await page.locator('#card-channels svg.marks g.mark-rect.role-mark > path').first().hover();
    await expect.poll(() => page.locator('#vg-tooltip-element.visible').isVisible()).toBe(true);
    await expect.poll(() => text(page.locator('#vg-tooltip-element'))).toContain('Touchpoints');
    await screenshot(page, 'overview-en');

    // Only q_loan: the service level is q_loan's, the URL says so, and a reload keeps it.
    const before = await rendersSoFar(page);
    await page.locator('#queues summary').click();
    await page.locator('#queues input[value="q_loan"]').check();
    await drawn(page, before + 1);
    await expect.poll(() => text(page.locator('.tile[data-metric="service_level"] .value'))).toBe(pct(expected.serviceLevelLoan));
    expect(expected.serviceLevelLoan).not.toBe(expected.serviceLevel);
    expect(new URL(page.url()).searchParams.get('queue')).toBe('q_loan');
    await page.reload();
    await drawn(page);
    await expect.poll(() => text(page.locator('.tile[data-metric="service_level"] .value'))).toBe(pct(expected.serviceLevelLoan));
    await expect.poll(() => page.locator('#queues input[value="q_loan"]').isChecked()).toBe(true);
    await expect.poll(() => text(page.locator('#queues summary'))).toBe('q_loan');
    clean(t);
  });

  it('speaks Chinese to a Chinese browser, and English on ?lang=en', async () => {
    const zh = await open('/', 'zh-CN');
    await expect.poll(() => text(zh.page.locator('h1'))).toBe('运营总览');
    expect(await zh.page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect.poll(() => text(zh.page.locator('.tile[data-metric="service_level"] .label'))).toBe('服务水平 (20 秒)');
    await expect.poll(() => text(zh.page.locator('#card-trend svg.marks'))).toContain('服务水平');
    await screenshot(zh.page, 'overview-zh');
    clean(zh);
    const en = await open('/?lang=en', 'zh-CN');
    await expect.poll(() => text(en.page.locator('h1'))).toBe('Operations overview');
    clean(en);
  });

  it('shows a clear no-data state for a period without data', async () => {
    const t = await open('/?lang=en&from=2020-01-01&to=2020-01-07');
    for (const id of ['card-trend', 'card-channels', 'card-worst-days', 'card-hotspots', 'card-heatmap', 'card-worst-intervals']) {
      await expect.poll(() => t.page.locator(`#${id}`).getAttribute('data-state')).toBe('empty');
      await expect.poll(() => text(t.page.locator(`#${id} .state`))).toContain('No data for the selected filters');
    }
    await expect.poll(() => text(t.page.locator('.tile[data-metric="service_level"] .value'))).toBe('–');
    await screenshot(t.page, 'overview-no-data');
    clean(t);
  });
});

describe('journeys and breakpoints', () => {
  it('draws the flow and breakpoints, and the node detail changes the transitions', async () => {
    const t = await open('/journeys?lang=en');
    const { page } = t;
    // Each breakpoint type is one bar of three segments (recovered, not recovered, unknown).
    expect(await marks(page, '#card-bp-types', 'rect')).toBe(3 * Math.min(9, expected.breakpointTypes));
    expect(await marks(page, '#card-transitions', 'rect')).toBe(Math.min(15, expected.flowTypeSteps));
    expect(await marks(page, '#card-matrix', 'rect')).toBeGreaterThan(0);
    expect(await marks(page, '#card-fcr', 'rect')).toBeGreaterThan(0);
    expect(await page.locator('#bp-nodes tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => text(page.locator('#card-transitions svg.marks'))).not.toContain('A1');
    await screenshot(page, 'journeys');

    const before = await rendersSoFar(page);
    await page.locator('#level').selectOption('node');
    await drawn(page, before + 1);
    expect(new URL(page.url()).searchParams.get('level')).toBe('node');
    // At node level each agent is its own node, and every distinct step up to 15 is a bar.
    expect(await marks(page, '#card-transitions', 'rect')).toBe(Math.min(15, expected.flowSteps));
    expect(expected.flowSteps).toBeGreaterThan(expected.flowTypeSteps);
    await expect.poll(() => text(page.locator('#card-transitions svg.marks'))).toContain('Agent talk · A1');
    clean(t);
  });
});

describe('workforce', () => {
  it('says the forecast is missing, sizes from history, and a what-if change changes required agents', async () => {
    const t = await open('/workforce?lang=en');
    const { page } = t;
    await expect.poll(() => page.locator('#notice-forecast').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#card-whatif').getAttribute('data-state')).toBe('ready');
    // What-if on the period's history: one interval, staffed by Erlang C at the queue's 80 % in 20 s.
    const at80 = erlangCAgents(expected.whatifCalls, expected.whatifAht, 1800, 20, 0.8);
    const at99 = erlangCAgents(expected.whatifCalls, expected.whatifAht, 1800, 20, 0.99);
    expect(at99).toBeGreaterThan(at80);
    await expect.poll(() => text(page.locator('[data-stat="peak"] .value'))).toBe(String(at80));
    expect(await marks(page, '#card-whatif', 'symbol')).toBeGreaterThan(0);
    expect(await marks(page, '#card-staffing', 'symbol')).toBeGreaterThan(0);

    await page.locator('#sl_target').fill('0.99');
    await expect.poll(() => text(page.locator('[data-stat="peak"] .value'))).toBe(String(at99));
    await expect.poll(() => text(page.locator('#out-sl_target'))).toBe('99%');
    await expect.poll(() => text(page.locator('[data-stat="agent_hours"] .delta'))).toBe(`+${(((at99 - at80) / at80) * 100).toFixed(1)}% vs baseline`);
    await expect.poll(() => new URL(page.url()).searchParams.get('sl_target')).toBe('0.99');
    await screenshot(page, 'workforce');

    // The changed assumption survives a reload.
    await page.reload();
    await drawn(page);
    await expect.poll(() => text(page.locator('[data-stat="peak"] .value'))).toBe(String(at99));
    clean(t);
  });
});

describe('analyst console', () => {
  it('browses the catalog, runs SQL into a table and downloads CSV and Parquet', async () => {
    const t = await open('/console?lang=en');
    const { page } = t;
    expect(await page.locator('#catalog-list button').count()).toBe(expected.catalogTables);
    await page.locator('#search').fill('kpi_daily');
    await page.locator('#catalog-list button[data-table="kpi_daily"]').click();
    await expect.poll(() => text(page.locator('#table-name'))).toBe('kpi_daily');
    expect(await page.locator('#table-columns tbody tr').count()).toBeGreaterThan(20);
    expect(new URL(page.url()).searchParams.get('table')).toBe('kpi_daily');

    const sql = "SELECT queue_id, date, offered FROM kpi_daily WHERE queue_id = 'q_loan' ORDER BY date";
    await page.locator('#sql').fill(sql);
    let before = await rendersSoFar(page);
    await page.locator('#run').click();
    await drawn(page, before + 1);
    expect(await page.locator('#result tbody tr').count()).toBe(expected.loanRows);
    await expect.poll(() => page.locator('#result thead th').allTextContents()).toEqual(['queue_id', 'date', 'offered']);
    expect(new URL(page.url()).searchParams.get('sql')).toBe(sql);
    await screenshot(page, 'console');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('queue_id,date,offered');
    expect(lines).toHaveLength(expected.loanRows + 1);
    const [parquet] = await Promise.all([page.waitForEvent('download'), page.locator('#download-parquet').click()]);
    const bytes = readFileSync((await parquet.path())!);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');

    // A statement that is not a SELECT is refused with the reason, shown to the analyst.
    await page.locator('#sql').fill('DELETE FROM kpi_daily');
    before = await rendersSoFar(page);
    await page.locator('#run').click();
    await drawn(page, before + 1);
    await expect.poll(() => page.locator('#sql-error').isVisible()).toBe(true);
    expect((await page.locator('#sql-error').textContent())!.length).toBeGreaterThan(5);
    clean(t, [/status of 400/]);
  });
});
