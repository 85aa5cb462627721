/** POST /api/whatif: required agents again under other targets, volumes or handle times. */
import { Hono } from 'hono';
import { z } from 'zod';
import { hasTable, type Deps } from '../deps.ts';
import { badParameter } from '../errors.ts';
import { day, idList } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { dayRange, forecastDemand, historyDemand, queuePolicies, type DemandRow } from '../queries/workforce.ts';
import { plusDays } from '../queries/filters.ts';
import { DEFAULT_SHRINKAGE, DEFAULT_SL_TARGET, queueAssumptions, whatIf } from '../whatif.ts';
import { validJson } from '../validate.ts';

/** Intervals staffed in one request at most (about a month of 30-minute intervals for 20 queues). */
export const MAX_WHATIF_INTERVALS = 30_000;

const share = (what: string) => z.number({ error: 'expected a number' }).gt(0, { error: 'must be greater than 0' }).lt(1, { error: `must be below 1 (a share: ${what})` });
const positive = () => z.number({ error: 'expected a number' }).gt(0, { error: 'must be greater than 0' });

const body = z
  .strictObject({
    queue: idList('queue').optional(),
    from: day.optional().describe('First day (default: the first forecast day, or 6 days before `to` for history).'),
    to: day.optional().describe('Last day (default: the last forecast day, or the last day with interval figures).'),
    source: z.enum(['forecast', 'history']).optional().describe('Demand from fct_forecast (default when it has rows) or from kpi_interval history.'),
    sl_target: share('0.8 = 80 % answered within sl_seconds').optional().describe(`Service-level target (default: the queue's, else ${DEFAULT_SL_TARGET}).`),
    sl_seconds: z.number({ error: 'expected a number' }).min(0, { error: 'must be 0 or more' }).max(3600, { error: 'must be at most 3600' }).optional().describe("Threshold T of the service level (default: the queue's)."),
    aht_factor: positive().max(10, { error: 'must be at most 10' }).default(1).describe('Multiplies every interval\'s AHT.'),
    aht_seconds: positive().max(86_400, { error: 'must be at most 86400' }).optional().describe('Replaces every interval\'s AHT (aht_factor is then ignored).'),
    shrinkage: z.number({ error: 'expected a number' }).min(0, { error: 'must be 0 or more' }).lt(1, { error: 'must be below 1 (a share)' }).optional().describe(`Share of paid time off the phones (default: observed, else ${DEFAULT_SHRINKAGE}).`),
    volume_factor: z.number({ error: 'expected a number' }).min(0, { error: 'must be 0 or more' }).max(100, { error: 'must be at most 100' }).default(1).describe('Multiplies every interval\'s calls.'),
    patience_seconds: positive().optional().describe('Mean caller patience for Erlang A (default: observed Σ wait ÷ abandoned; none → Erlang C only).'),
    max_occupancy: z.number({ error: 'expected a number' }).gt(0, { error: 'must be greater than 0' }).max(1, { error: 'must be at most 1' }).optional(),
    asa_seconds: positive().optional().describe('Highest acceptable average speed of answer.'),
    max_abandon: share('0.05 = 5 %').optional().describe("Highest acceptable abandonment under Erlang A (default: the queue's abandon target)."),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${v.from}) is after to (${v.to})` });
  });

export const whatifDoc = defineRoute({
  method: 'post',
  path: '/api/whatif',
  tag: 'Workforce',
  summary: 'What-if staffing: required agents per queue and interval under changed targets, volume or AHT',
  description:
    'Demand comes from fct_forecast, or from kpi_interval history when there is no forecast. Each interval is staffed with Erlang C, and with ' +
    "Erlang A when the queue's patience is known (then `agents` is the Erlang A figure). Service level, ASA and abandonment are the figures at `agents`. " +
    `At most ${MAX_WHATIF_INTERVALS} intervals per request.`,
  body,
  response: z.strictObject({
    source: z.enum(['forecast', 'history']),
    from: z.string().nullable(),
    to: z.string().nullable(),
    queues: z.array(
      z.strictObject({
        queue_id: z.string(),
        model: z.enum(['erlang-c', 'erlang-a']),
        sl_target: z.number(),
        sl_seconds: z.number(),
        shrinkage: z.number(),
        patience_seconds: nullableNumber,
        max_abandon: nullableNumber,
        aht_history_seconds: nullableNumber,
      }),
    ).describe('The assumptions each queue was staffed with.'),
    rows: z.array(
      z.strictObject({
        queue_id: z.string(),
        interval_start: z.string(),
        calls: z.number(),
        aht_seconds: z.number(),
        erlangs: z.number(),
        agents: z.number().describe('Recommended agents: Erlang A where the queue has a patience, else Erlang C.'),
        agents_erlang_c: z.number(),
        agents_erlang_a: nullableNumber,
        fte: z.number().describe('agents ÷ (1 − shrinkage).'),
        service_level: z.number(),
        asa_seconds: nullableNumber,
        occupancy: z.number(),
        abandon: nullableNumber,
      }),
    ),
    totals: z.strictObject({
      calls: z.number(),
      agent_hours: z.number(),
      agent_hours_erlang_c: z.number(),
      fte_hours: z.number(),
    }),
  }),
});

export function whatifRouter(deps: Deps) {
  return new Hono().post('/', validJson(body), async (c) => {
    const b = c.req.valid('json');
    const { db } = deps;
    const forecastTable = b.source !== 'history' && (await hasTable(deps, 'fct_forecast'));
    // The inputs of a period are read once: planners try several targets on the same week.
    const remember = <T>(what: string, filter: object, read: () => Promise<T>) => deps.memo.get(`whatif:${what}:${JSON.stringify(filter)}`, read);
    if (b.source === 'forecast' && !forecastTable) throw badParameter('source', 'the database has no forecast yet (fct_forecast)');
    let source: 'forecast' | 'history' = 'history';
    let from = b.from;
    let to = b.to;
    let demand: DemandRow[] | undefined;
    if (forecastTable) {
      const filter = { from, to, queues: b.queue };
      demand = await remember('forecast', filter, () => forecastDemand(db, filter));
      if (demand.length || b.source === 'forecast') source = 'forecast';
    }
    if (source === 'history') {
      if (!from || !to) {
        const range = await remember('range', {}, () => dayRange(db, 'kpi_interval'));
        to ??= range.to ?? undefined;
        from ??= to ? plusDays(to, -6) : undefined;
      }
      const filter = { from, to, queues: b.queue };
      demand = await remember('history', filter, () => historyDemand(db, filter));
    }
    demand ??= [];
    if (demand.length > MAX_WHATIF_INTERVALS) {
      throw badParameter('from', `${demand.length} intervals to staff, at most ${MAX_WHATIF_INTERVALS}: narrow from/to or queue`);
    }
    const period = source === 'history' ? { from, to } : {};
    const policies = await remember('policies', { queues: b.queue, ...period }, () => queuePolicies(db, b.queue, period));
    const assumptions = new Map(policies.map((p) => [p.queue_id, queueAssumptions(p, b)]));
    const { rows, totals } = whatIf(demand, assumptions, b);
    const used = new Set(rows.map((r) => r.queue_id));
    return c.json({
      source,
      from: from ?? (source === 'forecast' ? (demand[0]?.interval_start.slice(0, 10) ?? null) : null),
      to: to ?? (source === 'forecast' ? (demand.at(-1)?.interval_start.slice(0, 10) ?? null) : null),
      queues: [...assumptions.values()].filter((a) => used.has(a.queue_id)),
      rows,
      totals,
    });
  });
}
