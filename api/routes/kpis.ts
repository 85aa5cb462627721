/** GET /api/kpis: queue, journey, bot and ticket KPIs per period, by queue, channel or agent. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { badParameter } from '../errors.ts';
import { agentQueueMeasures, dailyMeasures, dailySumColumns, emptyDailyMeasures, queueMeasures, queueSumColumns } from '../measures.ts';
import { fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { dailyMeasuresShape, queueMeasuresShape } from '../schemas.ts';
import { sumDaily } from '../queries/daily.ts';
import { lastIntervalDay, sumAgentDays, sumIntervals } from '../queries/kpis.ts';
import { validQuery } from '../validate.ts';

/** Interval figures are read at most this many days at a time (the last 7 days with data by default). */
export const MAX_INTERVAL_DAYS = 92;

const query = z
  .strictObject({
    ...period,
    grain: z.enum(['interval', 'day', 'week', 'month'], { error: 'expected interval, day, week or month' }).default('day').describe('Period of each row. Weeks start on Monday.'),
    queue: idList('queue').optional(),
    channel: idList('channel').optional(),
    agent: idList('agent').optional(),
    by: z.enum(['none', 'queue', 'channel', 'agent'], { error: 'expected none, queue, channel or agent' }).default('none').describe('One row per period and queue, channel or agent.'),
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
    }
  });

const row = z.strictObject({
  period: z.string().describe("'YYYY-MM-DD' (first day of the week or month), or 'YYYY-MM-DD HH:MM:SS' for grain=interval."),
  queue_id: z.string().optional(),
  channel: z.string().optional(),
  agent_id: z.string().optional(),
  ...queueMeasuresShape,
  ...dailyMeasuresShape,
});

const totals = z.strictObject({ ...queueMeasuresShape, ...dailyMeasuresShape });

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

/** The day `n` days after `day` (both 'YYYY-MM-DD'). */
const plusDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

export function kpisRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const { db } = deps;
    const perAgent = (q.agent?.length ?? 0) > 0 || q.by === 'agent';

    if (perAgent) {
      const filter = { from: q.from, to: q.to, agents: q.agent };
      const grain = q.grain === 'interval' ? 'day' : q.grain;
      const { rows, totals } = await sumAgentDays(db, { filter, grain, byAgent: q.by === 'agent' });
      return c.json({
        grain: q.grain,
        by: q.by,
        sl_threshold_seconds: null,
        from: q.from ?? null,
        to: q.to ?? null,
        rows: rows.map((r) => ({ period: r.period, ...(r.agent_id !== undefined && { agent_id: r.agent_id }), ...agentQueueMeasures(r), ...emptyDailyMeasures() })),
        totals: { ...agentQueueMeasures(totals), ...emptyDailyMeasures() },
      });
    }

    if (q.grain === 'interval') {
      let { from, to } = q;
      if (!from || !to) {
        const last = to ?? (await lastIntervalDay(db));
        to ??= last ?? undefined;
        from ??= to ? plusDays(to, -6) : undefined;
      }
      if (from && to && (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_INTERVAL_DAYS) {
        throw badParameter('from', `grain=interval covers at most ${MAX_INTERVAL_DAYS} days (${from} to ${to} is longer)`);
      }
      const filter = { from, to, queues: q.queue };
      const { rows, totals, slThreshold } = await sumIntervals(db, { filter, byQueue: q.by === 'queue' });
      return c.json({
        grain: q.grain,
        by: q.by,
        sl_threshold_seconds: slThreshold,
        from: from ?? null,
        to: to ?? null,
        rows: rows.map((r) => ({ period: r.period, ...(r.queue_id !== undefined && { queue_id: r.queue_id }), ...queueMeasures(r) })),
        totals: queueMeasures(totals),
      });
    }

    const filter = { from: q.from, to: q.to, queues: q.queue, channels: q.channel };
    const keys = q.by === 'queue' ? (['queue_id'] as const) : q.by === 'channel' ? (['channel'] as const) : ([] as const);
    const columns = [...queueSumColumns, ...dailySumColumns];
    const { rows, totals, slThreshold } = await sumDaily(deps, { filter, grain: q.grain, keys: [...keys], columns, backlog: true });
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
        ...queueMeasures(r),
        ...dailyMeasures(r, r.backlog),
      })),
      totals: { ...queueMeasures(totals), ...dailyMeasures(totals, totals.backlog) },
    });
  });
}
