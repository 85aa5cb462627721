/**
 * Sums of kpi_daily per period (day, ISO week, month) and per queue or channel, for any set of its count
 * columns, from the table held in memory; the totals over the whole filter are added up from the groups.
 * Backlog is a stock: each period reports the tickets open on its last day (cut at the filter's `to` and at
 * the last day of data), and the totals the tickets open on the last day of the filter.
 */
import { sql, type RawBuilder } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import type { Deps } from '../deps.ts';
import { dailySumColumns, queueSumColumns } from '../measures.ts';
import { col, DAY_MS, dayNumber, dayText, type ColumnOf, type KpiFilter } from './filters.ts';

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

/** Adds up `columns` over rows. */
export function addUp<C extends string>(rows: readonly Record<C, number>[], columns: readonly C[]): Record<C, number> {
  const sums = columns.map(() => 0);
  for (const r of rows) for (let i = 0; i < columns.length; i++) sums[i]! += r[columns[i]!] ?? 0;
  return Object.fromEntries(columns.map((c, i) => [c, sums[i]])) as Record<C, number>;
}

/** kpi_daily's additive columns the endpoints sum, held in memory per build (dailyTable). */
const heldColumns = [...new Set([...queueSumColumns, ...dailySumColumns])];
/** A column sumDaily can sum. */
export type HeldColumn = (typeof heldColumns)[number];

/**
 * kpi_daily in memory, one typed array per column: the table is small (one row per day, queue and channel:
 * 2,286 rows for 61 days of 15 queues; a year of 200 queues on 3 channels is about 220,000 rows, 90 MB) and
 * summing it here costs microseconds where a DuckDB query costs milliseconds.
 */
export interface DailyTable {
  size: number;
  /** Days since 1970-01-01. */
  day: Int32Array;
  queue: string[];
  channel: string[];
  /** sl_threshold_seconds; NaN where NULL. */
  threshold: Float64Array;
  backlog: Float64Array;
  sums: Map<string, Float64Array>;
  /** The last day with rows (days since 1970-01-01), or null when the table is empty. */
  lastDay: number | null;
}


/** Reads kpi_daily into a DailyTable (once per build: see dailyTable). */
export async function loadDailyTable(db: MartDb): Promise<DailyTable> {
  const num = (c: DailyColumn) => sql<number>`cast(coalesce(${col('kpi_daily', c)}, 0) as double)`.as(c);
  const rows = (await db
    .selectFrom('kpi_daily')
    .select([
      sql<number>`cast(${date} - DATE '1970-01-01' as integer)`.as('day'),
      'queue_id',
      'channel',
      sql<number | null>`cast(${col('kpi_daily', 'sl_threshold_seconds')} as double)`.as('threshold'),
      num('backlog'),
      ...heldColumns.map(num),
    ])
    .orderBy(date)
    .execute()) as unknown as Record<string, number | string | null>[];
  const size = rows.length;
  const table: DailyTable = {
    size,
    day: new Int32Array(size),
    queue: new Array<string>(size),
    channel: new Array<string>(size),
    threshold: new Float64Array(size),
    backlog: new Float64Array(size),
    sums: new Map(heldColumns.map((c) => [c, new Float64Array(size)])),
    lastDay: null,
  };
  const columns = heldColumns.map((c) => [c, table.sums.get(c)!] as const);
  rows.forEach((r, i) => {
    table.day[i] = r.day as number;
    table.queue[i] = r.queue_id as string;
    table.channel[i] = r.channel as string;
    table.threshold[i] = r.threshold === null ? NaN : (r.threshold as number);
    table.backlog[i] = r.backlog as number;
    for (const [c, values] of columns) values[i] = r[c] as number;
  });
  table.lastDay = size ? table.day[size - 1]! : null;
  return table;
}

/** The build's kpi_daily in memory, read on first use (held whatever the answer cache's size). */
export function dailyTable(deps: Pick<Deps, 'db' | 'held'>): Promise<DailyTable> {
  return deps.held.get('kpi_daily:table', () => loadDailyTable(deps.db));
}

/** The first day (days since 1970-01-01) of the period holding `day`; weeks start on Monday. */
function periodOf(grain: CalendarGrain, day: number): number {
  if (grain === 'day') return day;
  if (grain === 'week') return day - ((day + 3) % 7); // 1970-01-01 was a Thursday
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
}

