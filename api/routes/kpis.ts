/** GET /api/kpis: queue, journey, bot and ticket KPIs per period, by queue, channel or agent. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { badParameter } from '../errors.ts';
import { agentQueueMeasures, dailyMeasureNames, dailySumColumns, emptyDailyMeasures, kpisMeasureNames, measureValues, queueMeasureNames, queueSumColumns, sumsFor, type KpisMeasureName } from '../measures.ts';
import { fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { numbers } from '../schemas.ts';
import { sumDaily } from '../queries/daily.ts';
import { dayNumber, plusDays } from '../queries/filters.ts';
import { lastIntervalDay, sumAgentDays, sumIntervals } from '../queries/kpis.ts';
import { validQuery } from '../validate.ts';

/** Interval figures are read at most this many days at a time (the last 7 days with data by default). */
export const MAX_INTERVAL_DAYS = 92;

const measureList = z
  .union([z.string(), z.array(z.string())], { error: 'expected one or more measure names' })
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
  .pipe(z.array(z.enum(kpisMeasureNames, { error: `expected measure names among ${kpisMeasureNames.join(', ')}` })).min(1, { error: 'expected at least one measure name' }))
  .meta({
    description:
      'Only these measures in rows and totals (repeat the parameter or separate names with commas); by default all of them. ' +
      'A dashboard card asks for what it draws: a smaller answer, and only the sums it needs are read.',
  });

const query = z
  .strictObject({
    ...period,
    grain: z.enum(['interval', 'day', 'week', 'month'], { error: 'expected interval, day, week or month' }).default('day').describe('Period of each row. Weeks start on Monday.'),
    queue: idList('queue').optional(),
    channel: idList('channel').optional(),
    agent: idList('agent').optional(),
    by: z.enum(['none', 'queue', 'channel', 'agent'], { error: 'expected none, queue, channel or agent' }).default('none').describe('One row per period and queue, channel or agent.'),
    measures: measureList.optional(),
  })
  .superRefine((v, ctx) => {
    fromNotAfterTo(v, ctx);
    const issue = (parameter: string, message: string) => ctx.addIssue({ code: 'custom', path: [parameter], message });
    const perAgent = (v.agent?.length ?? 0) > 0 || v.by === 'agent';
    if (perAgent) {
      if (v.grain === 'interval') issue('grain', 'agent figures are daily: use day, week or month');
      if (v.queue?.length) issue('queue', 'agent figures (kpi_agent_daily) have no queue: filter by agent only');
      if (v.channel?.length) issue('channel', 'agent figures (kpi_agent_daily) have no channel: filter by agent only');
      if (v.by === 'queue' || v.by === 'channel') issue('by', `by=${v.by} cannot be combined with an agent filter`);
    } else if (v.grain === 'interval') {
      if (v.channel?.length) issue('channel', 'interval figures (kpi_interval) are per queue: no channel filter with grain=interval');
      if (v.by === 'channel') issue('by', 'interval figures (kpi_interval) are per queue: use by=none or by=queue with grain=interval');
      const daily = v.measures?.filter((m) => (dailyMeasureNames as readonly string[]).includes(m));
      if (daily?.length) issue('measures', `interval figures (kpi_interval) have no ${daily.join(', ')}`);
    }
  });

// every measure is absent when `measures` leaves it out; the daily ones are absent for grain=interval
const measuresShape = numbers(kpisMeasureNames, true);

const row = z.strictObject({
  period: z.string().describe("'YYYY-MM-DD' (first day of the week or month), or 'YYYY-MM-DD HH:MM:SS' for grain=interval."),
  queue_id: z.string().optional(),
  channel: z.string().optional(),
  agent_id: z.string().optional(),
  ...measuresShape,
});

const totals = z.strictObject(measuresShape);

