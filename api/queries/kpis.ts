/**
 * Sums behind /api/kpis from the pre-aggregated KPI tables only: kpi_interval (grain interval) and
 * kpi_agent_daily (agent figures); kpi_daily is summed by queries/daily.ts. One query per request: the totals
 * over the filter are added up from the groups. Rates are computed afterwards from these sums.
 */
import { sql, type RawBuilder } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import { agentSumColumns, queueSumColumns, type AgentSums, type QueueSums } from '../measures.ts';
import { addUp, periodStart, type CalendarGrain } from './daily.ts';
import { col, whereKpi, type KpiFilter, type PeriodFilter } from './filters.ts';

export type IntervalSumRow = { period: string; queue_id?: string; sl_low: number | null; sl_high: number | null } & QueueSums;

/** Queue sums per interval (and queue) of kpi_interval: every one, or only `columns`. */
export async function sumIntervals(
  db: MartDb,
  opts: { filter: KpiFilter; byQueue: boolean; columns?: readonly (typeof queueSumColumns)[number][] },
): Promise<{ rows: IntervalSumRow[]; totals: QueueSums; slThreshold: number | null }> {
  const columns = opts.columns ?? queueSumColumns;
  const start = col('kpi_interval', 'interval_start');
  const queue = col('kpi_interval', 'queue_id');
  const t = col('kpi_interval', 'sl_threshold_seconds');
  const withCalls = sql`where ${col('kpi_interval', 'offered')} > 0`;
  let q = db.selectFrom('kpi_interval').select([
    sql<string>`${start}`.as('period'),
    ...(opts.byQueue ? [queue.as('queue_id')] : []),
    ...columns.map((c) => sql<number>`cast(sum(${col('kpi_interval', c)}) as double)`.as(c)),
    sql<number | null>`min(${t}) filter (${withCalls})`.as('sl_low'),
    sql<number | null>`max(${t}) filter (${withCalls})`.as('sl_high'),
  ]);
  q = whereKpi(q, 'kpi_interval', opts.filter, { date: 'date', queue: 'queue_id' });
  q = q.groupBy(start).orderBy(start);
  if (opts.byQueue) q = q.groupBy(queue).orderBy(queue);
  const rows = (await q.execute()) as unknown as IntervalSumRow[];
  return { rows, totals: addUp(rows, columns) as QueueSums, slThreshold: sharedThreshold(rows) };
}

export type AgentSumRow = { period: string; agent_id?: string } & AgentSums;

/** Agent sums per period (and agent) from kpi_agent_daily. */
export async function sumAgentDays(
  db: MartDb,
  opts: { filter: PeriodFilter & { agents?: string[] | undefined }; grain: CalendarGrain; byAgent: boolean },
): Promise<{ rows: AgentSumRow[]; totals: AgentSums }> {
  const date = col('kpi_agent_daily', 'date');
  const agent = col('kpi_agent_daily', 'agent_id');
  const period: RawBuilder<string> = periodStart(opts.grain, date);
  let q = db
    .selectFrom('kpi_agent_daily')
    .select([
      period.as('period'),
      ...(opts.byAgent ? [agent.as('agent_id')] : []),
      ...agentSumColumns.map((c) => sql<number>`cast(sum(${col('kpi_agent_daily', c)}) as double)`.as(c)),
    ]);
  q = whereKpi(q, 'kpi_agent_daily', { from: opts.filter.from, to: opts.filter.to, queues: opts.filter.agents }, { date: 'date', queue: 'agent_id' });
  q = q.groupBy(period).orderBy(period);
  if (opts.byAgent) q = q.groupBy(agent).orderBy(agent);
  const rows = (await q.execute()) as unknown as AgentSumRow[];
  return { rows, totals: addUp(rows, agentSumColumns) };
}

/** The threshold T shared by every group with calls; null when there are none or they differ. */
function sharedThreshold(rows: { sl_low: number | null; sl_high: number | null }[]): number | null {
  let low = Infinity;
  let high = -Infinity;
  for (const r of rows) {
    if (r.sl_low !== null) low = Math.min(low, r.sl_low);
    if (r.sl_high !== null) high = Math.max(high, r.sl_high);
  }
  return low === high ? low : null;
}

/** The last day with interval figures, or null when kpi_interval is empty. */
export async function lastIntervalDay(db: MartDb): Promise<string | null> {
  const row = await db.selectFrom('kpi_interval').select(sql<string | null>`cast(max(${col('kpi_interval', 'date')}) as varchar)`.as('day')).executeTakeFirst();
  return row?.day ?? null;
}
