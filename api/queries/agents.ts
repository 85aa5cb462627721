/** Agent figures summed per agent from kpi_agent_daily, with not-ready time by reason. */
import { sql } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import { agentSumColumns, type AgentSums } from '../measures.ts';
import { col, whereKpi, type PeriodFilter } from './filters.ts';

export interface AgentFilter extends PeriodFilter {
  /** Agents whose primary queue (dim_agent) is one of these. */
  queues?: string[] | undefined;
}

export type AgentTotalRow = { agent_id: string; primary_queue_id: string | null } & AgentSums;

export async function sumPerAgent(db: MartDb, filter: AgentFilter): Promise<AgentTotalRow[]> {
  const agent = col('kpi_agent_daily', 'agent_id');
  let q = db
    .selectFrom('kpi_agent_daily')
    .leftJoin('dim_agent', 'dim_agent.agent_id', 'kpi_agent_daily.agent_id')
    .select([
      agent.as('agent_id'),
      sql<string | null>`any_value(${col('dim_agent', 'primary_queue_id')})`.as('primary_queue_id'),
      ...agentSumColumns.map((c) => sql<number>`coalesce(sum(${col('kpi_agent_daily', c)}), 0)`.as(c)),
    ]);
  q = whereKpi(q, 'kpi_agent_daily', { from: filter.from, to: filter.to }, { date: 'date' });
  if (filter.queues?.length) q = q.where('dim_agent.primary_queue_id', 'in', filter.queues);
  return (await q.groupBy(agent).orderBy(agent).execute()) as unknown as AgentTotalRow[];
}

/** Seconds not ready per agent and reason over the filter. */
export async function notReadyByReason(db: MartDb, filter: AgentFilter): Promise<{ agent_id: string; reason: string; seconds: number }[]> {
  let inner = db
    .selectFrom('kpi_agent_daily')
    .leftJoin('dim_agent', 'dim_agent.agent_id', 'kpi_agent_daily.agent_id')
    .select([col('kpi_agent_daily', 'agent_id').as('agent_id'), sql`unnest(map_entries(${col('kpi_agent_daily', 'not_ready_by_reason')}))`.as('entry')]);
  inner = whereKpi(inner, 'kpi_agent_daily', { from: filter.from, to: filter.to }, { date: 'date' });
  if (filter.queues?.length) inner = inner.where('dim_agent.primary_queue_id', 'in', filter.queues);
  const rows = await db
    .selectFrom(inner.as('e'))
    .select(['e.agent_id', sql<string>`e.entry.key`.as('reason'), sql<number>`sum(e.entry.value)`.as('seconds')])
    .groupBy([sql`e.agent_id`, sql`e.entry.key`])
    .orderBy(sql`e.agent_id`)
    .orderBy(sql`e.entry.key`)
    .execute();
  return rows as { agent_id: string; reason: string; seconds: number }[];
}