/** The last day of the period starting on `start` (days since 1970-01-01). */
function periodLast(grain: CalendarGrain, start: number): number {
  if (grain === 'day') return start;
  if (grain === 'week') return start + 6;
  const d = new Date(start * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / DAY_MS;
}

interface Group {
  period: number | null;
  key: string | undefined;
  sums: Float64Array;
  /** The day the group's backlog is read on (stockDay). */
  stockDay: number;
  backlog: number;
  low: number;
  high: number;
}

export async function sumDaily<C extends HeldColumn>(
  deps: Pick<Deps, 'db' | 'held'>,
  opts: { filter: KpiFilter; grain: CalendarGrain | null; keys: DailyKey[]; columns: readonly C[]; backlog?: boolean },
): Promise<DailySums<C>> {
  const { filter, grain, keys, columns } = opts;
  const t = await dailyTable(deps);
  if (t.lastDay === null) return { rows: [], totals: { ...addUp([], columns), backlog: 0 }, slThreshold: null };
  const from = filter.from ? dayNumber(filter.from) : -Infinity;
  const to = filter.to ? dayNumber(filter.to) : Infinity;
  const queues = filter.queues?.length ? new Set(filter.queues) : null;
  const channels = filter.channels?.length ? new Set(filter.channels) : null;
  const by = keys[0] === 'queue_id' ? t.queue : keys[0] === 'channel' ? t.channel : null;
  const values = columns.map((c) => t.sums.get(c)!);
  const offered = t.sums.get('offered')!;
  // The day a stock is read on: the period's last day, cut at the filter's `to` and the last day of data.
  const stockDay = (period: number | null) => Math.min(period === null ? Infinity : periodLast(grain!, period), to, t.lastDay!);
  const groups = new Map<string, Group>();
  for (let i = 0; i < t.size; i++) {
    const day = t.day[i]!;
    if (day < from || day > to || (queues && !queues.has(t.queue[i]!)) || (channels && !channels.has(t.channel[i]!))) continue;
    const period = grain ? periodOf(grain, day) : null;
    const key = by ? by[i] : undefined;
    const id = `${period}\u0000${key ?? ''}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { period, key, sums: new Float64Array(columns.length), stockDay: stockDay(period), backlog: 0, low: Infinity, high: -Infinity }));
    for (let c = 0; c < values.length; c++) g.sums[c]! += values[c]![i]!;
    if (opts.backlog && day === g.stockDay) g.backlog += t.backlog[i]!;
    const threshold = t.threshold[i]!;
    if (offered[i]! > 0 && !Number.isNaN(threshold)) {
      g.low = Math.min(g.low, threshold);
      g.high = Math.max(g.high, threshold);
    }
  }
  // in the order of the SQL marts: period, then the key (code point order, as DuckDB sorts text)
  const ordered = [...groups.values()].sort((a, b) => (a.period ?? 0) - (b.period ?? 0) || (a.key === b.key ? 0 : (a.key ?? '') < (b.key ?? '') ? -1 : 1));
  const rows = ordered.map((g) => {
    const row: Record<string, unknown> = { period: g.period === null ? null : dayText(g.period) };
    if (keys[0]) row[keys[0]] = g.key;
    columns.forEach((c, i) => (row[c] = g.sums[i]));
    row.backlog = g.backlog;
    row.sl_low = g.low === Infinity ? null : g.low;
    row.sl_high = g.high === -Infinity ? null : g.high;
    return row as DailySumRow<C>;
  });
  const totals = { ...addUp(rows, columns), backlog: 0 };
  if (opts.backlog) {
    // the groups of the period holding the stock day read their backlog on that day
    const stock = stockDay(null);
    totals.backlog = ordered.filter((g) => g.period === null || (g.period <= stock && periodLast(grain!, g.period) >= stock)).reduce((a, g) => a + g.backlog, 0);
  }
  let low = Infinity;
  let high = -Infinity;
  for (const g of ordered) {
    low = Math.min(low, g.low);
    high = Math.max(high, g.high);
  }
  return { rows, totals, slThreshold: low === high && low !== Infinity ? low : null };
}
