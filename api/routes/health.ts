/** GET /api/health: the server answers and which build of the marts it reads. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { defineRoute } from '../route.ts';
import { latestBuild } from '../queries/meta.ts';

export const healthDoc = defineRoute({
  method: 'get',
  path: '/api/health',
  tag: 'Meta',
  summary: 'Liveness and the published build of the marts',
  response: z.strictObject({
    ok: z.literal(true),
    build: z
      .strictObject({ schema_name: z.string(), finished_at: z.string().describe('YYYY-MM-DD HH:MM:SS'), status: z.string().describe('ok or tests_failed') })
      .nullable()
      .describe('The last build (build_history), null before the first.'),
  }),
});

export function healthRouter(deps: Deps) {
  return new Hono().get('/', async (c) => c.json({ ok: true as const, build: await latestBuild(deps.db) }));
}
