/**
 * The workforce plan from the marts: per queue, forecast interval volume and AHT from kpi_interval's history
 * (workforce/forecast), size staffing under Erlang C and Erlang A (workforce/erlang*.ts) with the queue's
 * targets, the observed patience and shrinkage, and write fct_forecast, fct_staffing and fct_forecast_accuracy
 * in one transaction.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, queryRows } from '../core/db.ts';
import type { Config } from '../core/config.ts';
import { forecastSeries, type CalendarEntry, type ForecastResult } from './forecast/index.ts';
import { erlangCMetrics, requiredAgents, trafficIntensity } from './erlang.ts';
import { erlangAMetrics, patienceFromData, requiredAgentsErlangA } from './erlangA.ts';

export interface PlanOptions {
  horizonDays: number;
  /** Days held out at the end of the history to measure the forecast against actuals (0 = none). */
  holdoutDays: number;
  /** Shrinkage used when the data has no agent states for the queue. */
  defaultShrinkage: number;
  log?: (m: string) => void;
}

interface QueueRow {
  queue_id: string;
  sl_target: number | null;
  sl_threshold_seconds: number;
  abandon_target: number | null;
  asa_target_seconds: number | null;
  offered: number;
  abandoned: number;
  wait_seconds: number;
  shrinkage: number | null;
  days: number;
  mean_aht_seconds: number | null;
}

interface HistoryRow {
  queue_id: string;
  interval_start: Date;
  offered: number;
  aht_seconds: number | null;
}

const DAY_MS = 86_400_000;

/** Minimum history for a forecast: two full weeks. */
export const MIN_HISTORY_DAYS = 14;

export interface StaffingRow {
  queue_id: string;
  interval_start: string;
  calls: number;
  aht_seconds: number;
  erlangs: number;
  agents_erlang_c: number;
  agents_erlang_a: number;
  fte: number;
  service_level_expected: number | null;
  asa_expected_seconds: number | null;
  abandon_expected: number | null;
  occupancy_expected: number | null;
  shrinkage: number;
  sl_target: number;
  sl_seconds: number;
  patience_seconds: number | null;
}

export interface IntervalStaffingInput {
  queue_id: string;
  interval_start: string;
  calls: number;
  aht_seconds: number;
}

export interface StaffingPolicy {
  intervalMinutes: number;
  slTarget: number;
  slSeconds: number;
  shrinkage: number;
  patienceSeconds: number | null;
  maxAbandon: number | null;
  asaSeconds?: number | null;
  maxOccupancy?: number | null;
}

/** Staffing of one interval under Erlang C and, with a patience, Erlang A. */
export function staffInterval(input: IntervalStaffingInput, policy: StaffingPolicy): StaffingRow {
  const calls = Math.max(0, input.calls);
  const aht = input.aht_seconds > 0 ? input.aht_seconds : 1;
  const erlangs = trafficIntensity(calls, aht, policy.intervalMinutes * 60);
  const targets = {
    serviceLevel: policy.slTarget,
    serviceLevelSeconds: policy.slSeconds,
    asaSeconds: policy.asaSeconds ?? undefined,
    maxOccupancy: policy.maxOccupancy ?? undefined,
  };
  const agentsC = requiredAgents(erlangs, aht, targets);
  const c = agentsC > 0 ? erlangCMetrics(agentsC, erlangs, aht, policy.slSeconds) : null;
  let agentsA = agentsC;
  let abandon: number | null = null;
  if (policy.patienceSeconds && erlangs > 0) {
    agentsA = requiredAgentsErlangA(
      { erlangs, ahtSeconds: aht, patienceSeconds: policy.patienceSeconds },
      { ...targets, maxAbandonRate: policy.maxAbandon ?? undefined },
    );
    abandon = erlangAMetrics({ agents: Math.max(agentsA, 1), erlangs, ahtSeconds: aht, patienceSeconds: policy.patienceSeconds }, { serviceLevelSeconds: policy.slSeconds }).pAbandon;
  }
  return {
    queue_id: input.queue_id,
    interval_start: input.interval_start,
    calls,
    aht_seconds: aht,
    erlangs,
    agents_erlang_c: agentsC,
    agents_erlang_a: agentsA,
    fte: agentsC / (1 - policy.shrinkage),
    service_level_expected: c ? c.serviceLevel : null,
    asa_expected_seconds: c ? c.asa : null,
    abandon_expected: abandon,
    occupancy_expected: c ? c.occupancy : null,
    shrinkage: policy.shrinkage,
    sl_target: policy.slTarget,
    sl_seconds: policy.slSeconds,
    patience_seconds: policy.patienceSeconds,
  };
}

