/**
 * GET /api/schedule: agents' shifts as activity segments (fct_schedule); GET /api/coverage: required vs
 * scheduled agents per queue and interval (fct_coverage). Both come from `ccmart schedule`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { hasTable, type Deps } from '../deps.ts';
import { fromNotAfterTo, idList, period, wholeNumber } from '../params.ts';
import { defineRoute } from '../route.ts';
import { available, nullableNumber } from '../schemas.ts';
import { coverageRows, scheduleSegments, scheduleTableExists } from '../queries/schedule.ts';
import { validQuery } from '../validate.ts';

/** Segments answered when `limit` is not given; a week of 300 agents is about 3,000. */
export const DEFAULT_SEGMENT_LIMIT = 2000;
export const MAX_SEGMENT_LIMIT = 20000;

const scheduleQuery = z
  .strictObject({
    ...period,
    queue: idList('queue').optional(),
    agent: idList('agent').optional(),
    limit: wholeNumber(1, MAX_SEGMENT_LIMIT).optional().describe(`Most segments answered (default ${DEFAULT_SEGMENT_LIMIT}).`),
  })
  .superRefine(fromNotAfterTo);

const coverageQuery = z.strictObject({ ...period, queue: idList('queue').optional() }).superRefine(fromNotAfterTo);

export const scheduleDoc = defineRoute({
  method: 'get',
  path: '/api/schedule',
  tag: 'Workforce',
  summary: "Agents' shifts as work, break and lunch segments (fct_schedule), ordered by day, agent and start",
  query: scheduleQuery,
  response: z.strictObject({
    available,
    week: z.string().nullable().describe('ISO week (YYYY-Www) of the first segment selected; null when none.'),
    agents: z.number().describe('Distinct agents in the selection (before the limit).'),
    segments: z.number().describe('Segments in the selection (before the limit).'),
    truncated: z.boolean().describe('True when more segments matched than `limit`.'),
    rows: z.array(
      z.strictObject({
        week: z.string(),
        agent_id: z.string(),
        agent_name: z.string().nullable(),
        queue_id: z.string().nullable(),
        start_at: z.string().describe('Local time, YYYY-MM-DD HH:MM:SS.'),
        end_at: z.string(),
        activity: z.enum(['work', 'break', 'lunch']),
        date: z.string(),
      }),
    ),
  }),
});

export const coverageDoc = defineRoute({
  method: 'get',
  path: '/api/coverage',
  tag: 'Workforce',
  summary: 'Required vs scheduled agents per queue and interval, with the service level the schedule gives (fct_coverage)',
  query: coverageQuery,
  response: z.strictObject({
    available,
    rows: z.array(
      z.strictObject({
        week: z.string(),
        queue_id: z.string(),
        interval_start: z.string(),
        date: z.string(),
        required: z.number(),
        scheduled: z.number(),
        gap: z.number().describe('scheduled − required.'),
        service_level_erlang_c: nullableNumber,
        service_level_erlang_a: nullableNumber,
        abandon_erlang_a: nullableNumber,
      }),
    ),
  }),
});

export function scheduleRouter(deps: Deps) {
  return new Hono().get('/', validQuery(scheduleQuery), async (c) => {
    const q = c.req.valid('query');
    if (!(await deps.memo.get('table:fct_schedule', () => scheduleTableExists(deps.db)))) {
      return c.json({ available: false, week: null, agents: 0, segments: 0, truncated: false, rows: [] });
    }
    const limit = q.limit ?? DEFAULT_SEGMENT_LIMIT;
    const r = await scheduleSegments(deps.db, { from: q.from, to: q.to, queues: q.queue, agents: q.agent }, limit);
    return c.json({ available: true, week: r.week, agents: r.agents, segments: r.segments, truncated: r.segments > r.rows.length, rows: r.rows });
  });
}

export function coverageRouter(deps: Deps) {
  return new Hono().get('/', validQuery(coverageQuery), async (c) => {
    const q = c.req.valid('query');
    if (!(await hasTable(deps, 'fct_coverage'))) return c.json({ available: false, rows: [] });
    return c.json({ available: true, rows: await coverageRows(deps.db, { from: q.from, to: q.to, queues: q.queue }) });
  });
}