export const kpisDoc = defineRoute({
  method: 'get',
  path: '/api/kpis',
  tag: 'KPIs',
  summary: 'KPIs per period (interval, day, week, month), optionally by queue, channel or agent',
  description:
    'Reads kpi_interval (grain=interval), kpi_daily (day, week, month) or kpi_agent_daily (agent filter or by=agent); never the facts. ' +
    'Rates are recomputed from summed counts. grain=interval covers at most ' +
    `${MAX_INTERVAL_DAYS} days and defaults to the last 7 days with data. ` +
    'Measures a source cannot tell (per agent: offered, service level, …) are null. backlog is the number of tickets open at the end of the period.',
  query,
  response: z.strictObject({
    grain: z.enum(['interval', 'day', 'week', 'month']),
    by: z.enum(['none', 'queue', 'channel', 'agent']),
    sl_threshold_seconds: z.number().nullable().describe('The threshold T of the service level; null when the rows mix queues with different T (or have no calls).'),
    from: z.string().nullable(),
    to: z.string().nullable(),
    rows: z.array(row),
    totals,
  }),
});

export function kpisRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const { db } = deps;
    const perAgent = (q.agent?.length ?? 0) > 0 || q.by === 'agent';
    // the measures answered, in the order of the contract
    const asked = q.measures && new Set<string>(q.measures);
    const only = <N extends KpisMeasureName>(names: readonly N[]) => (asked ? names.filter((n) => asked.has(n)) : names);

    if (perAgent) {
      const filter = { from: q.from, to: q.to, agents: q.agent };
      const grain = q.grain === 'interval' ? 'day' : q.grain;
      const { rows, totals } = await sumAgentDays(db, { filter, grain, byAgent: q.by === 'agent' });
      const names = only(kpisMeasureNames);
      const measures = (s: Parameters<typeof agentQueueMeasures>[0]) => {
        const all: Record<string, number | null> = { ...agentQueueMeasures(s), ...emptyDailyMeasures() };
        return asked ? Object.fromEntries(names.map((n) => [n, all[n]!])) : all;
      };
      return c.json({
        grain: q.grain,
        by: q.by,
        sl_threshold_seconds: null,
        from: q.from ?? null,
        to: q.to ?? null,
        rows: rows.map((r) => ({ period: r.period, ...(r.agent_id !== undefined && { agent_id: r.agent_id }), ...measures(r) })),
        totals: measures(totals),
      });
    }

    if (q.grain === 'interval') {
      let { from, to } = q;
      if (!from || !to) {
        const last = to ?? (await lastIntervalDay(db));
        to ??= last ?? undefined;
        from ??= to ? plusDays(to, -6) : undefined;
      }
      if (from && to && dayNumber(to) - dayNumber(from) + 1 > MAX_INTERVAL_DAYS) {
        throw badParameter('from', `grain=interval covers at most ${MAX_INTERVAL_DAYS} days (${from} to ${to} is longer)`);
      }
      const filter = { from, to, queues: q.queue };
      const names = only(queueMeasureNames);
      const needed = sumsFor(names);
      const columns = asked ? queueSumColumns.filter((c) => needed.includes(c)) : queueSumColumns;
      const { rows, totals, slThreshold } = await sumIntervals(db, { filter, byQueue: q.by === 'queue', columns });
      return c.json({
        grain: q.grain,
        by: q.by,
        sl_threshold_seconds: slThreshold,
        from: from ?? null,
        to: to ?? null,
        rows: rows.map((r) => ({ period: r.period, ...(r.queue_id !== undefined && { queue_id: r.queue_id }), ...measureValues(names, r) })),
        totals: measureValues(names, totals),
      });
    }

    const filter = { from: q.from, to: q.to, queues: q.queue, channels: q.channel };
    const keys = q.by === 'queue' ? (['queue_id'] as const) : q.by === 'channel' ? (['channel'] as const) : ([] as const);
    const names = only(kpisMeasureNames);
    const needed = sumsFor(names);
    const columns = [...queueSumColumns, ...dailySumColumns].filter((c) => !asked || needed.includes(c));
    const backlog = names.includes('backlog');
    const { rows, totals, slThreshold } = await sumDaily(deps, { filter, grain: q.grain, keys: [...keys], columns, backlog });
    return c.json({
      grain: q.grain,
      by: q.by,
      sl_threshold_seconds: slThreshold,
      from: q.from ?? null,
      to: q.to ?? null,
      rows: rows.map((r) => ({
        period: r.period!,
        ...(r.queue_id !== undefined && { queue_id: r.queue_id }),
        ...(r.channel !== undefined && { channel: r.channel }),
        ...measureValues(names, r, r.backlog),
      })),
      totals: measureValues(names, totals, totals.backlog),
    });
  });
}
