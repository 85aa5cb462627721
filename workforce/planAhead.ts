/**
 * The planning that follows a build: forecast and staff every queue for the next days, then schedule the first
 * whole ISO week of the forecast. `ccmart demo` and `ccmart refresh --plan` run it on the freshly built marts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../core/config.ts';
import { queryOne } from '../core/db.ts';
import { MIN_HISTORY_DAYS, planFromMarts } from './plan.ts';
import { scheduleFromMarts } from './schedulePlan.ts';

export interface PlanAheadOptions {
  horizonDays?: number;
  /** Days of history in the marts; planning needs MIN_HISTORY_DAYS. */
  historyDays: number;
  log: (message: string) => void;
  /** Called before each of the two steps, for progress headings. */
  step?: (name: 'forecast' | 'schedule', detail: string) => void;
}

export async function planAhead(conn: DuckDBConnection, config: Config, opts: PlanAheadOptions): Promise<void> {
  const { log } = opts;
  const horizonDays = opts.horizonDays ?? 14;
  opts.step?.('forecast', `forecasting and staffing the next ${horizonDays} days`);
  if (opts.historyDays < MIN_HISTORY_DAYS) {
    log(`  skipped: ${opts.historyDays} days of history, ${MIN_HISTORY_DAYS} needed`);
    return;
  }
  const plan = await planFromMarts(conn, config, { horizonDays, holdoutDays: 7, defaultShrinkage: 0.3, log });
  for (const s of plan.skipped) log(`  ${s.queue_id}: skipped (${s.reason})`);

  // the first whole ISO week of the forecast
  const week = (await queryOne<{ week: string }>(conn, `SELECT strftime(min(interval_start) + INTERVAL 6 DAY, '%G-W%V') AS week FROM fct_staffing`))?.week;
  opts.step?.('schedule', `scheduling shifts and breaks for ${week ?? 'no week (no staffing)'}`);
  if (!week) return;
  const r = await scheduleFromMarts(conn, { week, intervalMinutes: config.intervalMinutes, timeLimitSeconds: 20 });
  const s = r.summary;
  log(
    `  ${s.paidHours.toFixed(0)} paid hours for ${s.requiredAgentHours.toFixed(0)} required agent-hours, ${r.segments} segments; short ${s.shortAgentHours.toFixed(0)} agent-hours in ${s.shortIntervals.length} intervals`,
  );
}

/** Days between the first and last touchpoint in the marts (what the forecast can learn from). */
export async function historyDays(conn: DuckDBConnection): Promise<number> {
  const r = await queryOne<{ days: number | null }>(conn, `SELECT (max(started_at)::DATE - min(started_at)::DATE + 1)::INTEGER AS days FROM fct_touchpoint`);
  return Number(r?.days ?? 0);
}
