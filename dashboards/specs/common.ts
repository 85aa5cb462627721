/**
 * Pieces every chart shares: the look (fonts that carry Chinese, muted axes, the palette), the named data
 * sets a page fills in (`datasets.rows`, `datasets.queues`, `datasets.channels`), number formats per unit and
 * the transforms that turn node keys and codes into labels of the chosen language.
 */
import type { Config, TopLevelSpec } from 'vega-lite';
import type { Transform } from 'vega-lite/types_unstable/transform.js';
import { t, type Lang, type MessageKey } from '../i18n.ts';

/** Names of the data sets a page injects as `spec.datasets[NAME]` before embedding. */
export const DATA = {
  rows: 'rows',
  queues: 'queues',
  channels: 'channels',
} as const;

export const FONT =
  'system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

export const COLORS = {
  primary: '#2563eb',
  primaryLight: '#bfd3fb',
  target: '#b45309',
  good: '#15803d',
  bad: '#dc2626',
  muted: '#94a3b8',
  text: '#1e293b',
  subtle: '#475569',
  grid: '#e8edf3',
  category: ['#2563eb', '#0d9488', '#d97706', '#7c3aed', '#db2777', '#64748b', '#65a30d', '#0891b2'],
} as const;

export type Unit = 'share' | 'seconds' | 'count';

/** d3 number format of a value of `unit` (axes and labels). */
export function numberFormat(unit: Unit, precise = false): string {
  if (unit === 'share') return precise ? '.1%' : '.0%';
  if (unit === 'seconds') return precise ? ',.1f' : ',.0f';
  return ',.0f';
}

export function chartConfig(): Config {
  return {
    font: FONT,
    background: 'transparent',
    padding: { left: 4, right: 12, top: 8, bottom: 4 },
    view: { stroke: null },
    axis: {
      labelColor: COLORS.subtle,
      titleColor: COLORS.subtle,
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 500,
      gridColor: COLORS.grid,
      domainColor: '#cbd5e1',
      tickColor: '#cbd5e1',
      labelLimit: 220,
    },
    axisY: { titlePadding: 8 },
    legend: {
      labelColor: COLORS.subtle,
      titleColor: COLORS.subtle,
      labelFontSize: 11,
      titleFontSize: 11,
      orient: 'top',
      direction: 'horizontal',
      symbolSize: 80,
    },
    range: { category: [...COLORS.category] },
    line: { strokeWidth: 2 },
    text: { fontSize: 11, color: COLORS.text },
  };
}

/** The frame of every chart: schema, look, full container width, fixed height. */
export function frame(height: number): { $schema: string; config: Config; width: 'container'; height: number; autosize: { type: 'fit-x'; contains: 'padding' } } {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig(),
    width: 'container',
    height,
    autosize: { type: 'fit-x', contains: 'padding' },
  };
}

/** A lookup from `field` to a label of `lang` (missing codes keep their own text). */
export function codeLabel(lang: Lang, field: string, as: string, labels: Record<string, MessageKey>): Transform[] {
  const values = Object.entries(labels).map(([code, key]) => ({ code, label: t(lang, key) }));
  return [
    { lookup: field, from: { data: { values }, key: 'code', fields: ['label'] }, as: [`${as}_lookup`] },
    { calculate: `isValid(datum['${as}_lookup']) ? datum['${as}_lookup'] : datum['${field}']`, as },
  ];
}

export const breakpointTypeLabels: Record<string, MessageKey> = {
  abandon_queue: 'bp_abandon_queue',
  abandon_ivr: 'bp_abandon_ivr',
  bot_fallback_exit: 'bp_bot_fallback_exit',
  bot_escalation: 'bp_bot_escalation',
  transfer: 'bp_transfer',
  repeat_contact: 'bp_repeat_contact',
  ticket_reopen: 'bp_ticket_reopen',
  sla_breach: 'bp_sla_breach',
  callback_failed: 'bp_callback_failed',
};

const nodeTypeLabels: Record<string, MessageKey> = {
  // kpi_breakpoint_daily's key for breaks without a node (repeat contacts).
  '(none)': 'node_none',
  start: 'node_start',
  end: 'node_end',
  ivr_menu: 'node_ivr_menu',
  queue: 'node_queue',
  agent_talk: 'node_agent_talk',
  hold: 'node_hold',
  transfer: 'node_transfer',
  acw: 'node_acw',
  bot_turn: 'node_bot_turn',
  bot_escalation: 'node_bot_escalation',
  ticket_status: 'node_ticket_status',
};

/** Names of entry nodes (touchpoint types) and exit nodes (touchpoint outcomes) worth translating. */
const nodeNameLabels: Record<string, MessageKey> = {
  'start:contact': 'tp_contact',
  'start:bot_session': 'tp_bot_session',
  'start:ticket': 'tp_ticket',
  'end:answered': 'out_answered',
  'end:abandoned': 'out_abandoned',
  'end:self_service': 'out_self_service',
  'end:ivr_abandon': 'out_ivr_abandon',
  'end:escalated': 'out_escalated',
  'end:phantom': 'out_phantom',
  'end:callback': 'out_callback',
  'end:failed': 'out_failed',
  'end:resolved': 'out_resolved',
  'end:open': 'out_open',
  'end:cancelled': 'out_cancelled',
};

