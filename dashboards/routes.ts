/**
 * GET /api/spec/NAME?lang=zh|en&… — the Vega-Lite spec of one dashboard chart, built by the typed builders in
 * dashboards/specs/ (data sets left named, the page fills them in); GET /api/spec lists the charts.
 * Mounted by the API with `app.route('/api/spec', specRoutes)`.
 */
import { Hono } from 'hono';
import { isLang, pickLang } from './i18n.ts';
import { buildChart, charts, isChartName } from './specs/index.ts';

export const specRoutes = new Hono();

specRoutes.get('/', (c) =>
  c.json({
    charts: Object.entries(charts).map(([name, def]) => ({ name, summary: def.summary, parameters: ['lang', ...Object.keys(def.params.shape)] })),
  }),
);

specRoutes.get('/:name', (c) => {
  const name = c.req.param('name');
  if (!isChartName(name)) return c.json({ error: 'not found' }, 404);
  const { lang: langValues, ...raw } = c.req.queries();
  const langParam = langValues?.at(-1);
  if (langParam !== undefined && !isLang(langParam)) return c.json({ error: 'lang: one of zh, en', parameter: 'lang' }, 400);
  const result = buildChart(name, raw, pickLang(langParam, c.req.header('accept-language')));
  if (!result.ok) return c.json({ error: result.error, parameter: result.parameter }, 400);
  c.header('cache-control', 'no-cache');
  return c.json(result.spec);
});
