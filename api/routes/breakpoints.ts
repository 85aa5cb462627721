/** GET /api/breakpoints: where journeys broke, by type, node or queue, with recovery and a rate per 100 touchpoints. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ratio } from '../measures.ts';
import { fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { sumDaily } from '../queries/daily.ts';
import { sumBreakpoints, type BreakpointKey } from '../queries/journeys.ts';
import { validQuery } from '../validate.ts';

const query = z
  .strictObject({
    ...period,
    queue: idList('queue').optional(),
    channel: idList('channel').optional(),
    by: z.enum(['type', 'node', 'queue'], { error: 'expected type, node or queue' }).default('type').describe('type: one row per breakpoint type; node: per node and type; queue: per queue.'),
  })
  .superRefine(fromNotAfterTo);

const keysBy: Record<'type' | 'node' | 'queue', BreakpointKey[]> = {
  type: ['breakpoint_type'],
  node: ['node_key', 'breakpoint_type'],
  queue: ['queue_id'],
};

export const breakpointsDoc = defineRoute({
  method: 'get',
  path: '/api/breakpoints',
  tag: 'Journeys',
  summary: 'Journey breakpoints with recovery, from kpi_breakpoint_daily',
  description: 'per_100_touchpoints divides by the touchpoints of kpi_daily under the same filter (of the row\'s queue for by=queue).',
  query,
  response: z.strictObject({
    by: z.enum(['type', 'node', 'queue']),
    touchpoints: z.number().describe('Touchpoints under the filter (kpi_daily).'),
    rows: z.array(
      z.strictObject({
        breakpoint_type: z.string().optional(),
        node_key: z.string().optional(),
        queue_id: z.string().optional(),
        breakpoints: z.number(),
        short_abandons: z.number(),
        recovered: z.number(),
        recovery_known: z.number(),
        recovery_rate: nullableNumber,
        avg_recovery_seconds: nullableNumber,
        per_100_touchpoints: nullableNumber,
      }),
    ),
  }),
});

export function breakpointsRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const filter = { from: q.from, to: q.to, queues: q.queue, channels: q.channel };
    const [rows, touch] = await Promise.all([
      sumBreakpoints(deps.db, filter, keysBy[q.by]),
      sumDaily(deps, { filter, grain: null, keys: q.by === 'queue' ? ['queue_id'] : [], columns: ['touchpoints'] }),
    ]);
    const total = touch.totals.touchpoints;
    const perQueue = new Map(touch.rows.map((r) => [r.queue_id, r.touchpoints]));
    return c.json({
      by: q.by,
      touchpoints: total,
      rows: rows.map(({ recovery_seconds_sum, ...r }) => ({
        ...r,
        recovery_rate: ratio(r.recovered, r.recovery_known),
        avg_recovery_seconds: ratio(recovery_seconds_sum, r.recovered),
        per_100_touchpoints: ratio(100 * r.breakpoints, q.by === 'queue' ? (perQueue.get(r.queue_id) ?? 0) : total),
      })),
    });
  });
}