export type NodeLevel = 'type' | 'node';

/**
 * Turns a node key `type:name` (fct_node.node_key, 'start:…', 'end:…') in `field` into a label in `as`. At level
 * 'type' every node collapses to its type (all agents become "agent talk") except entries and exits, which keep
 * their touchpoint type or outcome; at level 'node' the name follows the type.
 */
export function nodeLabel(lang: Lang, field: string, as: string, level: NodeLevel): Transform[] {
  const f = `datum['${field}']`;
  const types = Object.entries(nodeTypeLabels).map(([code, key]) => ({ code, label: t(lang, key) }));
  const names = Object.entries(nodeNameLabels).map(([code, key]) => ({ code, label: t(lang, key) }));
  const v = (suffix: string) => `datum['${as}_${suffix}']`;
  const joined = `${v('type_label')} + ' · ' + (isValid(${v('name_label')}) ? ${v('name_label')} : ${v('name')})`;
  const keepName = level === 'type' ? `(${v('type')} === 'start' || ${v('type')} === 'end')` : 'true';
  return [
    { calculate: `indexof(${f}, ':')`, as: `${as}_colon` },
    { calculate: `${v('colon')} < 0 ? ${f} : substring(${f}, 0, ${v('colon')})`, as: `${as}_type` },
    { calculate: `${v('colon')} < 0 ? '' : substring(${f}, ${v('colon')} + 1)`, as: `${as}_name` },
    { lookup: `${as}_type`, from: { data: { values: types }, key: 'code', fields: ['label'] }, as: [`${as}_type_label`] },
    { lookup: field, from: { data: { values: names }, key: 'code', fields: ['label'] }, as: [`${as}_name_label`] },
    {
      calculate: `!isValid(${v('type_label')}) ? ${f} : (${v('name')} === '' || !${keepName}) ? ${v('type_label')} : ${joined}`,
      as,
    },
  ];
}

/**
 * Queue names of `lang` from the `queues` data set (dim_queue rows of /api/meta): Chinese `queue_name` or
 * `queue_name_en`, the id when the queue is unknown.
 */
export function queueLabel(lang: Lang, field: string, as: string): Transform[] {
  const nameField = lang === 'zh' ? 'queue_name' : 'queue_name_en';
  return [
    { lookup: field, from: { data: { name: DATA.queues }, key: 'queue_id', fields: [nameField] }, as: [`${as}_lookup`] },
    { calculate: `isValid(datum['${as}_lookup']) && datum['${as}_lookup'] !== '' ? datum['${as}_lookup'] : datum['${field}']`, as },
  ];
}

/** Channel names of `lang` from the `channels` data set (dim_channel rows of /api/meta). */
export function channelLabel(lang: Lang, field: string, as: string): Transform[] {
  const nameField = lang === 'zh' ? 'channel_name_zh' : 'channel_name';
  return [
    { lookup: field, from: { data: { name: DATA.channels }, key: 'channel', fields: [nameField] }, as: [`${as}_lookup`] },
    { calculate: `isValid(datum['${as}_lookup']) && datum['${as}_lookup'] !== '' ? datum['${as}_lookup'] : datum['${field}']`, as },
  ];
}

/** Parses the API's local wall-clock timestamps / dates as UTC, so no browser time zone shifts them. */
export const TIMESTAMP_UTC = "utc:'%Y-%m-%d %H:%M:%S'";
export const DATE_UTC = "utc:'%Y-%m-%d'";

/** One layer of a layered chart. */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/**
 * A dashed rule at `target` across the chart, on the `axis` the target value lies along; `datum` adds fields
 * to the rule's one data row (for layers drawn from the same row).
 */
export function targetRule(target: number, axis: 'x' | 'y', datum: Record<string, unknown> = {}): Layer {
  const at = { field: 'target', type: 'quantitative' } as const;
  return {
    data: { values: [{ target, ...datum }] },
    mark: { type: 'rule', color: COLORS.target, strokeDash: [5, 4], strokeWidth: 1.5 },
    encoding: axis === 'x' ? { x: at } : { y: at },
  };
}

/**
 * An invisible layer that stretches the x scale to `factor` × the largest `field`, leaving room right of the
 * longest bar for its text label.
 */
export function roomForLabels(field: string, factor = 1.25): Layer {
  return {
    transform: [{ calculate: `datum['${field}'] * ${factor}`, as: 'label_room' }],
    mark: { type: 'point', opacity: 0, size: 0 },
    encoding: { x: { field: 'label_room', type: 'quantitative' } },
  };
}