/** An AHT forecast that can size staffing: positive and finite, else null. */
function usableAht(aht: number | undefined): number | null {
  return aht !== undefined && Number.isFinite(aht) && aht > 0 ? aht : null;
}

function wallClock(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Dense history (zeros where the queue had no contact) on the interval grid between its first and last day. */
function denseSeries(rows: HistoryRow[], intervalMinutes: number, untilMs: number) {
  const step = intervalMinutes * 60_000;
  const byStart = new Map(rows.map((r) => [r.interval_start.getTime(), r]));
  const first = Math.floor(rows[0]!.interval_start.getTime() / DAY_MS) * DAY_MS;
  const timestamps: number[] = [];
  const volumes: number[] = [];
  const ahts: (number | null)[] = [];
  for (let t = first; t < untilMs; t += step) {
    const r = byStart.get(t);
    timestamps.push(t);
    volumes.push(r?.offered ?? 0);
    ahts.push(r?.aht_seconds ?? null);
  }
  return { timestamps, volumes, ahts };
}

export interface PlanResult {
  queues: { queue_id: string; model: string; wape: number | null; mase: number | null; intervals: number }[];
  skipped: { queue_id: string; reason: string }[];
}

export async function planFromMarts(conn: DuckDBConnection, config: Config, opts: PlanOptions): Promise<PlanResult> {
  const log = opts.log ?? (() => {});
  const intervalMinutes = config.intervalMinutes;
  const queues = await queryRows<QueueRow>(
    conn,
    `SELECT q.queue_id, q.sl_target, q.sl_threshold_seconds, q.abandon_target, q.asa_target_seconds,
            sum(k.offered) AS offered, sum(k.abandoned) AS abandoned,
            sum(k.wait_answered_seconds + k.wait_abandoned_seconds) AS wait_seconds,
            (sum(k.logged_in_seconds) - sum(k.ready_seconds) - sum(k.state_handle_seconds)) / nullif(sum(k.logged_in_seconds), 0) AS shrinkage,
            count(DISTINCT k.date) AS days,
            sum(k.handle_seconds) / nullif(sum(k.handled), 0) AS mean_aht_seconds
     FROM kpi_interval k JOIN dim_queue q USING (queue_id)
     WHERE k.queue_id <> 'none'
     GROUP BY ALL HAVING sum(k.offered) > 0 ORDER BY q.queue_id`,
  );
  const calendar = (await queryRows<{ date: Date; kind: string; name: string; factor: number | null }>(conn, `SELECT date::DATE AS date, kind, name, factor FROM seed_calendar`)).map(
    (c): CalendarEntry => ({ date: c.date.toISOString().slice(0, 10), kind: c.kind === 'holiday' ? 'holiday' : 'special', name: c.name, factor: c.factor ?? undefined }),
  );
  const forecasts: { queue: QueueRow; result: ForecastResult }[] = [];
  const accuracy: { queue_id: string; interval_start: string; volume_forecast: number; volume_actual: number }[] = [];
  const skipped: PlanResult['skipped'] = [];
  for (const q of queues) {
    const history = await queryRows<HistoryRow>(
      conn,
      `SELECT queue_id, interval_start, offered, aht_seconds FROM kpi_interval WHERE queue_id = $q ORDER BY interval_start`,
      { q: q.queue_id },
    );
    const lastDayEnd = Math.floor(history[history.length - 1]!.interval_start.getTime() / DAY_MS + 1) * DAY_MS;
    const firstDay = Math.floor(history[0]!.interval_start.getTime() / DAY_MS) * DAY_MS;
    const days = (lastDayEnd - firstDay) / DAY_MS;
    if (days < MIN_HISTORY_DAYS) {
      skipped.push({ queue_id: q.queue_id, reason: `${days} days of history, ${MIN_HISTORY_DAYS} needed` });
      continue;
    }
    const t = performance.now();
    const series = denseSeries(history, intervalMinutes, lastDayEnd);
    const result = forecastSeries(series, { intervalMinutes, horizonDays: opts.horizonDays, calendar });
    forecasts.push({ queue: q, result });
    // Forecast vs actual: the last holdoutDays forecast from the history before them.
    if (opts.holdoutDays > 0 && days - opts.holdoutDays >= MIN_HISTORY_DAYS) {
      const cut = lastDayEnd - opts.holdoutDays * DAY_MS;
      const train = denseSeries(history.filter((h) => h.interval_start.getTime() < cut), intervalMinutes, cut);
      const held = forecastSeries(train, { intervalMinutes, horizonDays: opts.holdoutDays, calendar });
      const actual = new Map(series.timestamps.map((ts, i) => [ts, series.volumes[i]!]));
      for (const f of held.intervals) {
        accuracy.push({ queue_id: q.queue_id, interval_start: wallClock(f.start), volume_forecast: f.forecast, volume_actual: actual.get(f.start) ?? 0 });
      }
    }
    const acc = result.volume.accuracy;
    log(`  ${q.queue_id.padEnd(16)} ${result.volume.name.padEnd(22)} WAPE ${acc ? (acc.wape * 100).toFixed(1) + '%' : 'n/a'}  MASE ${acc ? acc.mase.toFixed(2) : 'n/a'}  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }

  const staffing: StaffingRow[] = [];
  for (const { queue: q, result } of forecasts) {
    const policy: StaffingPolicy = {
      intervalMinutes,
      slTarget: q.sl_target ?? 0.8,
      slSeconds: q.sl_threshold_seconds,
      shrinkage: q.shrinkage !== null && q.shrinkage >= 0 && q.shrinkage < 0.9 ? q.shrinkage : opts.defaultShrinkage,
      patienceSeconds: q.abandoned > 0 && q.wait_seconds > 0 ? patienceFromData(q.abandoned, q.wait_seconds) : null,
      maxAbandon: q.abandon_target,
    };
    for (const f of result.intervals) {
      // an interval without a usable AHT forecast (no history of handled contacts there) takes the queue's mean AHT
      const aht = usableAht(f.ahtForecast) ?? q.mean_aht_seconds ?? 0;
      staffing.push(staffInterval({ queue_id: q.queue_id, interval_start: wallClock(f.start), calls: f.forecast, aht_seconds: aht }, policy));
    }
  }
  await writePlan(conn, forecasts, staffing, accuracy, intervalMinutes);
  return {
    queues: forecasts.map(({ queue, result }) => ({
      queue_id: queue.queue_id,
      model: result.volume.name,
      wape: result.volume.accuracy?.wape ?? null,
      mase: result.volume.accuracy?.mase ?? null,
      intervals: result.intervals.length,
    })),
    skipped,
  };
}

async function writePlan(
  conn: DuckDBConnection,
  forecasts: { queue: QueueRow; result: ForecastResult }[],
  staffing: StaffingRow[],
  accuracy: { queue_id: string; interval_start: string; volume_forecast: number; volume_actual: number }[],
  intervalMinutes: number,
): Promise<void> {
  await exec(conn, 'BEGIN TRANSACTION');
  try {
    await exec(
      conn,
      `CREATE OR REPLACE TABLE main.fct_forecast (queue_id VARCHAR, interval_start TIMESTAMP, date DATE, interval_minutes INTEGER,
         volume_forecast DOUBLE, volume_lower DOUBLE, volume_upper DOUBLE, aht_forecast_seconds DOUBLE, model VARCHAR, aht_model VARCHAR,
         backtest_wape DOUBLE, backtest_mase DOUBLE, generated_at TIMESTAMP)`,
    );
    const fa = await conn.createAppender('fct_forecast');
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    for (const { queue, result } of forecasts) {
      for (const f of result.intervals) {
        const start = wallClock(f.start);
        fa.appendVarchar(queue.queue_id);
        fa.appendVarchar(start);
        fa.appendVarchar(start.slice(0, 10));
        fa.appendInteger(intervalMinutes);
        fa.appendDouble(f.forecast);
        fa.appendDouble(f.lower);
        fa.appendDouble(f.upper);
        appendNumber(fa, usableAht(f.ahtForecast));
        fa.appendVarchar(result.volume.name);
        if (result.aht) fa.appendVarchar(result.aht.name);
        else fa.appendNull();
        appendNumber(fa, result.volume.accuracy?.wape);
        appendNumber(fa, result.volume.accuracy?.mase);
        fa.appendVarchar(now);
        fa.endRow();
      }
    }
    fa.closeSync();
    const cols: [keyof StaffingRow, string][] = [
      ['queue_id', 'VARCHAR'],
      ['interval_start', 'TIMESTAMP'],
      ['calls', 'DOUBLE'],
      ['aht_seconds', 'DOUBLE'],
      ['erlangs', 'DOUBLE'],
      ['agents_erlang_c', 'INTEGER'],
      ['agents_erlang_a', 'INTEGER'],
      ['fte', 'DOUBLE'],
      ['service_level_expected', 'DOUBLE'],
      ['asa_expected_seconds', 'DOUBLE'],
      ['abandon_expected', 'DOUBLE'],
      ['occupancy_expected', 'DOUBLE'],
      ['shrinkage', 'DOUBLE'],
      ['sl_target', 'DOUBLE'],
      ['sl_seconds', 'DOUBLE'],
      ['patience_seconds', 'DOUBLE'],
    ];
    await exec(conn, `CREATE OR REPLACE TABLE main.fct_staffing (${cols.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    const sa = await conn.createAppender('fct_staffing');
    for (const row of staffing) {
      for (const [name, type] of cols) {
        const v = row[name];
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) sa.appendNull();
        else if (type === 'VARCHAR' || type === 'TIMESTAMP') sa.appendVarchar(String(v));
        else if (type === 'INTEGER') sa.appendInteger(v as number);
        else sa.appendDouble(v as number);
      }
      sa.endRow();
    }
    sa.closeSync();
    await exec(conn, `ALTER TABLE main.fct_staffing ADD COLUMN date DATE`);
    await exec(conn, `UPDATE main.fct_staffing SET date = interval_start::DATE`);
    await exec(conn, `CREATE OR REPLACE TABLE main.fct_forecast_accuracy (queue_id VARCHAR, interval_start TIMESTAMP, volume_forecast DOUBLE, volume_actual DOUBLE)`);
    const aa = await conn.createAppender('fct_forecast_accuracy');
    for (const a of accuracy) {
      aa.appendVarchar(a.queue_id);
      aa.appendVarchar(a.interval_start);
      aa.appendDouble(a.volume_forecast);
      aa.appendDouble(a.volume_actual);
      aa.endRow();
    }
    aa.closeSync();
    await exec(conn, 'COMMIT');
  } catch (err) {
    await exec(conn, 'ROLLBACK').catch(() => {});
    throw err;
  }
}

function appendNumber(a: { appendDouble(v: number): void; appendNull(): void }, v: number | undefined | null): void {
  if (v === undefined || v === null || !Number.isFinite(v)) a.appendNull();
  else a.appendDouble(v);
}
