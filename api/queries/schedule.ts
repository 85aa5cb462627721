/**
 * The published schedule (fct_schedule: agent activity segments) and its coverage of the requirement
 * (fct_coverage: required vs scheduled agents per queue and interval), both written by `ccmart schedule`.
 */
import { sql } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import { asDate, type PeriodFilter } from './filters.ts';

/** Columns of the scheduling tables beyond what api/db/tables.ts describes for every build. */
type ScheduleTables = {
  fct_schedule: {
    week: string;
    agent_id: string;
    agent_name: string | null;
    queue_id: string | null;
    start_at: string;
    end_at: string;
    activity: string;
    date: string;
  };
  fct_coverage: {
    week: string;
    date: string;
    abandon_erlang_a: number | null;
  };
};

const scheduleDb = (db: MartDb) => db.withTables<ScheduleTables>();

/** Whether `ccmart schedule` has written fct_schedule into the database. */
export async function scheduleTableExists(db: MartDb): Promise<boolean> {
  const row = await db
    .selectFrom('information_schema.tables')
    .select(sql<number>`count(*)`.as('n'))
    .where('table_catalog', '=', sql<string>`current_database()`)
    .where('table_schema', '=', 'main')
    .where('table_name', '=', 'fct_schedule')
    .executeTakeFirst();
  return (row?.n ?? 0) > 0;
}

export interface ScheduleFilter extends PeriodFilter {
  queues?: string[] | undefined;
  agents?: string[] | undefined;
}

/** Days, queues and agents as a WHERE on a table with date, queue_id and agent_id columns. */
function filtered<QB>(qb: QB, f: ScheduleFilter): QB {
  type W = { where(lhs: string, op: string, rhs: unknown): W };
  let q = qb as unknown as W;
  if (f.from) q = q.where('date', '>=', asDate(f.from));
  if (f.to) q = q.where('date', '<=', asDate(f.to));
  if (f.queues?.length) q = q.where('queue_id', 'in', f.queues);
  if (f.agents?.length) q = q.where('agent_id', 'in', f.agents);
  return q as unknown as QB;
}

/**
 * The segments selected: days and agents as asked; with queues, every segment of the agents who work on one
 * of them in the period (breaks and lunches carry no queue).
 */
function selectedSegments(db: MartDb, f: ScheduleFilter) {
  const s = scheduleDb(db);
  let q = filtered(s.selectFrom('fct_schedule'), { ...f, queues: undefined });
  if (f.queues?.length) {
    const onQueues = filtered(s.selectFrom('fct_schedule').select('agent_id'), { from: f.from, to: f.to, queues: f.queues });
    q = q.where('agent_id', 'in', onQueues);
  }
  return q;
}

/** Segments in day, agent and start order, at most `limit` of them; also how many there are and how many agents. */
export async function scheduleSegments(db: MartDb, f: ScheduleFilter, limit: number) {
  const rows = await selectedSegments(db, f)
    .select(['week', 'agent_id', 'agent_name', 'queue_id', 'start_at', 'end_at', 'activity', 'date'])
    .orderBy('date')
    .orderBy('agent_id')
    .orderBy('start_at')
    .limit(limit)
    .execute();
  const totals = await selectedSegments(db, f)
    .select([sql<number>`count(*)`.as('segments'), sql<number>`count(DISTINCT agent_id)`.as('agents'), sql<string | null>`min(week)`.as('week')])
    .executeTakeFirst();
  return { rows, segments: Number(totals?.segments ?? 0), agents: Number(totals?.agents ?? 0), week: totals?.week ?? null };
}

export async function coverageRows(db: MartDb, f: Omit<ScheduleFilter, 'agents'>) {
  const q = scheduleDb(db)
    .selectFrom('fct_coverage')
    .select([
      'week',
      'queue_id',
      'interval_start',
      'date',
      'required',
      'scheduled',
      'gap',
      'service_level_erlang_c',
      'service_level_erlang_a',
      'abandon_erlang_a',
    ]);
  return filtered(q, { ...f, agents: undefined })
    .orderBy('queue_id')
    .orderBy('interval_start')
    .execute();
}
