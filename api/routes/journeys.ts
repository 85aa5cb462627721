/** GET /api/journeys: journeys, first-contact resolution and resolution, by the channel they started on. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { journeyMeasures } from '../measures.ts';
import { fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { sumJourneys } from '../queries/journeys.ts';
import { validQuery } from '../validate.ts';

const query = z
  .strictObject({
    ...period,
    queue: idList('queue').optional().describe('Queue of the journey\'s first touchpoint.'),
    channel: idList('channel').optional().describe('Channel of the journey\'s first touchpoint.'),
  })
  .superRefine(fromNotAfterTo);

const measures = {
  journeys: z.number(),
  fcr_journeys: z.number(),
  fcr_rate: nullableNumber,
  resolved_journeys: z.number(),
  resolved_rate: nullableNumber,
};

export const journeysDoc = defineRoute({
  method: 'get',
  path: '/api/journeys',
  tag: 'Journeys',
  summary: 'Journeys and first-contact resolution (FCR), from kpi_daily',
  description: 'Journeys count on the day, queue and channel of their first touchpoint.',
  query,
  response: z.strictObject({
    ...measures,
    by_first_channel: z.array(z.strictObject({ channel: z.string(), ...measures })),
  }),
});

export function journeysRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const filter = { from: q.from, to: q.to, queues: q.queue, channels: q.channel };
    const [[total], byChannel] = await Promise.all([sumJourneys(deps.db, filter, false), sumJourneys(deps.db, filter, true)]);
    return c.json({
      ...journeyMeasures(total!),
      by_first_channel: byChannel.map((r) => ({ channel: r.channel!, ...journeyMeasures(r) })),
    });
  });
}
