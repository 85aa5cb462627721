/**
 * Charts of the operations overview: a KPI's daily trend against its target, the channel mix, the queue-days
 * and intervals with the lowest service level.
 */
import type { TopLevelSpec } from 'vega-lite';
import { t, type Lang } from '../i18n.ts';
import { channelLabel, COLORS, roomForLabels, targetRule, type Layer, DATA, DATE_UTC, frame, numberFormat, queueLabel, TIMESTAMP_UTC } from './common.ts';
import { tileMetric } from './metrics.ts';

export interface TrendOptions {
  lang: Lang;
  /** A field of /api/kpis rows listed in metrics.json (service_level, asa_seconds, …). */
  metric: string;
  target?: number | null;
  /** Service-level threshold T, printed in the service-level title ("SL 20 s"). */
  thresholdSeconds?: number | null;
}

/** The metric's title: service level always names its threshold T. */
export function metricTitle(lang: Lang, metric: string, thresholdSeconds?: number | null): string {
  const m = tileMetric(metric);
  if (!m) throw new Error(`unknown metric ${metric}`);
  return m.field === 'service_level' && thresholdSeconds != null ? t(lang, 'service_level_t', { t: thresholdSeconds }) : t(lang, m.field);
}

/** Daily line of one KPI (rows of /api/kpis?grain=day: period, METRIC, offered) with its target as a dashed rule. */
export function kpiTrendSpec(o: TrendOptions): TopLevelSpec {
  const m = tileMetric(o.metric);
  if (!m) throw new Error(`unknown metric ${o.metric}`);
  const title = metricTitle(o.lang, o.metric, o.thresholdSeconds);
  const format = numberFormat(m.unit);
  const x = {
    field: 'period',
    type: 'temporal' as const,
    timeUnit: 'utcyearmonthdate' as const,
    title: null,
    axis: { format: '%m-%d', labelAngle: 0, grid: false, labelOverlap: true },
  };
  const layers: Layer[] = [
    {
      transform: [{ filter: { field: m.field, valid: true } }],
      mark: { type: 'line', color: COLORS.primary, point: { filled: true, size: 36, color: COLORS.primary } },
      encoding: {
        x,
        // Zoomed to the values and the target: day-to-day moves of a few points are what a director looks for.
        y: { field: m.field, type: 'quantitative', title, axis: { format, tickCount: 5 }, scale: { zero: false, nice: true } },
        tooltip: [
          { field: 'period', type: 'temporal', timeUnit: 'utcyearmonthdate', title: t(o.lang, 'date'), format: '%Y-%m-%d' },
          { field: m.field, type: 'quantitative', title, format: numberFormat(m.unit, true) },
          { field: 'offered', type: 'quantitative', title: t(o.lang, 'offered'), format: ',.0f' },
        ],
      },
    },
  ];
  if (o.target != null && Number.isFinite(o.target)) {
    const label = t(o.lang, 'target_value', { v: formatValue(o.target, m.unit) });
    layers.push(
      targetRule(o.target, 'y', { label }),
      {
        data: { values: [{ target: o.target, label }] },
        // In the right margin, beside the rule's end, clear of the line.
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, x: 'width', color: COLORS.target, fontWeight: 600 },
        encoding: { y: { field: 'target', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  return {
    ...frame(240),
    data: { name: DATA.rows, format: { parse: { period: DATE_UTC } } },
    layer: layers,
  };
}

/** A value of `unit` as the target label prints it (80%, 30 s). */
function formatValue(v: number, unit: 'share' | 'seconds' | 'count'): string {
  if (unit === 'share') return `${Math.round(v * 1000) / 10}%`;
  if (unit === 'seconds') return `${Math.round(v)} s`;
  return String(Math.round(v));
}

/** Share of touchpoints per channel (rows of /api/kpis?by=channel, any grain: channel, touchpoints). */
export function channelMixSpec(o: { lang: Lang }): TopLevelSpec {
  const tp = t(o.lang, 'touchpoints');
  return {
    ...frame(200),
    data: { name: DATA.rows },
    transform: [
      // Rows may be per period and channel: one bar per channel.
      { aggregate: [{ op: 'sum', field: 'touchpoints', as: 'touchpoints' }], groupby: ['channel'] },
      { filter: 'datum.touchpoints > 0' },
      ...channelLabel(o.lang, 'channel', 'channel_label'),
      { joinaggregate: [{ op: 'sum', field: 'touchpoints', as: 'total' }] },
      { calculate: 'datum.touchpoints / datum.total', as: 'share' },
    ],
    encoding: {
      y: { field: 'channel_label', type: 'nominal', sort: { field: 'touchpoints', op: 'max', order: 'descending' }, title: null, axis: { ticks: false, domain: false, labelPadding: 6 } },
      x: { field: 'touchpoints', type: 'quantitative', title: tp, axis: { format: ',.0f', tickCount: 4, tickMinStep: 1 } },
      tooltip: [
        { field: 'channel_label', type: 'nominal', title: t(o.lang, 'channel') },
        { field: 'touchpoints', type: 'quantitative', title: tp, format: ',.0f' },
        { field: 'share', type: 'quantitative', title: t(o.lang, 'share'), format: '.1%' },
      ],
    },
    layer: [
      { mark: { type: 'bar', color: COLORS.primary, height: { band: 0.7 } } },
      {
        mark: { type: 'text', align: 'left', dx: 4, color: COLORS.subtle },
        encoding: { text: { field: 'share', type: 'quantitative', format: '.0%' } },
      },
      roomForLabels('touchpoints', 1.12),
    ],
  };
}

/**
 * The `limit` queue-days with the lowest service level (rows of /api/kpis?grain=day&by=queue: period, queue_id,
 * service_level, offered), red where under target, with the target rule.
 */
export function worstQueueDaysSpec(o: { lang: Lang; target?: number | null; thresholdSeconds?: number | null; limit?: number }): TopLevelSpec {
  const limit = o.limit ?? 10;
  const title = metricTitle(o.lang, 'service_level', o.thresholdSeconds);
  const target = o.target != null && Number.isFinite(o.target) ? o.target : null;
  const encoding = {
    y: { field: 'label', type: 'nominal' as const, sort: { field: 'rank', op: 'min' as const, order: 'ascending' as const }, title: null, axis: { ticks: false, domain: false, labelPadding: 6 } },
    // Up to 110 % so the label of a full bar fits; the axis stops at 100 %.
    x: { field: 'service_level', type: 'quantitative' as const, title, scale: { domain: [0, 1.1] }, axis: { format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] } },
    tooltip: [
      { field: 'queue_label', type: 'nominal' as const, title: t(o.lang, 'queue') },
      { field: 'period', type: 'nominal' as const, title: t(o.lang, 'date') },
      { field: 'service_level', type: 'quantitative' as const, title, format: '.1%' },
      { field: 'offered', type: 'quantitative' as const, title: t(o.lang, 'offered'), format: ',.0f' },
    ],
  };
  const layers: Layer[] = [
    {
      encoding,
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            color:
              target == null
                ? { value: COLORS.primary }
                : { condition: { test: `datum.service_level < ${target}`, value: COLORS.bad }, value: COLORS.primary },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, color: COLORS.subtle },
          encoding: { text: { field: 'service_level', type: 'quantitative', format: '.0%' } },
        },
      ],
    },
  ];
  if (target != null) layers.push(targetRule(target, 'x'));
  return {
    ...frame(Math.max(120, limit * 22)),
    data: { name: DATA.rows },
    transform: [
      { filter: { field: 'service_level', valid: true } },
      { filter: 'datum.offered > 0' },
      { window: [{ op: 'row_number', as: 'rank' }], sort: [{ field: 'service_level', order: 'ascending' }, { field: 'offered', order: 'descending' }] },
      { filter: `datum.rank <= ${limit}` },
      ...queueLabel(o.lang, 'queue_id', 'queue_label'),
      { calculate: "datum.queue_label + ' · ' + substring(datum.period, 5, 10)", as: 'label' },
    ],
    layer: layers,
  };
}

