/** GET /api/agents: each agent's figures over the period, from kpi_agent_daily. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { agentQueueMeasures } from '../measures.ts';
import { fromNotAfterTo, idList, period } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { notReadyByReason, sumPerAgent } from '../queries/agents.ts';
import { validQuery } from '../validate.ts';

const query = z
  .strictObject({
    ...period,
    queue: idList('queue').optional().describe("Agents whose primary queue (dim_agent: the queue of most of their answered contacts) is one of these."),
  })
  .superRefine(fromNotAfterTo);

export const agentsDoc = defineRoute({
  method: 'get',
  path: '/api/agents',
  tag: 'KPIs',
  summary: 'Agent figures summed per agent',
  query,
  response: z.strictObject({
    rows: z.array(
      z.strictObject({
        agent_id: z.string(),
        primary_queue_id: z.string().nullable(),
        answered: z.number(),
        handle_seconds: z.number(),
        aht_seconds: nullableNumber,
        transferred: z.number(),
        transfer_rate: nullableNumber,
        csat_responses: z.number(),
        csat_top2_rate: nullableNumber,
        logged_in_seconds: z.number(),
        ready_seconds: z.number(),
        handle_state_seconds: z.number(),
        not_ready_seconds: z.number(),
        not_ready_by_reason: z.record(z.string(), z.number()).describe('Seconds not ready per reason code.'),
        occupancy: nullableNumber,
        utilization: nullableNumber,
        shrinkage: nullableNumber,
      }),
    ),
  }),
});

export function agentsRouter(deps: Deps) {
  return new Hono().get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const filter = { from: q.from, to: q.to, queues: q.queue };
    const [rows, reasons] = await Promise.all([sumPerAgent(deps.db, filter), notReadyByReason(deps.db, filter)]);
    const byAgent = new Map<string, Record<string, number>>();
    for (const r of reasons) {
      const m = byAgent.get(r.agent_id) ?? {};
      m[r.reason] = r.seconds;
      byAgent.set(r.agent_id, m);
    }
    return c.json({
      rows: rows.map((r) => {
        const handle = r.handle_state_seconds;
        const m = agentQueueMeasures(r);
        return {
          agent_id: r.agent_id,
          primary_queue_id: r.primary_queue_id,
          answered: r.answered,
          handle_seconds: r.handle_seconds,
          aht_seconds: m.aht_seconds,
          transferred: r.transferred,
          transfer_rate: m.transfer_rate,
          csat_responses: r.csat_responses,
          csat_top2_rate: m.csat_top2_rate,
          logged_in_seconds: r.logged_in_seconds,
          ready_seconds: r.ready_seconds,
          handle_state_seconds: handle,
          not_ready_seconds: r.not_ready_seconds,
          not_ready_by_reason: byAgent.get(r.agent_id) ?? {},
          occupancy: m.occupancy,
          utilization: m.utilization,
          shrinkage: m.shrinkage,
        };
      }),
    });
  });
}
