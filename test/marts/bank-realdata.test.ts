/**
 * The real "Anonymous Bank" call log (Jan–Mar 1999) through the technion format, the marts and the workforce
 * plan. Expected numbers are tallied in this file straight from the tab-separated source, independently of the
 * adapter and the SQL models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, queryRows, type Database } from '../../core/db.ts';
import { ingestPath } from '../../pipelines/ingest.ts';
import { buildMarts } from '../../marts/build.ts';
import { loadConfig } from '../../core/config.ts';
import { planFromMarts } from '../../workforce/plan.ts';
import { scheduleFromMarts } from '../../workforce/schedulePlan.ts';

const bankDir = fileURLToPath(new URL('../../../shared/realdata/acd-anonymous-bank-1999/', import.meta.url));
const files = ['01_January.txt', '02_February.txt', '03_March.txt'];
const config = loadConfig(undefined, { timezone: 'Asia/Jerusalem' });

interface DayTally {
  calls: number;
  offered: number;
  answered: number;
  abandoned: number;
  waitAnswered: number;
}

/** Per-day tallies from the raw file, skipping the lines the pipeline rejected (they are checked separately). */
function tally(rejected: Map<string, Set<number>>): Map<string, DayTally> {
  const days = new Map<string, DayTally>();
  for (const f of files) {
    const skip = rejected.get(f) ?? new Set<number>();
    const lines = readFileSync(join(bankDir, f), 'utf8').split(/\r?\n/);
    const header = lines[0]!.split('\t').map((h) => h.trim());
    const col = (name: string) => header.indexOf(name);
    const [iDate, iVruEntry, iQStart, iQTime, iOutcome, iSerStart] = [col('date'), col('vru_entry'), col('q_start'), col('q_time'), col('outcome'), col('ser_start')];
    const seconds = (hms: string) => {
      const [h, m, s] = hms.split(':').map(Number) as [number, number, number];
      return h * 3600 + m * 60 + s;
    };
    for (let i = 1; i < lines.length; i++) {
      if (lines[i]!.trim() === '' || skip.has(i + 1)) continue;
      const c = lines[i]!.split('\t').map((x) => x.trim());
      const d = c[iDate]!;
      const date = `19${d.slice(0, 2)}-${d.slice(2, 4)}-${d.slice(4, 6)}`;
      const day = (key: string) => {
        if (!days.has(key)) days.set(key, { calls: 0, offered: 0, answered: 0, abandoned: 0, waitAnswered: 0 });
        return days.get(key)!;
      };
      day(date).calls++;
      // q_start 0:00:00 means "never queued", except for a call that queued at midnight exactly (it then has a queue time)
      const queued = (c[iQStart] !== '0:00:00' || Number(c[iQTime]) > 0) && c[iOutcome] !== 'PHANTOM';
      if (queued) {
        // queue KPIs count a call on the day it entered the queue: the next day when it queued after midnight
        const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const t = day(seconds(c[iVruEntry]!) - seconds(c[iQStart]!) > 43_200 ? next : date);
        t.offered++;
        if (c[iOutcome] === 'AGENT') {
          t.answered++;
          // wait = service start − queue entry (a call crossing midnight wraps)
          const w = seconds(c[iSerStart]!) - seconds(c[iQStart]!);
          t.waitAnswered += w < 0 ? w + 86_400 : w;
        } else t.abandoned++;
      }
    }
  }
  return days;
}

