/**
 * The schedule from the marts: required agents of one ISO week from fct_staffing (Erlang C) → shifts, breaks and
 * roster (workforce/schedule) → fct_schedule (agent activity segments) and fct_coverage (queue × interval:
 * required, scheduled, gap, and the service level the scheduled agents give under Erlang C and Erlang A).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, queryRows } from '../core/db.ts';
import { UserError } from '../core/errors.ts';
import { buildSchedule, type AgentInput, type Rules, type ScheduleSummary } from './schedule/index.ts';
import { erlangCMetrics, trafficIntensity } from './erlang.ts';
import { erlangAMetrics } from './erlangA.ts';

/** Monday and the following Monday of an ISO week `YYYY-Www`. */
export function isoWeekRange(week: string): { from: string; to: string } {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new UserError(`--week: expected YYYY-Www (e.g. 2026-W49), got "${week}"`);
  const year = Number(m[1]);
  const w = Number(m[2]);
  if (w < 1 || w > 53) throw new UserError(`--week: week ${w} does not exist`);
  // ISO week 1 holds 4 January; its Monday starts the year's first week.
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  const from = monday1 + (w - 1) * 7 * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(from), to: iso(from + 7 * 86_400_000) };
}

interface StaffingRow {
  queue_id: string;
  interval_start: string;
  agents_erlang_c: number;
  calls: number;
  aht_seconds: number;
  sl_seconds: number;
  patience_seconds: number | null;
}

export interface SchedulePlanResult {
  summary: ScheduleSummary;
  segments: number;
  intervals: number;
}

export async function scheduleFromMarts(
  conn: DuckDBConnection,
  opts: { week: string; intervalMinutes: number; rules?: Rules; agents?: readonly AgentInput[]; timeLimitSeconds?: number },
): Promise<SchedulePlanResult> {
  const { from, to } = isoWeekRange(opts.week);
  const hasStaffing = await queryRows(conn, `SELECT 1 FROM information_schema.tables WHERE table_name = 'fct_staffing' AND table_schema = 'main'`);
  if (hasStaffing.length === 0) throw new UserError('the database has no fct_staffing: run `ccmart forecast --db FILE` first');
  const staffing = await queryRows<StaffingRow>(
    conn,
    `SELECT queue_id, strftime(interval_start, '%Y-%m-%dT%H:%M') AS interval_start, agents_erlang_c, calls, aht_seconds, sl_seconds, patience_seconds
     FROM fct_staffing WHERE interval_start >= $from::TIMESTAMP AND interval_start < $to::TIMESTAMP ORDER BY queue_id, interval_start`,
    { from, to },
  );
  if (staffing.length === 0) {
    const range = await queryRows<{ first: string; last: string }>(conn, `SELECT strftime(min(interval_start), '%G-W%V') AS first, strftime(max(interval_start), '%G-W%V') AS last FROM fct_staffing`);
    throw new UserError(`--week: fct_staffing has no intervals in ${opts.week} (${from} to ${to}); it covers ${range[0]?.first ?? '?'} to ${range[0]?.last ?? '?'}`);
  }
  const result = await buildSchedule({
    requirements: staffing.map((s) => ({ queue: s.queue_id, intervalStart: s.interval_start, required: s.agents_erlang_c })),
    rules: opts.rules,
    agents: opts.agents,
    intervalMinutes: opts.intervalMinutes,
    timeLimitSeconds: opts.timeLimitSeconds,
    sources: { requirements: 'fct_staffing' },
  });
  const byKey = new Map(staffing.map((s) => [`${s.queue_id}|${s.interval_start}`, s]));

  await exec(conn, 'BEGIN TRANSACTION');
  try {
    await exec(conn, `CREATE OR REPLACE TABLE main.fct_schedule (week VARCHAR, agent_id VARCHAR, agent_name VARCHAR, queue_id VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, activity VARCHAR, date DATE)`);
    const sa = await conn.createAppender('fct_schedule');
    for (const s of result.segments) {
      sa.appendVarchar(opts.week);
      sa.appendVarchar(s.agentId);
      sa.appendVarchar(s.agentName);
      if (s.queue) sa.appendVarchar(s.queue);
      else sa.appendNull();
      sa.appendVarchar(s.start.replace('T', ' '));
      sa.appendVarchar(s.end.replace('T', ' '));
      sa.appendVarchar(s.activity);
      sa.appendVarchar(s.start.slice(0, 10));
      sa.endRow();
    }
    sa.closeSync();
    await exec(
      conn,
      `CREATE OR REPLACE TABLE main.fct_coverage (week VARCHAR, queue_id VARCHAR, interval_start TIMESTAMP, date DATE, required INTEGER, scheduled INTEGER, gap INTEGER,
         service_level_erlang_c DOUBLE, service_level_erlang_a DOUBLE, abandon_erlang_a DOUBLE)`,
    );
    const ca = await conn.createAppender('fct_coverage');
    for (const c of result.coverage) {
      const s = byKey.get(`${c.queue}|${c.intervalStart}`);
      const erlangs = s && s.calls > 0 && s.aht_seconds > 0 ? trafficIntensity(s.calls, s.aht_seconds, opts.intervalMinutes * 60) : 0;
      let slC: number | null = null;
      let slA: number | null = null;
      let abandonA: number | null = null;
      if (s && erlangs > 0 && c.scheduled > 0) {
        slC = erlangCMetrics(c.scheduled, erlangs, s.aht_seconds, s.sl_seconds).serviceLevel;
        if (s.patience_seconds) {
          const a = erlangAMetrics({ agents: c.scheduled, erlangs, ahtSeconds: s.aht_seconds, patienceSeconds: s.patience_seconds }, { serviceLevelSeconds: s.sl_seconds });
          slA = a.serviceLevel;
          abandonA = a.pAbandon;
        }
      } else if (erlangs > 0) {
        slC = 0;
      }
      ca.appendVarchar(opts.week);
      ca.appendVarchar(c.queue);
      ca.appendVarchar(c.intervalStart.replace('T', ' '));
      ca.appendVarchar(c.intervalStart.slice(0, 10));
      ca.appendInteger(c.required);
      ca.appendInteger(c.scheduled);
      ca.appendInteger(c.scheduled - c.required);
      for (const v of [slC, slA, abandonA]) {
        if (v === null || !Number.isFinite(v)) ca.appendNull();
        else ca.appendDouble(v);
      }
      ca.endRow();
    }
    ca.closeSync();
    await exec(conn, 'COMMIT');
  } catch (err) {
    await exec(conn, 'ROLLBACK').catch(() => {});
    throw err;
  }
  return { summary: result.summary, segments: result.segments.length, intervals: result.coverage.length };
}
