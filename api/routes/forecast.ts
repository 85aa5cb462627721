/** GET /api/forecast: the interval forecast beside the volume that actually came, where it has. */
import { Hono } from 'hono';
import { z } from 'zod';
import { hasTable, type Deps } from '../deps.ts';
import { periodAndQueues } from '../params.ts';
import { defineRoute } from '../route.ts';
import { nullableNumber } from '../schemas.ts';
import { forecastRows, queueIntervalAnswer } from '../queries/workforce.ts';
import { validQuery } from '../validate.ts';

export const forecastDoc = defineRoute({
  method: 'get',
  path: '/api/forecast',
  tag: 'Workforce',
  summary: 'Forecast volume and AHT per queue and interval (fct_forecast) with the actuals from kpi_interval',
  query: periodAndQueues,
  response: queueIntervalAnswer({
    interval_minutes: z.number(),
    volume_forecast: z.number(),
    volume_lower: nullableNumber,
    volume_upper: nullableNumber,
    aht_forecast_seconds: nullableNumber,
    model: z.string().nullable(),
    backtest_wape: nullableNumber,
    backtest_mase: nullableNumber,
    offered_actual: nullableNumber.describe('Contacts offered in that interval (kpi_interval); null where there are no figures.'),
    aht_actual_seconds: nullableNumber,
  }),
});

export function forecastRouter(deps: Deps) {
  return new Hono().get('/', validQuery(periodAndQueues), async (c) => {
    const q = c.req.valid('query');
    if (!(await hasTable(deps, 'fct_forecast'))) return c.json({ available: false, rows: [] });
    return c.json({ available: true, rows: await forecastRows(deps.db, { from: q.from, to: q.to, queues: q.queue }) });
  });
}
