/**
 * The schedule on the Workforce page in headless Chromium: with fct_schedule and fct_coverage in the database
 * the coverage chart and the one-day Gantt draw (a bar per segment of that day, counted here in SQL); without
 * them both cards say there is no schedule. The tables are written here as `ccmart schedule` lays them out.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { exec, openDatabase, queryOne } from '../../core/db.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { buildFixtureDb, drawn, launchChromium, marks, rendersSoFar, screenshot, trackedPage, type Tracked } from './harness.ts';

let dir: string;
let withSchedule: RunningServer;
let without: RunningServer;
let browser: Browser;
const opened: Tracked[] = [];
const segmentsPerDay = new Map<string, number>();
let intervals = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-browser-schedule-'));
  const plainPath = join(dir, 'plain.duckdb');
  const dbPath = join(dir, 'scheduled.duckdb');
  await buildFixtureDb(plainPath);
  copyFileSync(plainPath, dbPath);
  const db = await openDatabase(dbPath);
  try {
    await exec(db.conn, `CREATE TABLE main.fct_schedule (week VARCHAR, agent_id VARCHAR, agent_name VARCHAR, queue_id VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, activity VARCHAR, date DATE)`);
    // Eight agents on 16 March, three on 17 March: work, a break, work, lunch, work; starts staggered by agent.
    await exec(
      db.conn,
      `INSERT INTO main.fct_schedule
       SELECT '2026-W12', 'A' || a, 'Agent ' || a, CASE WHEN activity = 'work' THEN CASE WHEN a % 2 = 0 THEN 'q_card' ELSE 'q_loan' END END,
              d + start_m * INTERVAL 1 MINUTE + (a * 15) * INTERVAL 1 MINUTE, d + end_m * INTERVAL 1 MINUTE + (a * 15) * INTERVAL 1 MINUTE, activity, d::DATE
       FROM (VALUES (TIMESTAMP '2026-03-16 00:00:00', 8), (TIMESTAMP '2026-03-17 00:00:00', 3)) days(d, n),
            range(1, 9) r(a),
            (VALUES (480, 600, 'work'), (600, 615, 'break'), (615, 720, 'work'), (720, 780, 'lunch'), (780, 960, 'work')) s(start_m, end_m, activity)
       WHERE a <= n`,
    );
    await exec(
      db.conn,
      `CREATE TABLE main.fct_coverage (week VARCHAR, queue_id VARCHAR, interval_start TIMESTAMP, date DATE, required INTEGER, scheduled INTEGER, gap INTEGER,
         service_level_erlang_c DOUBLE, service_level_erlang_a DOUBLE, abandon_erlang_a DOUBLE)`,
    );
    await exec(
      db.conn,
      `INSERT INTO main.fct_coverage
       SELECT '2026-W12', q, t, t::DATE, 3, 2 + (hour(t) % 3), (2 + (hour(t) % 3)) - 3, 0.8, 0.82, 0.03
       FROM (VALUES ('q_card'), ('q_loan')) qs(q),
            (SELECT unnest(generate_series(TIMESTAMP '2026-03-16 08:00:00', TIMESTAMP '2026-03-17 17:30:00', INTERVAL 30 MINUTE)) AS t)
       WHERE hour(t) BETWEEN 8 AND 17`,
    );
    for (const day of ['2026-03-16', '2026-03-17']) {
      segmentsPerDay.set(day, Number((await queryOne(db.conn, `SELECT count(*) AS n FROM fct_schedule WHERE date = DATE '${day}'`))!.n));
    }
    intervals = Number((await queryOne(db.conn, `SELECT count(DISTINCT interval_start) AS n FROM fct_coverage`))!.n);
  } finally {
    db.close();
  }
  [withSchedule, without] = await Promise.all([
    startServer({ dbPath, host: '127.0.0.1', port: 0 }),
    startServer({ dbPath: plainPath, host: '127.0.0.1', port: 0 }),
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([withSchedule?.close(), without?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const t of opened.splice(0)) await t.context.close();
});

async function open(server: RunningServer, path: string): Promise<Tracked> {
  const t = await trackedPage(browser);
  opened.push(t);
  await t.page.goto(server.url.replace(/\/$/, '') + path);
  await drawn(t.page);
  return t;
}

describe('workforce: schedule', () => {
  it('draws coverage and a Gantt bar per segment of the chosen day', async () => {
    const t = await open(withSchedule, '/workforce?lang=en&from=2026-03-16&to=2026-03-17');
    const { page } = t;
    expect(await page.locator('#notice-schedule').isVisible()).toBe(false);
    await expect.poll(() => page.locator('#card-schedule').getAttribute('data-state')).toBe('ready');
    expect(segmentsPerDay.get('2026-03-16')).toBe(8 * 5);
    expect(await marks(page, '#card-schedule', 'rect')).toBe(segmentsPerDay.get('2026-03-16'));
    expect(await page.locator('#card-schedule').getAttribute('data-agents')).toBe('8');
    expect(await page.locator('#card-coverage').getAttribute('data-intervals')).toBe(String(intervals));
    expect(await marks(page, '#card-coverage', 'line')).toBeGreaterThan(0);
    expect(await page.locator('#schedule-day option').allTextContents()).toEqual(['2026-03-16', '2026-03-17']);
    await screenshot(page, 'workforce-schedule');

    const before = await rendersSoFar(page);
    await page.locator('#schedule-day').selectOption('2026-03-17');
    await drawn(page, before + 1);
    await expect.poll(() => marks(page, '#card-schedule', 'rect')).toBe(segmentsPerDay.get('2026-03-17'));
    expect(new URL(page.url()).searchParams.get('day')).toBe('2026-03-17');
    expect(t.errors).toEqual([]);
    expect(t.external).toEqual([]);
  });

  it('says there is no schedule when the tables are missing', async () => {
    const t = await open(without, '/workforce?lang=en&from=2026-03-16&to=2026-03-17');
    const { page } = t;
    await expect.poll(() => page.locator('#notice-schedule').isVisible()).toBe(true);
    for (const card of ['#card-coverage', '#card-schedule']) {
      await expect.poll(() => page.locator(card).getAttribute('data-state')).toBe('empty');
      expect(await page.locator(`${card} .state strong`).textContent()).toBe('The database holds no schedule yet (run ccmart schedule).');
      expect(await marks(page, card, 'rect')).toBe(0);
    }
    expect(t.errors).toEqual([]);
  });
});
