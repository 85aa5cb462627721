/** GET /api/staffing: required agents per queue and interval (fct_staffing) beside observed and scheduled agents. */
import { Hono } from 'hono';
import { z } from 'zod';
import { hasTable, type Deps } from '../deps.ts';
import { periodAndQueues } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { queueIntervalAnswer, staffingRows } from '../queries/workforce.ts';
import { validQuery } from '../validate.ts';

export const staffingDoc = defineRoute({
  method: 'get',
  path: '/api/staffing',
  tag: 'Workforce',
  summary: 'Required agents (Erlang C and A) per queue and interval, with agents logged in and scheduled',
  query: periodAndQueues,
  response: queueIntervalAnswer({
    calls: z.number(),
    aht_seconds: z.number(),
    erlangs: z.number(),
    agents_erlang_c: z.number(),
    agents_erlang_a: z.number(),
    fte: z.number(),
    service_level_expected: nullableNumber,
    asa_expected_seconds: nullableNumber,
    abandon_expected: nullableNumber,
    occupancy_expected: nullableNumber,
    shrinkage: z.number(),
    sl_target: z.number(),
    sl_seconds: z.number(),
    patience_seconds: nullableNumber,
    agents_logged_in: nullableNumber.describe('Average agents logged in on the queue in that interval (kpi_interval).'),
    offered_actual: nullableNumber,
    service_level_actual: nullableNumber,
    scheduled: nullableNumber.describe('Agents scheduled (fct_coverage); null without a schedule.'),
    gap: nullableNumber.describe('scheduled − required (fct_coverage).'),
  }),
});

export function staffingRouter(deps: Deps) {
  return new Hono().get('/', validQuery(periodAndQueues), async (c) => {
    const q = c.req.valid('query');
    if (!(await hasTable(deps, 'fct_staffing'))) return c.json({ available: false, rows: [] });
    const coverage = await hasTable(deps, 'fct_coverage');
    return c.json({ available: true, rows: await staffingRows(deps.db, { from: q.from, to: q.to, queues: q.queue }, coverage) });
  });
}
