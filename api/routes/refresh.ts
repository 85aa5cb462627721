/** POST /api/refresh starts `ccmart refresh` on the server's inbox; GET /api/refresh tells how the last one went. */
import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import type { Refresher, RefreshStatus } from '../refresher.ts';
import { defineRoute } from '../route.ts';
import { validJson } from '../validate.ts';

const status = z.strictObject({
  state: z.enum(['idle', 'running', 'ok', 'failed']).describe('idle: none since the server started.'),
  started_at: z.string().nullable().describe('ISO time, UTC.'),
  finished_at: z.string().nullable(),
  exit_code: z.number().nullable().describe('0: the new build is served; 1: a file, model or data test failed and the previous build stays.'),
  message: z.string().nullable().describe("The refresh's last line of output."),
});

export const refreshDoc = defineRoute({
  method: 'post',
  path: '/api/refresh',
  tag: 'Admin',
  summary: 'Start a refresh: ingest the inbox and rebuild into a copy, then switch atomically',
  description:
    'Runs `ccmart refresh` on the served file and the inbox the server was started with (`ccmart serve --inbox DIR`). Answers 202 at once; ' +
    'GET /api/refresh follows it. Requests keep being answered from the previous build until the switch.',
  body: z.strictObject({}).describe('An empty object: the inbox and options are the server\'s.'),
  response: status,
  errors: { '202': 'the refresh started', '409': 'a refresh is already running, or the server has no inbox' },
});

export const refreshStatusDoc = defineRoute({
  method: 'get',
  path: '/api/refresh',
  tag: 'Admin',
  summary: 'State of the last refresh started from the API',
  response: status,
});

export function refreshRouter(refresher: Refresher | undefined) {
  const none: RefreshStatus = { state: 'idle', started_at: null, finished_at: null, exit_code: null, message: null };
  return new Hono()
    .get('/', (c) => c.json(refresher?.status() ?? none))
    .post('/', validJson(z.strictObject({})), (c) => {
      if (!refresher) throw new ApiError(409, 'this server has no inbox to refresh from: start it with ccmart serve --inbox DIR, or run ccmart refresh');
      if (!refresher.start()) throw new ApiError(409, 'a refresh is already running');
      return c.json(refresher.status(), 202);
    });
}
