/** GET /api/flow: node-to-node flow of touchpoints (for the journey Sankey), from kpi_node_flow. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { fromNotAfterTo, idList, period, wholeNumber } from '../params.ts';
import { defineRoute } from '../route.ts';
import { sumFlow } from '../queries/journeys.ts';
import { validQuery } from '../validate.ts';

const query = z
  .strictObject({
    ...period,
    queue: idList('queue').optional(),
    channel: idList('channel').optional(),
    min: wholeNumber(1, 1_000_000_000).default(1).describe('Leave out steps taken by fewer touchpoints.'),
  })
  .superRefine(fromNotAfterTo);

export const flowDoc = defineRoute({
  method: 'get',
  path: '/api/flow',
  tag: 'Journeys',
  summary: 'Touchpoints per step from node to node',
  description: "Entries have from_node 'start:<touchpoint type>', exits to_node 'end:<outcome>'. Sorted by touchpoints, largest first.",
  query,
  response: z.strictObject({
    rows: z.array(z.strictObject({ from_node: z.string(), to_node: z.string(), touchpoints: z.number() })),
  }),
});

export function flowRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    return c.json({ rows: await sumFlow(deps.db, { from: q.from, to: q.to, queues: q.queue, channels: q.channel }, q.min) });
  });
}
