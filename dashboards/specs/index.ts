/**
 * Every chart a page can ask for, by name: the query parameters it takes (zod) and the builder that turns them
 * into a Vega-Lite spec. GET /api/spec/NAME serves them (dashboards/routes.ts).
 */
import { z } from 'zod';
import type { TopLevelSpec } from 'vega-lite';
import type { Lang } from '../i18n.ts';
import { breakpointBarsSpec } from './breakpoints.ts';
import { coverageChart } from './coverage.ts';
import { fcrByChannelSpec, flowMatrixSpec, topTransitionsSpec } from './journeys.ts';
import { tileMetrics } from './metrics.ts';
import { channelMixSpec, intervalHeatmapSpec, kpiTrendSpec, worstQueueDaysSpec } from './overview.ts';
import { MAX_GANTT_AGENTS, scheduleGantt } from './schedule.ts';
import { agentSeries, forecastActualSpec, requiredAgentsSpec, type AgentSeries } from './workforce.ts';

const target = z.coerce.number().finite().min(0).max(1_000_000).optional();
const threshold = z.coerce.number().finite().min(0).max(1_000_000).optional();
const limit = z.coerce.number().int().min(1).max(100).optional();
const level = z.enum(['type', 'node']).default('type');
const day = z.iso.date({ error: 'expected a date YYYY-MM-DD' }).optional();
const metricNames = tileMetrics.map((m) => m.field as string);
const seriesNames = Object.keys(agentSeries) as AgentSeries[];

interface ChartDef<S extends z.ZodType> {
  summary: string;
  params: S;
  build: (p: z.infer<S>, lang: Lang) => TopLevelSpec;
}

function chart<S extends z.ZodType>(def: ChartDef<S>): ChartDef<S> {
  return def;
}

export const charts = {
  'kpi-trend': chart({
    summary: 'Daily line of one KPI with its target rule; data: /api/kpis?grain=day rows',
    params: z.object({ metric: z.string().refine((m) => metricNames.includes(m), { message: `one of ${metricNames.join(', ')}` }).default('service_level'), target, threshold }),
    build: (p, lang) => kpiTrendSpec({ lang, metric: p.metric, target: p.target, thresholdSeconds: p.threshold }),
  }),
  'channel-mix': chart({
    summary: 'Touchpoints per channel with shares; data: /api/kpis?by=channel rows, channels: /api/meta channels',
    params: z.object({}),
    build: (_p, lang) => channelMixSpec({ lang }),
  }),
  'worst-queue-days': chart({
    summary: 'Queue-days with the lowest service level; data: /api/kpis?grain=day&by=queue rows, queues: /api/meta queues',
    params: z.object({ target, threshold, limit }),
    build: (p, lang) => worstQueueDaysSpec({ lang, target: p.target, thresholdSeconds: p.threshold, limit: p.limit }),
  }),
  'interval-heatmap': chart({
    summary: 'Service level per interval, date × time of day; data: /api/kpis?grain=interval rows',
    params: z.object({ target, threshold, days: z.coerce.number().int().min(1).max(3660).optional() }),
    build: (p, lang) => intervalHeatmapSpec({ lang, target: p.target, thresholdSeconds: p.threshold, days: p.days }),
  }),
  breakpoints: chart({
    summary: 'Breakpoints split by recovery; data: /api/breakpoints?by=type|node|queue rows (queues for by=queue)',
    params: z.object({ by: z.enum(['type', 'node', 'queue']).default('type'), limit }),
    build: (p, lang) => breakpointBarsSpec({ lang, by: p.by, limit: p.limit }),
  }),
  'flow-transitions': chart({
    summary: 'Busiest node-to-node steps; data: /api/flow rows',
    params: z.object({ level, limit }),
    build: (p, lang) => topTransitionsSpec({ lang, level: p.level, limit: p.limit }),
  }),
  'flow-matrix': chart({
    summary: 'From → to matrix of node-to-node steps; data: /api/flow rows',
    params: z.object({ level, limit }),
    build: (p, lang) => flowMatrixSpec({ lang, level: p.level, limit: p.limit }),
  }),
  'fcr-by-channel': chart({
    summary: 'First-contact resolution per first channel; data: /api/journeys by_first_channel, channels: /api/meta channels',
    params: z.object({ target }),
    build: (p, lang) => fcrByChannelSpec({ lang, target: p.target }),
  }),
  'forecast-actual': chart({
    summary: 'Forecast (with range) and actual volume per interval; rows: interval_start, forecast, lower, upper, actual',
    params: z.object({ from: day, to: day }),
    build: (p, lang) => forecastActualSpec({ lang, from: p.from, to: p.to }),
  }),
  'required-agents': chart({
    summary: `Agents per interval, one line per series (${seriesNames.join(', ')}); rows: interval_start and those fields`,
    params: z.object({
      series: z
        .array(z.enum(seriesNames as [AgentSeries, ...AgentSeries[]]))
        .min(1)
        .default(['agents_erlang_c', 'agents_erlang_a']),
      from: day,
      to: day,
      points: z.enum(['true', 'false']).optional(),
    }),
    build: (p, lang) => requiredAgentsSpec({ lang, series: p.series, from: p.from, to: p.to, points: p.points === 'true' }),
  }),
  coverage: chart({
    summary: 'Required vs scheduled agents per interval, shortfall shaded; data: /api/coverage rows summed per interval_start',
    params: z.object({ points: z.enum(['true', 'false']).optional() }),
    build: (p, lang) => coverageChart({ lang, points: p.points === 'true' }),
  }),
  'schedule-gantt': chart({
    summary: `One day of agents' shifts, bars coloured by activity (work, break, lunch); data: /api/schedule rows; agents: rows to make room for (1-${MAX_GANTT_AGENTS})`,
    params: z.object({ agents: z.coerce.number().int().min(1).max(MAX_GANTT_AGENTS).default(20) }),
    build: (p, lang) => scheduleGantt({ lang, agents: p.agents }),
  }),
};

export type ChartName = keyof typeof charts;

export function isChartName(name: string): name is ChartName {
  return Object.hasOwn(charts, name);
}

export type BuildResult = { ok: true; spec: TopLevelSpec } | { ok: false; error: string; parameter: string };

/**
 * Builds chart `name` from raw query values (`series` may be a list or comma-separated); unknown or bad
 * parameters are refused with the parameter's name.
 */
export function buildChart(name: ChartName, raw: Record<string, string | string[]>, lang: Lang): BuildResult {
  const def = charts[name] as unknown as ChartDef<z.ZodObject>;
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    input[key] = key === 'series' ? values.flatMap((v) => v.split(',')).filter((v) => v !== '') : values.at(-1);
  }
  const parsed = def.params.strict().safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parameter = issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : String(issue.path[0] ?? '');
    const error = issue.code === 'unrecognized_keys' ? `unknown parameter ${parameter}` : `${parameter}: ${issue.message}`;
    return { ok: false, error, parameter };
  }
  return { ok: true, spec: def.build(parsed.data, lang) };
}
