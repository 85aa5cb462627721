/**
 * GET /api/spec and /api/spec/{name}: the dashboards' Vega-Lite chart specs. The handlers live with the
 * dashboards (dashboards/routes.ts); this module mounts them and describes them for /openapi.json.
 */
import { z } from 'zod';
import { specRoutes } from '../../dashboards/routes.ts';
import { charts } from '../../dashboards/specs/index.ts';
import { defineRoute } from '../route.ts';

const lang = z.enum(['zh', 'en']).optional().describe('Language of the labels (default: from Accept-Language, else English).');

export const specListDoc = defineRoute({
  method: 'get',
  path: '/api/spec',
  tag: 'Dashboards',
  summary: 'The charts the dashboards can ask for, with their parameters',
  response: z.strictObject({
    charts: z.array(z.strictObject({ name: z.string(), summary: z.string(), parameters: z.array(z.string()) })),
  }),
});

export const specDoc = defineRoute({
  method: 'get',
  path: '/api/spec/{name}',
  tag: 'Dashboards',
  summary: 'The Vega-Lite spec of one chart (data sets named, filled in by the page)',
  description: 'Each chart takes its own parameters besides lang: see GET /api/spec.',
  params: z.strictObject({ name: z.enum(Object.keys(charts) as [string, ...string[]]) }),
  query: z.looseObject({ lang }),
  response: z.looseObject({ $schema: z.string().optional() }).describe('A Vega-Lite top-level spec.'),
});

export { specRoutes };
