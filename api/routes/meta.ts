/** GET /api/meta: what the dashboards need to draw filters and targets. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { defineRoute } from '../route.ts';
import { channels, config, dateRange, queues, targets } from '../queries/meta.ts';

export const metaDoc = defineRoute({
  method: 'get',
  path: '/api/meta',
  tag: 'Meta',
  summary: 'Queues, channels, KPI targets, the date range with data and the configuration',
  response: z.strictObject({
    queues: z.array(
      z.strictObject({
        queue_id: z.string(),
        queue_name: z.string().describe('Display name (Chinese where the catalog has it).'),
        queue_name_en: z.string(),
        channel: z.string().nullable(),
        in_catalog: z.boolean(),
        sl_threshold_seconds: z.number(),
        sl_target: z.number().nullable(),
        abandon_target: z.number().nullable(),
        asa_target_seconds: z.number().nullable(),
      }),
    ),
    channels: z.array(z.strictObject({ channel: z.string(), channel_name: z.string(), channel_name_zh: z.string(), is_realtime: z.boolean() })),
    targets: z.array(z.strictObject({ metric: z.string(), target: z.number(), direction: z.string(), unit: z.string().nullable(), description: z.string().nullable() })),
    date_range: z.strictObject({ from: z.string(), to: z.string() }).nullable().describe('First and last day of kpi_daily; null when empty.'),
    sl_threshold_seconds: z.number().describe('Default service-level threshold T (queues may override it).'),
    interval_minutes: z.number().describe('Width of the kpi_interval intervals.'),
    timezone: z.string().describe('Time zone of the wall-clock times.'),
  }),
});

export function metaRouter(deps: Deps) {
  return new Hono().get('/', async (c) => {
    const { db } = deps;
    const [q, ch, t, range, cfg] = await Promise.all([queues(db), channels(db), targets(db), dateRange(db), config(db)]);
    return c.json({
      queues: q,
      channels: ch,
      targets: t,
      date_range: range,
      sl_threshold_seconds: cfg?.sl_threshold_seconds ?? 20,
      interval_minutes: cfg?.interval_minutes ?? 30,
      timezone: cfg?.timezone ?? 'Asia/Shanghai',
    });
  });
}
