/** GET /api/bot: bot sessions, containment, escalation and fallback per period. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { botMeasures, botSumColumns } from '../measures.ts';
import { calendarGrain, fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { sumDaily } from '../queries/daily.ts';
import { validQuery } from '../validate.ts';

const query = z
  .strictObject({
    ...period,
    queue: idList('queue').optional().describe("Hand-off queue of the session ('none' for sessions without one)."),
    channel: idList('channel').optional(),
    grain: calendarGrain.default('day'),
  })
  .superRefine(fromNotAfterTo);

const measures = {
  bot_sessions: z.number(),
  bot_contained: z.number(),
  bot_containment_rate: nullableNumber,
  bot_verified_contained: z.number().describe('Contained and no repeat contact within the self-service window.'),
  bot_verified_containment_rate: nullableNumber,
  bot_escalated: z.number(),
  bot_escalation_rate: nullableNumber,
  bot_fallback_turns: z.number(),
  bot_user_turns: z.number(),
  bot_fallback_rate: nullableNumber,
};

export const botDoc = defineRoute({
  method: 'get',
  path: '/api/bot',
  tag: 'KPIs',
  summary: 'Bot KPIs per day, week or month, from kpi_daily',
  query,
  response: z.strictObject({
    grain: z.enum(['day', 'week', 'month']),
    rows: z.array(z.strictObject({ period: z.string(), ...measures })),
    totals: z.strictObject(measures),
  }),
});

export function botRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const filter = { from: q.from, to: q.to, queues: q.queue, channels: q.channel };
    const { rows, totals } = await sumDaily(deps, { filter, grain: q.grain, keys: [], columns: botSumColumns });
    return c.json({ grain: q.grain, rows: rows.map((r) => ({ period: r.period!, ...botMeasures(r) })), totals: botMeasures(totals) });
  });
}
