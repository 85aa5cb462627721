/**
 * Charts of the workforce page: forecast against actual volume per interval, and required agents (Erlang C
 * and A, from the staffing plan or a what-if) against the scheduled and observed agents.
 */
import type { TopLevelSpec } from 'vega-lite';
import { t, type Lang, type MessageKey } from '../i18n.ts';
import { COLORS, DATA, frame, TIMESTAMP_UTC } from './common.ts';

export interface PeriodOptions {
  /** First and last day (YYYY-MM-DD) the time axis spans, so charts of one page line up. */
  from?: string;
  to?: string;
}

/** Midnight of `day` (YYYY-MM-DD) plus `plusDays`, as a Vega-Lite UTC date-time. */
function utcDay(day: string, plusDays = 0) {
  const d = new Date(Date.parse(`${day}T00:00:00Z`) + plusDays * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate(), utc: true };
}

const timeAxis = (p: PeriodOptions) => ({
  field: 'interval_start',
  type: 'temporal' as const,
  title: null,
  scale: { type: 'utc' as const, ...(p.from && p.to ? { domain: [utcDay(p.from), utcDay(p.to, 1)] } : {}) },
  // Numeric labels that read the same in both languages: days as 11-23, hours as 14:00.
  axis: {
    labelOverlap: true,
    grid: false,
    labelAngle: 0,
    format: { year: '%Y', quarter: '%Y-%m', month: '%Y-%m', week: '%m-%d', date: '%m-%d', hours: '%H:%M', minutes: '%H:%M', seconds: '%H:%M:%S', milliseconds: '%H:%M:%S' },
  },
});

/**
 * Rows (one per interval, `YYYY-MM-DD HH:MM:SS`): interval_start, forecast, lower, upper, actual — any of the
 * measures may be missing (no forecast built, interval not yet happened).
 */
export function forecastActualSpec(o: { lang: Lang } & PeriodOptions): TopLevelSpec {
  const names = { range: t(o.lang, 'forecast_range'), forecast: t(o.lang, 'forecast'), actual: t(o.lang, 'actual_offered') };
  const volume = t(o.lang, 'volume');
  const color = {
    type: 'nominal' as const,
    title: null,
    scale: { domain: [names.forecast, names.range, names.actual], range: [COLORS.primary, COLORS.primaryLight, COLORS.text] },
  };
  const tooltip = [
    { field: 'interval_start', type: 'temporal' as const, title: t(o.lang, 'interval'), format: '%Y-%m-%d %H:%M', formatType: 'utc' as const },
    { field: 'forecast', type: 'quantitative' as const, title: names.forecast, format: ',.1f' },
    { field: 'lower', type: 'quantitative' as const, title: `${names.range} ↓`, format: ',.1f' },
    { field: 'upper', type: 'quantitative' as const, title: `${names.range} ↑`, format: ',.1f' },
    { field: 'actual', type: 'quantitative' as const, title: names.actual, format: ',.0f' },
  ];
  return {
    ...frame(260),
    data: { name: DATA.rows, format: { parse: { interval_start: TIMESTAMP_UTC } } },
    encoding: { x: timeAxis(o) },
    layer: [
      {
        transform: [{ filter: { field: 'lower', valid: true } }, { filter: { field: 'upper', valid: true } }],
        mark: { type: 'area', opacity: 0.55, interpolate: 'monotone' },
        encoding: {
          y: { field: 'lower', type: 'quantitative', title: volume, axis: { tickMinStep: 1 } },
          y2: { field: 'upper' },
          color: { ...color, datum: names.range },
        },
      },
      {
        transform: [{ filter: { field: 'forecast', valid: true } }],
        mark: { type: 'line', interpolate: 'monotone' },
        encoding: { y: { field: 'forecast', type: 'quantitative', title: volume }, color: { ...color, datum: names.forecast } },
      },
      {
        transform: [{ filter: { field: 'actual', valid: true } }],
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 14, filled: true } },
        encoding: { y: { field: 'actual', type: 'quantitative', title: volume }, color: { ...color, datum: names.actual } },
      },
      {
        mark: { type: 'rule', opacity: 0, strokeWidth: 8 },
        encoding: { tooltip },
      },
    ],
  };
}

/** Series the required-agents chart can draw, each a field of its rows. */
export const agentSeries = {
  agents_erlang_c: { label: 'agents_erlang_c', color: COLORS.primary, dash: [] },
  agents_erlang_a: { label: 'agents_erlang_a', color: '#0d9488', dash: [] },
  scheduled: { label: 'scheduled', color: '#d97706', dash: [] },
  agents_logged_in: { label: 'agents_logged_in', color: '#475569', dash: [2, 2] },
  baseline_erlang_c: { label: 'baseline_erlang_c', color: '#94a3b8', dash: [6, 4] },
  whatif_erlang_c: { label: 'whatif_erlang_c', color: COLORS.primary, dash: [] },
  whatif_erlang_a: { label: 'whatif_erlang_a', color: '#0d9488', dash: [] },
} as const satisfies Record<string, { label: MessageKey; color: string; dash: readonly number[] }>;

export type AgentSeries = keyof typeof agentSeries;

export function isAgentSeries(s: string): s is AgentSeries {
  return Object.hasOwn(agentSeries, s);
}

/** Agents per interval, one stepped line per series (rows: interval_start and the series' fields), `points` dotted. */
export function requiredAgentsSpec(o: { lang: Lang; series: readonly AgentSeries[]; points?: boolean } & PeriodOptions): TopLevelSpec {
  if (o.series.length === 0) throw new Error('no series');
  const labels = o.series.map((s) => t(o.lang, agentSeries[s].label));
  const agents = t(o.lang, 'agents');
  const legend = { title: null };
  return {
    ...frame(260),
    data: { name: DATA.rows, format: { parse: { interval_start: TIMESTAMP_UTC } } },
    transform: [
      { fold: [...o.series], as: ['series', 'agents'] },
      { filter: { field: 'agents', valid: true } },
      { lookup: 'series', from: { data: { values: o.series.map((s, i) => ({ series: s, series_label: labels[i] })) }, key: 'series', fields: ['series_label'] } },
    ],
    // Dots mark each interval when there are few (a lone interval draws no line).
    mark: { type: 'line', interpolate: 'step-after', ...(o.points ? { point: { filled: true, size: 30 } } : {}) },
    encoding: {
      x: timeAxis(o),
      // Agents are whole people: no fractional ticks on a small scale.
      y: { field: 'agents', type: 'quantitative', title: agents, axis: { format: ',.0f', tickCount: 5, tickMinStep: 1 } },
      color: {
        field: 'series_label',
        type: 'nominal',
        scale: { domain: labels, range: o.series.map((s) => agentSeries[s].color) },
        legend,
      },
      strokeDash: {
        field: 'series_label',
        type: 'nominal',
        scale: { domain: labels, range: o.series.map((s) => [...agentSeries[s].dash]) },
        legend,
      },
      tooltip: [
        { field: 'interval_start', type: 'temporal', title: t(o.lang, 'interval'), format: '%Y-%m-%d %H:%M', formatType: 'utc' },
        { field: 'series_label', type: 'nominal', title: t(o.lang, 'series') },
        { field: 'agents', type: 'quantitative', title: agents, format: ',.1f' },
      ],
    },
  };
}
