/**
 * Charts of the journeys page: where touchpoints flow from entry (IVR, bot, ticket) to exit, as the top
 * transitions and as a from → to matrix, and first-contact resolution by the journey's first channel.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Transform } from 'vega-lite/types_unstable/transform.js';
import { t, type Lang } from '../i18n.ts';
import { channelLabel, COLORS, DATA, frame, nodeLabel, roomForLabels, targetRule, type Layer, type NodeLevel } from './common.ts';

export interface FlowOptions {
  lang: Lang;
  /** 'type' collapses nodes to their type (all agents are one "agent talk"); 'node' keeps each node. */
  level: NodeLevel;
  limit?: number;
}

/** Labels both ends of each step and adds up the steps that share them (rows: from_node, to_node, touchpoints). */
function labelledSteps(o: FlowOptions): Transform[] {
  return [
    ...nodeLabel(o.lang, 'from_node', 'from_label', o.level),
    ...nodeLabel(o.lang, 'to_node', 'to_label', o.level),
    { aggregate: [{ op: 'sum', field: 'touchpoints', as: 'touchpoints' }], groupby: ['from_label', 'to_label'] },
    { filter: 'datum.touchpoints > 0' },
  ];
}

/** The `limit` busiest steps "from → to", rows of /api/flow. */
export function topTransitionsSpec(o: FlowOptions): TopLevelSpec {
  const limit = o.limit ?? 15;
  const tp = t(o.lang, 'touchpoints');
  return {
    ...frame(Math.max(120, limit * 22)),
    data: { name: DATA.rows },
    transform: [
      ...labelledSteps(o),
      { calculate: "datum.from_label + '  →  ' + datum.to_label", as: 'transition' },
      { window: [{ op: 'row_number', as: 'rank' }], sort: [{ field: 'touchpoints', order: 'descending' }, { field: 'transition', order: 'ascending' }] },
      { filter: `datum.rank <= ${limit}` },
    ],
    encoding: {
      y: { field: 'transition', type: 'nominal', sort: { field: 'rank', op: 'min', order: 'ascending' }, title: null, axis: { ticks: false, domain: false, labelPadding: 6, labelLimit: 320 } },
      x: { field: 'touchpoints', type: 'quantitative', title: tp, axis: { format: ',.0f', tickCount: 4, tickMinStep: 1 } },
      tooltip: [
        { field: 'from_label', type: 'nominal', title: t(o.lang, 'from_node') },
        { field: 'to_label', type: 'nominal', title: t(o.lang, 'to_node') },
        { field: 'touchpoints', type: 'quantitative', title: tp, format: ',.0f' },
      ],
    },
    layer: [
      { mark: { type: 'bar', color: COLORS.primary, height: { band: 0.7 } } },
      { mark: { type: 'text', align: 'left', dx: 4, color: COLORS.subtle }, encoding: { text: { field: 'touchpoints', type: 'quantitative', format: ',.0f' } } },
      roomForLabels('touchpoints', 1.12),
    ],
  };
}

/** From → to heat-map of touchpoints per step, rows of /api/flow; each row of the matrix is a node left. */
export function flowMatrixSpec(o: FlowOptions): TopLevelSpec {
  const tp = t(o.lang, 'touchpoints');
  const limit = o.limit ?? 25;
  return {
    ...frame(360),
    data: { name: DATA.rows },
    transform: [
      ...labelledSteps(o),
      // Keep the steps leaving and entering the busiest nodes so the matrix stays readable.
      { joinaggregate: [{ op: 'sum', field: 'touchpoints', as: 'from_total' }], groupby: ['from_label'] },
      { joinaggregate: [{ op: 'sum', field: 'touchpoints', as: 'to_total' }], groupby: ['to_label'] },
      { window: [{ op: 'dense_rank', as: 'from_rank' }], sort: [{ field: 'from_total', order: 'descending' }, { field: 'from_label', order: 'ascending' }] },
      { window: [{ op: 'dense_rank', as: 'to_rank' }], sort: [{ field: 'to_total', order: 'descending' }, { field: 'to_label', order: 'ascending' }] },
      { filter: `datum.from_rank <= ${limit} && datum.to_rank <= ${limit}` },
      { joinaggregate: [{ op: 'max', field: 'touchpoints', as: 'max_touchpoints' }] },
    ],
    encoding: {
      x: {
        field: 'to_label',
        type: 'nominal',
        sort: { field: 'to_total', op: 'max', order: 'descending' },
        title: t(o.lang, 'to_node'),
        axis: { orient: 'top', labelAngle: -40, labelAlign: 'left', ticks: false, domain: false, labelLimit: 160 },
      },
      y: {
        field: 'from_label',
        type: 'nominal',
        sort: { field: 'from_total', op: 'max', order: 'descending' },
        title: t(o.lang, 'from_node'),
        axis: { ticks: false, domain: false, labelLimit: 200 },
      },
      tooltip: [
        { field: 'from_label', type: 'nominal', title: t(o.lang, 'from_node') },
        { field: 'to_label', type: 'nominal', title: t(o.lang, 'to_node') },
        { field: 'touchpoints', type: 'quantitative', title: tp, format: ',.0f' },
      ],
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1, cornerRadius: 2 },
        encoding: {
          color: { field: 'touchpoints', type: 'quantitative', title: tp, scale: { scheme: 'blues', type: 'sqrt' }, legend: { orient: 'right', direction: 'vertical', gradientLength: 120 } },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          // Short numbers (56k) fit a cell.
          text: { field: 'touchpoints', type: 'quantitative', format: '.2~s' },
          color: { condition: { test: 'datum.touchpoints > 0.36 * datum.max_touchpoints', value: '#ffffff' }, value: COLORS.text },
        },
      },
    ],
  };
}

/**
 * First-contact resolution per first channel of the journey (rows of /api/journeys `by_first_channel`:
 * channel, journeys, fcr_rate) with the FCR target.
 */
export function fcrByChannelSpec(o: { lang: Lang; target?: number | null }): TopLevelSpec {
  const title = t(o.lang, 'fcr_rate');
  const target = o.target != null && Number.isFinite(o.target) ? o.target : null;
  const layers: Layer[] = [
    {
      encoding: {
        y: { field: 'channel_label', type: 'nominal', sort: { field: 'fcr_rate', op: 'max', order: 'descending' }, title: null, axis: { ticks: false, domain: false, labelPadding: 6 } },
        x: { field: 'fcr_rate', type: 'quantitative', title, scale: { domain: [0, 1.1] }, axis: { format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] } },
        tooltip: [
          { field: 'channel_label', type: 'nominal', title: t(o.lang, 'channel') },
          { field: 'journeys', type: 'quantitative', title: t(o.lang, 'journeys'), format: ',.0f' },
          { field: 'fcr_rate', type: 'quantitative', title, format: '.1%' },
        ],
      },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            color: target == null ? { value: COLORS.primary } : { condition: { test: `datum.fcr_rate < ${target}`, value: COLORS.bad }, value: COLORS.primary },
          },
        },
        { mark: { type: 'text', align: 'left', dx: 4, color: COLORS.subtle }, encoding: { text: { field: 'fcr_rate', type: 'quantitative', format: '.0%' } } },
      ],
    },
  ];
  if (target != null) layers.push(targetRule(target, 'x'));
  return {
    ...frame(160),
    data: { name: DATA.rows },
    transform: [{ filter: 'datum.journeys > 0' }, { filter: { field: 'fcr_rate', valid: true } }, ...channelLabel(o.lang, 'channel', 'channel_label')],
    layer: layers,
  };
}
