/**
 * Schedule coverage: required agents against the agents the schedule puts on the queues, per interval
 * (fct_coverage summed over the chosen queues), the shortfall shaded between the two lines.
 */
import type { TopLevelSpec } from 'vega-lite';
import { t, type Lang } from '../i18n.ts';
import { COLORS, DATA, frame, TIMESTAMP_UTC } from './common.ts';

export interface CoverageOptions {
  lang: Lang;
  /** Dots on each interval (a lone interval draws no line). */
  points?: boolean;
}

/** Rows (one per interval, `YYYY-MM-DD HH:MM:SS`): interval_start, required, scheduled. */
export function coverageChart(o: CoverageOptions): TopLevelSpec {
  const names = { required: t(o.lang, 'required'), scheduled: t(o.lang, 'scheduled') };
  const agents = t(o.lang, 'agents');
  const color = {
    field: 'series_label',
    type: 'nominal' as const,
    title: null,
    scale: { domain: [names.required, names.scheduled], range: [COLORS.primary, '#d97706'] },
  };
  const x = {
    field: 'interval_start',
    type: 'temporal' as const,
    title: null,
    scale: { type: 'utc' as const },
    axis: { labelOverlap: true, grid: false, labelAngle: 0, format: { date: '%m-%d', hours: '%H:%M', minutes: '%H:%M' } },
  };
  return {
    ...frame(240),
    data: { name: DATA.rows, format: { parse: { interval_start: TIMESTAMP_UTC } } },
    transform: [
      { filter: { field: 'required', valid: true } },
      { filter: { field: 'scheduled', valid: true } },
      { calculate: 'datum.scheduled - datum.required', as: 'gap' },
      { calculate: 'min(datum.scheduled, datum.required)', as: 'short_low' },
    ],
    encoding: { x },
    layer: [
      {
        // Shortfall: from scheduled up to required where the schedule falls short.
        mark: { type: 'area', interpolate: 'step-after', color: COLORS.bad, opacity: 0.18 },
        encoding: { y: { field: 'short_low', type: 'quantitative', title: agents }, y2: { field: 'required' } },
      },
      {
        transform: [
          { fold: ['required', 'scheduled'], as: ['series', 'agents'] },
          { calculate: `datum.series === 'required' ? ${JSON.stringify(names.required)} : ${JSON.stringify(names.scheduled)}`, as: 'series_label' },
        ],
        mark: { type: 'line', interpolate: 'step-after', ...(o.points ? { point: { filled: true, size: 30 } } : {}) },
        encoding: {
          y: { field: 'agents', type: 'quantitative', title: agents, axis: { format: ',.0f', tickCount: 5, tickMinStep: 1 } },
          color: { ...color, legend: { title: null } },
        },
      },
      {
        mark: { type: 'rule', opacity: 0, strokeWidth: 8 },
        encoding: {
          tooltip: [
            { field: 'interval_start', type: 'temporal', title: t(o.lang, 'interval'), format: '%Y-%m-%d %H:%M', formatType: 'utc' },
            { field: 'required', type: 'quantitative', title: names.required, format: ',.0f' },
            { field: 'scheduled', type: 'quantitative', title: names.scheduled, format: ',.0f' },
            { field: 'gap', type: 'quantitative', title: t(o.lang, 'coverage_gap'), format: '+,.0f' },
          ],
        },
      },
    ],
  };
}
