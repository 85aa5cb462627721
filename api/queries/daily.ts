/**
 * Sums of kpi_daily per period (day, ISO week, month) and per queue or channel, for any set of its count
 * columns, in one query; the totals over the whole filter are added up from the groups. Backlog is a stock:
 * each period reports the tickets open on its last day (cut at the filter's `to` and at the last day of data),
 * and the totals the tickets open on the last day of the filter.
 */
import { sql, type RawBuilder } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import type { Deps } from '../deps.ts';
import { asDate, col, whereKpi, type ColumnOf, type KpiFilter } from './filters.ts';

export type CalendarGrain = 'day' | 'week' | 'month';
export type DailyKey = 'queue_id' | 'channel';
type DailyColumn = ColumnOf<'kpi_daily'>;

export type DailySumRow<C extends string> = { period: string | null; queue_id?: string; channel?: string; backlog: number; sl_low: number | null; sl_high: number | null } & Record<C, number>;

export interface DailySums<C extends string> {
  rows: DailySumRow<C>[];
  totals: Record<C, number> & { backlog: number };
  /** The service-level threshold T shared by every group with calls; null when none or mixed. */
  slThreshold: number | null;
}

const date = col('kpi_daily', 'date');

export function periodStart(grain: CalendarGrain, column: RawBuilder<unknown> = date): RawBuilder<string> {
  if (grain === 'day') return sql<string>`${column}`;
  return sql<string>`cast(date_trunc(${sql.lit(grain)}, ${column}) as date)`;
}

function periodEnd(grain: CalendarGrain): RawBuilder<string> {
  if (grain === 'day') return sql<string>`${date}`;
  if (grain === 'week') return sql<string>`cast(date_trunc('week', ${date}) as date) + 6`;
  return sql<string>`last_day(${date})`;
}

/** The last day of the period starting on `start` ('YYYY-MM-DD'). */
export function lastDayOf(grain: CalendarGrain, start: string): string {
  const t = Date.parse(start);
  if (grain === 'day') return start;
  if (grain === 'week') return new Date(t + 6 * 86_400_000).toISOString().slice(0, 10);
  const d = new Date(t);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
}

/** Adds up `columns` over rows. */
export function addUp<C extends string>(rows: readonly Record<C, number>[], columns: readonly C[]): Record<C, number> {
  const sums = columns.map(() => 0);
  for (const r of rows) for (let i = 0; i < columns.length; i++) sums[i]! += r[columns[i]!] ?? 0;
  return Object.fromEntries(columns.map((c, i) => [c, sums[i]])) as Record<C, number>;
}

/** The last day of kpi_daily ('YYYY-MM-DD'), or null when it is empty. */
export async function lastDailyDay(db: MartDb): Promise<string | null> {
  const row = await db.selectFrom('kpi_daily').select(sql<string | null>`cast(max(${date}) as varchar)`.as('day')).executeTakeFirst();
  return row?.day ?? null;
}

export async function sumDaily<C extends DailyColumn>(
  deps: Pick<Deps, 'db' | 'memo'>,
  opts: { filter: KpiFilter; grain: CalendarGrain | null; keys: DailyKey[]; columns: readonly C[]; backlog?: boolean },
): Promise<DailySums<C>> {
  const { filter, grain, keys, columns } = opts;
  const { db } = deps;
  // A constant of the build (the database is read-only): asked once, not planned into every query.
  const lastDay = await deps.memo.get('kpi_daily:last_day', () => lastDailyDay(db));
  if (lastDay === null) return { rows: [], totals: { ...addUp([], columns), backlog: 0 }, slThreshold: null };
  const lastData = asDate(lastDay);
  // The day a stock is read on: the period's last day, cut at the filter's `to` and the last day of data.
  const stockDay = sql<string>`least(${sql.join([...(grain ? [periodEnd(grain)] : []), ...(filter.to ? [asDate(filter.to)] : []), lastData])})`;
  const period: RawBuilder<string | null> = grain ? periodStart(grain) : sql<null>`null`;
  const t = col('kpi_daily', 'sl_threshold_seconds');
  const withCalls = sql`where ${col('kpi_daily', 'offered')} > 0`;
  let q = db.selectFrom('kpi_daily').select([
    period.as('period'),
    ...keys.map((k) => col('kpi_daily', k).as(k)),
    // sums of BIGINT are HUGEINT: DOUBLE arrives as a plain number; a sum over no rows is 0
    ...columns.map((c) => sql<number>`cast(coalesce(sum(${col('kpi_daily', c)}), 0) as double)`.as(c)),
    (opts.backlog ? sql<number>`cast(coalesce(sum(${col('kpi_daily', 'backlog')}) filter (where ${date} = ${stockDay}), 0) as double)` : sql<number>`0`).as('backlog'),
    sql<number | null>`min(${t}) filter (${withCalls})`.as('sl_low'),
    sql<number | null>`max(${t}) filter (${withCalls})`.as('sl_high'),
  ]);
  q = whereKpi(q, 'kpi_daily', filter, { date: 'date', queue: 'queue_id', channel: 'channel' });
  const groups = [...(grain ? [period] : []), ...keys.map((k) => col('kpi_daily', k))];
  for (const g of groups) q = q.groupBy(g).orderBy(g);
  const rows = (await q.execute()) as unknown as DailySumRow<C>[];
  const totals = { ...addUp(rows, columns), backlog: 0 };
  if (opts.backlog) {
    const stock = filter.to && filter.to < lastDay ? filter.to : lastDay;
    // the groups of the period holding the stock day read their backlog on that day
    totals.backlog = rows
      .filter((r) => r.period === null || (r.period <= stock && lastDayOf(grain!, r.period) >= stock))
      .reduce((a, r) => a + r.backlog, 0);
  }
  let low = Infinity;
  let high = -Infinity;
  for (const r of rows) {
    if (r.sl_low !== null) low = Math.min(low, r.sl_low);
    if (r.sl_high !== null) high = Math.max(high, r.sl_high);
  }
  return { rows, totals, slThreshold: low === high ? low : null };
}
