/**
 * Breakpoints as stacked bars: each bar is the breakpoints of one type or node, split into recovered, not
 * recovered and not judgeable (unidentified customers), labelled with the recovery rate.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Transform } from 'vega-lite/types_unstable/transform.js';
import { t, type Lang } from '../i18n.ts';
import { breakpointTypeLabels, codeLabel, COLORS, DATA, frame, nodeLabel, queueLabel, roomForLabels } from './common.ts';

export type BreakpointGroup = 'type' | 'node' | 'queue';

export interface BreakpointOptions {
  lang: Lang;
  /** What one bar is: /api/breakpoints?by=type|node|queue. */
  by: BreakpointGroup;
  /** Keep the `limit` groups with the most breakpoints. */
  limit?: number;
}

function groupLabel(o: BreakpointOptions): Transform[] {
  if (o.by === 'type') return codeLabel(o.lang, 'breakpoint_type', 'group_label', breakpointTypeLabels);
  if (o.by === 'queue') return queueLabel(o.lang, 'queue_id', 'group_label');
  return nodeLabel(o.lang, 'node_key', 'group_label', 'node');
}

/** Rows of /api/breakpoints: the group key, breakpoints, recovered, recovery_known, recovery_rate. */
export function breakpointBarsSpec(o: BreakpointOptions): TopLevelSpec {
  const limit = o.limit ?? 10;
  const statuses = [t(o.lang, 'recovered_yes'), t(o.lang, 'recovered_no'), t(o.lang, 'recovered_unknown')];
  const count = t(o.lang, 'breakpoints');
  const rate = t(o.lang, 'recovery_rate');
  // "67% recovered" as an expression: the label's text around the formatted rate.
  const rateText = `'${t(o.lang, 'recovered_pct', { v: "' + format(datum.recovery_rate, '.0%') + '" })}'`;
  return {
    ...frame(Math.max(120, limit * 24)),
    data: { name: DATA.rows },
    transform: [
      { filter: 'datum.breakpoints > 0' },
      ...groupLabel(o),
      // Groups that share a label (a node seen in several queues) add up; the rate is recomputed from counts.
      {
        aggregate: [
          { op: 'sum', field: 'breakpoints', as: 'breakpoints' },
          { op: 'sum', field: 'recovered', as: 'recovered' },
          { op: 'sum', field: 'recovery_known', as: 'recovery_known' },
        ],
        groupby: ['group_label'],
      },
      { calculate: 'datum.recovery_known > 0 ? datum.recovered / datum.recovery_known : null', as: 'recovery_rate' },
      { window: [{ op: 'row_number', as: 'rank' }], sort: [{ field: 'breakpoints', order: 'descending' }, { field: 'group_label', order: 'ascending' }] },
      { filter: `datum.rank <= ${limit}` },
      { calculate: 'datum.recovered', as: statuses[0]! },
      { calculate: 'datum.recovery_known - datum.recovered', as: statuses[1]! },
      { calculate: 'datum.breakpoints - datum.recovery_known', as: statuses[2]! },
      { calculate: `isValid(datum.recovery_rate) ? ${rateText} : ''`, as: 'rate_label' },
    ],
    encoding: {
      y: {
        field: 'group_label',
        type: 'nominal',
        sort: { field: 'rank', op: 'min', order: 'ascending' },
        title: null,
        axis: { ticks: false, domain: false, labelPadding: 6 },
      },
    },
    layer: [
      {
        transform: [
          { fold: statuses, as: ['status', 'count'] },
          { calculate: `indexof(${JSON.stringify(statuses).replace(/"/g, "'")}, datum.status)`, as: 'status_order' },
        ],
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          x: { field: 'count', type: 'quantitative', stack: 'zero', title: count, axis: { format: ',.0f', tickCount: 4, tickMinStep: 1 } },
          color: {
            field: 'status',
            type: 'nominal',
            title: t(o.lang, 'recovery_status'),
            scale: { domain: statuses, range: [COLORS.good, COLORS.bad, COLORS.muted] },
          },
          order: { field: 'status_order', type: 'quantitative' },
          tooltip: [
            { field: 'group_label', type: 'nominal', title: o.by === 'type' ? t(o.lang, 'breakpoint_type') : o.by === 'node' ? t(o.lang, 'node') : t(o.lang, 'queue') },
            { field: 'status', type: 'nominal', title: t(o.lang, 'recovery_status') },
            { field: 'count', type: 'quantitative', title: count, format: ',.0f' },
            { field: 'breakpoints', type: 'quantitative', title: count, format: ',.0f' },
            { field: 'recovery_rate', type: 'quantitative', title: rate, format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 5, color: COLORS.subtle },
        encoding: {
          x: { field: 'breakpoints', type: 'quantitative' },
          text: { field: 'rate_label', type: 'nominal' },
        },
      },
      roomForLabels('breakpoints', o.lang === 'en' ? 1.35 : 1.25),
    ],
  };
}