/**
 * Service level per interval as a calendar heat-map, date × time of day (rows of /api/kpis?grain=interval:
 * period, service_level, offered); colours diverge at the target, empty intervals stay blank. `days` (the
 * period's length) sets the height.
 */
export function intervalHeatmapSpec(o: { lang: Lang; target?: number | null; thresholdSeconds?: number | null; days?: number }): TopLevelSpec {
  const title = metricTitle(o.lang, 'service_level', o.thresholdSeconds);
  const mid = o.target != null && Number.isFinite(o.target) ? o.target : 0.8;
  return {
    // One row per day of the period, 18 px each within 120–560 px.
    ...frame(Math.min(560, Math.max(120, (o.days ?? 7) * 18))),
    data: { name: DATA.rows, format: { parse: { period: TIMESTAMP_UTC } } },
    transform: [{ filter: { field: 'service_level', valid: true } }, { filter: 'datum.offered > 0' }],
    mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1, cornerRadius: 2 },
    encoding: {
      x: {
        field: 'period',
        type: 'ordinal',
        timeUnit: 'utchoursminutes',
        title: t(o.lang, 'time_of_day'),
        // Every second full hour is labelled: 48 half-hour labels would overlap.
        axis: {
          labelExpr: "utcminutes(datum.value) === 0 && utchours(datum.value) % 2 === 0 ? utcFormat(datum.value, '%H:%M') : ''",
          labelAngle: 0,
          ticks: false,
          domain: false,
        },
      },
      y: {
        field: 'period',
        type: 'ordinal',
        timeUnit: 'utcyearmonthdate',
        title: null,
        axis: { format: '%m-%d', ticks: false, domain: false },
      },
      color: {
        field: 'service_level',
        type: 'quantitative',
        title,
        scale: { scheme: 'redyellowgreen', domain: [0, 1], domainMid: mid },
        legend: { format: '.0%', orient: 'right', direction: 'vertical', gradientLength: 120 },
      },
      tooltip: [
        { field: 'period', type: 'temporal', title: t(o.lang, 'interval'), format: '%Y-%m-%d %H:%M', formatType: 'utc' },
        { field: 'service_level', type: 'quantitative', title, format: '.1%' },
        { field: 'offered', type: 'quantitative', title: t(o.lang, 'offered'), format: ',.0f' },
      ],
    },
  };
}
