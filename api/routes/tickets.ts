/** GET /api/tickets: ticket volume, response and resolution times, SLA, reopens and backlog per period. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ticketMeasures, ticketSumColumns } from '../measures.ts';
import { calendarGrain, fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { sumDaily } from '../queries/daily.ts';
import { validQuery } from '../validate.ts';

const query = z
  .strictObject({
    ...period,
    queue: idList('queue').optional(),
    channel: idList('channel').optional(),
    grain: calendarGrain.default('day'),
  })
  .superRefine(fromNotAfterTo);

const measures = {
  tickets_created: z.number(),
  tickets_responded: z.number(),
  avg_first_response_seconds: nullableNumber,
  tickets_resolved: z.number(),
  avg_resolution_seconds: nullableNumber,
  tickets_due: z.number(),
  tickets_met_sla: z.number(),
  ticket_sla_rate: nullableNumber,
  tickets_reopened: z.number().describe('Of the tickets resolved in the period, those reopened at least once.'),
  reopen_rate: nullableNumber,
  backlog: z.number().describe('Tickets open at the end of the period.'),
};

export const ticketsDoc = defineRoute({
  method: 'get',
  path: '/api/tickets',
  tag: 'KPIs',
  summary: 'Ticket KPIs per day, week or month, from kpi_daily',
  query,
  response: z.strictObject({
    grain: z.enum(['day', 'week', 'month']),
    rows: z.array(z.strictObject({ period: z.string(), ...measures })),
    totals: z.strictObject(measures),
  }),
});

export function ticketsRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const filter = { from: q.from, to: q.to, queues: q.queue, channels: q.channel };
    const { rows, totals } = await sumDaily(deps, { filter, grain: q.grain, keys: [], columns: ticketSumColumns, backlog: true });
    return c.json({
      grain: q.grain,
      rows: rows.map((r) => ({ period: r.period!, ...ticketMeasures(r, r.backlog) })),
      totals: ticketMeasures(totals, totals.backlog),
    });
  });
}
