/** Breakpoints, node flow and journeys from their pre-aggregated KPI tables. */
import { sql } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import { col, whereKpi, type KpiFilter } from './filters.ts';

export type BreakpointKey = 'breakpoint_type' | 'node_key' | 'queue_id';

export interface BreakpointSumRow {
  breakpoint_type?: string;
  node_key?: string;
  queue_id?: string;
  breakpoints: number;
  short_abandons: number;
  recovered: number;
  recovery_known: number;
  recovery_seconds_sum: number;
}

export async function sumBreakpoints(db: MartDb, filter: KpiFilter, keys: BreakpointKey[]): Promise<BreakpointSumRow[]> {
  const sums = ['breakpoints', 'short_abandons', 'recovered', 'recovery_known', 'recovery_seconds_sum'] as const;
  let q = db
    .selectFrom('kpi_breakpoint_daily')
    .select([
      ...keys.map((k) => col('kpi_breakpoint_daily', k).as(k)),
      ...sums.map((c) => sql<number>`coalesce(sum(${col('kpi_breakpoint_daily', c)}), 0)`.as(c)),
    ]);
  q = whereKpi(q, 'kpi_breakpoint_daily', filter, { date: 'date', queue: 'queue_id', channel: 'channel' });
  for (const k of keys) q = q.groupBy(col('kpi_breakpoint_daily', k));
  q = q.orderBy(sql`breakpoints`, 'desc');
  for (const k of keys) q = q.orderBy(col('kpi_breakpoint_daily', k));
  return (await q.execute()) as unknown as BreakpointSumRow[];
}

export async function sumFlow(db: MartDb, filter: KpiFilter, min: number) {
  const touchpoints = sql<number>`sum(${col('kpi_node_flow', 'touchpoints')})`;
  let q = db.selectFrom('kpi_node_flow').select(['from_node', 'to_node', touchpoints.as('touchpoints')]);
  q = whereKpi(q, 'kpi_node_flow', filter, { date: 'date', queue: 'queue_id', channel: 'channel' });
  return q.groupBy(['from_node', 'to_node']).having(touchpoints, '>=', min).orderBy(touchpoints, 'desc').orderBy('from_node').orderBy('to_node').execute();
}

export interface JourneySumRow {
  channel?: string;
  journeys: number;
  fcr_journeys: number;
  resolved_journeys: number;
}

/** Journeys by the channel of their first touchpoint (or over the whole filter). */
export async function sumJourneys(db: MartDb, filter: KpiFilter, byChannel: boolean): Promise<JourneySumRow[]> {
  const sums = ['journeys', 'fcr_journeys', 'resolved_journeys'] as const;
  const channel = col('kpi_daily', 'channel');
  let q = db
    .selectFrom('kpi_daily')
    .select([...(byChannel ? [channel.as('channel')] : []), ...sums.map((c) => sql<number>`coalesce(sum(${col('kpi_daily', c)}), 0)`.as(c))]);
  q = whereKpi(q, 'kpi_daily', filter, { date: 'date', queue: 'queue_id', channel: 'channel' });
  if (byChannel) q = q.groupBy(channel).having(sql`sum(${col('kpi_daily', 'journeys')})`, '>', 0).orderBy(sql`journeys`, 'desc').orderBy(channel);
  return (await q.execute()) as unknown as JourneySumRow[];
}
