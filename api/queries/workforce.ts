/**
 * Forecast and staffing tables (written by the workforce plan), joined with what happened (kpi_interval)
 * and what was scheduled (fct_coverage) where those exist. Also the inputs of the what-if staffing.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { MartDb } from '../db/marts.ts';
import { available } from '../schemas.ts';
import { asDate, col, whereKpi, type KpiFilter, type PeriodFilter } from './filters.ts';

/**
 * The answer of an endpoint reading one of these tables per queue and interval (forecastRows, staffingRows):
 * whether the table exists yet, and its rows, keyed by queue and interval, with `columns` after the keys.
 */
export function queueIntervalAnswer<Columns extends z.ZodRawShape>(columns: Columns) {
  const keys = { queue_id: z.string(), interval_start: z.string(), date: z.string() };
  return z.strictObject({ available, rows: z.array(z.strictObject({ ...keys, ...columns })) });
}

export async function forecastRows(db: MartDb, filter: KpiFilter) {
  let q = db
    .selectFrom('fct_forecast as f')
    .leftJoin('kpi_interval as k', (j) => j.onRef('k.queue_id', '=', 'f.queue_id').onRef('k.interval_start', '=', 'f.interval_start'))
    .select([
      'f.queue_id',
      'f.interval_start',
      'f.date',
      'f.interval_minutes',
      'f.volume_forecast',
      'f.volume_lower',
      'f.volume_upper',
      'f.aht_forecast_seconds',
      'f.model',
      'f.backtest_wape',
      'f.backtest_mase',
      'k.offered as offered_actual',
      'k.aht_seconds as aht_actual_seconds',
    ]);
  q = whereKpi(q, 'fct_forecast', filter, { date: 'date', queue: 'queue_id' }, 'f');
  return q.orderBy('f.queue_id').orderBy('f.interval_start').execute();
}

export async function staffingRows(db: MartDb, filter: KpiFilter, withCoverage: boolean) {
  let q = db
    .selectFrom('fct_staffing as s')
    .leftJoin('kpi_interval as k', (j) => j.onRef('k.queue_id', '=', 's.queue_id').onRef('k.interval_start', '=', 's.interval_start'))
    .select([
      's.queue_id',
      's.interval_start',
      's.date',
      's.calls',
      's.aht_seconds',
      's.erlangs',
      's.agents_erlang_c',
      's.agents_erlang_a',
      's.fte',
      's.service_level_expected',
      's.asa_expected_seconds',
      's.abandon_expected',
      's.occupancy_expected',
      's.shrinkage',
      's.sl_target',
      's.sl_seconds',
      's.patience_seconds',
      'k.agents_logged_in',
      'k.offered as offered_actual',
      'k.service_level as service_level_actual',
    ]);
  q = whereKpi(q, 'fct_staffing', filter, { date: 'date', queue: 'queue_id' }, 's');
  q = q.orderBy('s.queue_id').orderBy('s.interval_start');
  if (!withCoverage) {
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, scheduled: null, gap: null }));
  }
  return q
    .leftJoin('fct_coverage as v', (j) => j.onRef('v.queue_id', '=', 's.queue_id').onRef('v.interval_start', '=', 's.interval_start'))
    .select(['v.scheduled', 'v.gap'])
    .execute();
}

/** Volume and AHT per queue and interval, from the forecast or from history. */
export interface DemandRow {
  queue_id: string;
  interval_start: string;
  interval_minutes: number;
  calls: number;
  aht_seconds: number | null;
}

export async function forecastDemand(db: MartDb, filter: KpiFilter): Promise<DemandRow[]> {
  let q = db.selectFrom('fct_forecast').select(['queue_id', 'interval_start', 'interval_minutes', 'volume_forecast as calls', 'aht_forecast_seconds as aht_seconds']);
  q = whereKpi(q, 'fct_forecast', filter, { date: 'date', queue: 'queue_id' });
  return q.where('queue_id', '<>', 'none').orderBy('queue_id').orderBy('interval_start').execute();
}

export async function historyDemand(db: MartDb, filter: KpiFilter): Promise<DemandRow[]> {
  let q = db.selectFrom('kpi_interval').select(['queue_id', 'interval_start', 'interval_minutes', 'offered as calls', 'aht_seconds']);
  q = whereKpi(q, 'kpi_interval', filter, { date: 'date', queue: 'queue_id' });
  return q.where('queue_id', '<>', 'none').orderBy('queue_id').orderBy('interval_start').execute();
}

/** Per queue: targets from dim_queue and what the history shows (AHT, patience, shrinkage). */
export interface QueuePolicyRow {
  queue_id: string;
  sl_target: number | null;
  sl_threshold_seconds: number;
  abandon_target: number | null;
  handled: number;
  handle_seconds: number;
  abandoned: number;
  wait_seconds: number;
  logged_in_seconds: number;
  ready_seconds: number;
  state_handle_seconds: number;
}

export async function queuePolicies(db: MartDb, queues: string[] | undefined, history: PeriodFilter): Promise<QueuePolicyRow[]> {
  const k = (c: Parameters<typeof col<'kpi_interval'>>[1]) => sql<number>`coalesce(sum(${col('kpi_interval', c)}), 0)`;
  let q = db
    .selectFrom('dim_queue as q')
    .leftJoin('kpi_interval', (j) => {
      let on = j.onRef('kpi_interval.queue_id', '=', 'q.queue_id');
      if (history.from) on = on.on('kpi_interval.date', '>=', asDate(history.from));
      if (history.to) on = on.on('kpi_interval.date', '<=', asDate(history.to));
      return on;
    })
    .select([
      'q.queue_id',
      sql<number | null>`any_value(q.sl_target)`.as('sl_target'),
      sql<number>`any_value(q.sl_threshold_seconds)`.as('sl_threshold_seconds'),
      sql<number | null>`any_value(q.abandon_target)`.as('abandon_target'),
      k('handled').as('handled'),
      k('handle_seconds').as('handle_seconds'),
      k('abandoned').as('abandoned'),
      sql<number>`coalesce(sum(kpi_interval.wait_answered_seconds + kpi_interval.wait_abandoned_seconds), 0)`.as('wait_seconds'),
      k('logged_in_seconds').as('logged_in_seconds'),
      k('ready_seconds').as('ready_seconds'),
      k('state_handle_seconds').as('state_handle_seconds'),
    ])
    .where('q.queue_id', '<>', 'none');
  if (queues?.length) q = q.where('q.queue_id', 'in', queues);
  return (await q.groupBy('q.queue_id').orderBy('q.queue_id').execute()) as QueuePolicyRow[];
}

/** First and last day of a table's DATE column. */
export async function dayRange(db: MartDb, table: 'fct_forecast' | 'kpi_interval'): Promise<{ from: string | null; to: string | null }> {
  const d = col(table, 'date');
  const row = await db
    .selectFrom(table)
    .select([sql<string | null>`min(${d})`.as('from'), sql<string | null>`max(${d})`.as('to')])
    .executeTakeFirst();
  return { from: row?.from ?? null, to: row?.to ?? null };
}