let dir: string;
let db: Database;
let expected: Map<string, DayTally>;
let rejectedTotal = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-bank-'));
  db = await openDatabase(join(dir, 'bank.duckdb'));
  for (const f of files) await ingestPath(db.conn, join(bankDir, f), { format: 'technion', timezone: config.timezone, dayFirst: false });
  const build = await buildMarts(db.conn, config);
  expect(build.failedModel).toBeUndefined();
  await planFromMarts(db.conn, config, { horizonDays: 7, holdoutDays: 7, defaultShrinkage: 0.3 });
  const rejected = await queryRows<{ file: string; line: number }>(db.conn, `SELECT file, line FROM rejected_rows`);
  rejectedTotal = rejected.length;
  const byFile = new Map<string, Set<number>>();
  for (const r of rejected) {
    const name = r.file.split('/').pop()!;
    if (!byFile.has(name)) byFile.set(name, new Set());
    byFile.get(name)!.add(r.line);
  }
  expected = tally(byFile);
}, 300_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Anonymous Bank log through the marts', () => {
  it('rejects under 2% of the calls, each with a reason', async () => {
    expect(rejectedTotal).toBeLessThan(103_744 * 0.02);
    const unexplained = await queryRows(db.conn, `SELECT * FROM rejected_rows WHERE reason IS NULL OR reason = ''`);
    expect(unexplained).toEqual([]);
  });

  it('has one fct_touchpoint row per loaded call, started in local time', async () => {
    const days = await queryRows<{ date: string; n: number; first: string }>(
      db.conn,
      `SELECT strftime(date, '%Y-%m-%d') AS date, count(*) AS n, strftime(min(started_at), '%H:%M:%S') AS first FROM fct_touchpoint GROUP BY 1 ORDER BY 1`,
    );
    expect(days.length).toBe(expected.size);
    for (const d of days) expect(d.n).toBe(expected.get(d.date)!.calls);
    const total = [...expected.values()].reduce((a, t) => a + t.calls, 0);
    expect(total + rejectedTotal).toBe(103_744);
    // The first call of 1 January 1999 in the file is at 0:00:31 local (VRU entry), not shifted to UTC.
    const jan1 = await queryRows<{ t: string }>(db.conn, `SELECT strftime(min(started_at), '%Y-%m-%d %H:%M:%S') AS t FROM fct_touchpoint WHERE date = DATE '1999-01-01'`);
    expect(jan1[0]!.t.startsWith('1999-01-01 ')).toBe(true);
  });

  it('kpi_daily offered, answered, abandoned and ASA equal the tallies of the raw file, day by day', async () => {
    const rows = await queryRows<{ date: string; offered: number; answered: number; abandoned: number; asa: number | null }>(
      db.conn,
      `SELECT strftime(date, '%Y-%m-%d') AS date, sum(offered) AS offered, sum(answered) AS answered, sum(abandoned) AS abandoned,
              sum(wait_answered_seconds) / nullif(sum(answered), 0) AS asa
       FROM kpi_daily GROUP BY 1 HAVING sum(offered) > 0 ORDER BY 1`,
    );
    const withOffers = [...expected].filter(([, t]) => t.offered > 0);
    expect(rows.length).toBe(withOffers.length);
    for (const r of rows) {
      const t = expected.get(r.date)!;
      expect({ date: r.date, offered: r.offered, answered: r.answered, abandoned: r.abandoned }).toEqual({ date: r.date, offered: t.offered, answered: t.answered, abandoned: t.abandoned });
      expect(r.asa).toBeCloseTo(t.waitAnswered / t.answered, 6);
    }
  });

  it('forecasts and staffs every queue with history for the next 7 days', async () => {
    const f = await queryRows<{ queue_id: string; days: number; negative: number }>(
      db.conn,
      `SELECT queue_id, count(DISTINCT date) AS days, count(*) FILTER (WHERE volume_forecast < 0 OR volume_lower > volume_forecast OR volume_upper < volume_forecast) AS negative
       FROM fct_forecast GROUP BY 1`,
    );
    expect(f.length).toBeGreaterThanOrEqual(5);
    for (const q of f) expect(q).toMatchObject({ days: expect.any(Number), negative: 0 });
    // Every staffed interval with calls meets its service-level target under Erlang C, and Erlang C needs more agents than the traffic.
    const bad = await queryRows(
      db.conn,
      `SELECT * FROM fct_staffing WHERE calls > 0.5 AND (service_level_expected < sl_target OR agents_erlang_c <= erlangs OR fte < agents_erlang_c)`,
    );
    expect(bad).toEqual([]);
    // The holdout actuals are the offered contacts of kpi_interval.
    const mismatch = await queryRows(
      db.conn,
      `SELECT a.* FROM fct_forecast_accuracy a LEFT JOIN kpi_interval k USING (queue_id, interval_start)
       WHERE a.volume_actual <> coalesce(k.offered, 0)`,
    );
    expect(mismatch).toEqual([]);
  });

  it('schedules the forecast week from fct_staffing: coverage counts the rostered agents at work', async () => {
    const [{ week }] = await queryRows<{ week: string }>(db.conn, `SELECT strftime(max(interval_start), '%G-W%V') AS week FROM fct_staffing`) as [{ week: string }];
    const r = await scheduleFromMarts(db.conn, { week, intervalMinutes: config.intervalMinutes, timeLimitSeconds: 20 });
    expect(r.segments).toBeGreaterThan(0);
    // required = the Erlang C agents of fct_staffing
    const req = await queryRows(
      db.conn,
      `SELECT c.* FROM fct_coverage c JOIN fct_staffing s USING (queue_id, interval_start) WHERE c.required <> s.agents_erlang_c`,
    );
    expect(req).toEqual([]);
    // scheduled ≤ agents whose work segment on the queue overlaps the interval (coverage takes the fewest at any moment)
    const over = await queryRows(
      db.conn,
      `SELECT c.queue_id, c.interval_start, c.scheduled, count(w.agent_id) AS working
       FROM fct_coverage c LEFT JOIN fct_schedule w
         ON w.activity = 'work' AND w.queue_id = c.queue_id AND w.start_at < c.interval_start + INTERVAL 30 MINUTE AND w.end_at > c.interval_start
       GROUP BY ALL HAVING c.scheduled > count(w.agent_id)`,
    );
    expect(over).toEqual([]);
    // no agent is in two places at once
    const overlaps = await queryRows(
      db.conn,
      `SELECT a.agent_id FROM fct_schedule a JOIN fct_schedule b ON a.agent_id = b.agent_id AND a.start_at < b.end_at AND b.start_at < a.end_at AND (a.start_at, a.activity, a.queue_id) IS DISTINCT FROM (b.start_at, b.activity, b.queue_id) LIMIT 5`,
    );
    expect(overlaps).toEqual([]);
  });
});
