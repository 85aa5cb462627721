/**
 * Gantt of one day's schedule: a row per agent, a bar per segment from start to end, coloured by activity
 * (work, break, lunch). The page picks the day and caps the agents so the rows stay readable.
 */
import type { TopLevelSpec } from 'vega-lite';
import { t, type Lang, type MessageKey } from '../i18n.ts';
import { codeLabel, COLORS, DATA, frame, TIMESTAMP_UTC } from './common.ts';

/** Most agents one Gantt shows. */
export const MAX_GANTT_AGENTS = 60;
const ROW_PX = 16;

const activities: Record<string, { label: MessageKey; color: string }> = {
  work: { label: 'activity_work', color: COLORS.primary },
  break: { label: 'activity_break', color: '#f59e0b' },
  lunch: { label: 'activity_lunch', color: '#10b981' },
};

export interface GanttOptions {
  lang: Lang;
  /** Agents drawn (sets the height: one row each). */
  agents: number;
}

/** Rows (fct_schedule segments of /api/schedule): agent_id, agent_name, queue_id, start_at, end_at, activity. */
export function scheduleGantt(o: GanttOptions): TopLevelSpec {
  const rows = Math.max(1, Math.min(MAX_GANTT_AGENTS, Math.round(o.agents)));
  const labels = Object.fromEntries(Object.entries(activities).map(([code, a]) => [code, a.label]));
  const domain = Object.values(activities).map((a) => t(o.lang, a.label));
  const time = { format: '%H:%M', formatType: 'utc' as const };
  return {
    ...frame(rows * ROW_PX + 40),
    data: { name: DATA.rows, format: { parse: { start_at: TIMESTAMP_UTC, end_at: TIMESTAMP_UTC } } },
    transform: [
      ...codeLabel(o.lang, 'activity', 'activity_label', labels),
      { calculate: "isValid(datum.agent_name) && datum.agent_name !== '' ? datum.agent_name + ' (' + datum.agent_id + ')' : datum.agent_id", as: 'agent_label' },
    ],
    mark: { type: 'bar', cornerRadius: 2 },
    encoding: {
      y: {
        field: 'agent_label',
        type: 'nominal',
        title: null,
        sort: { field: 'agent_id', op: 'min' },
        axis: { labelLimit: 160 },
        scale: { paddingInner: 0.2 },
      },
      x: {
        field: 'start_at',
        type: 'temporal',
        title: null,
        scale: { type: 'utc' },
        axis: { format: '%H:%M', labelAngle: 0, labelOverlap: true, orient: 'top' },
      },
      x2: { field: 'end_at' },
      color: {
        field: 'activity_label',
        type: 'nominal',
        title: null,
        scale: { domain, range: Object.values(activities).map((a) => a.color) },
        legend: { title: null },
      },
      tooltip: [
        { field: 'agent_label', type: 'nominal', title: t(o.lang, 'agent') },
        { field: 'activity_label', type: 'nominal', title: t(o.lang, 'activity') },
        { field: 'start_at', type: 'temporal', title: t(o.lang, 'shift_start'), ...time },
        { field: 'end_at', type: 'temporal', title: t(o.lang, 'shift_end'), ...time },
        { field: 'queue_id', type: 'nominal', title: t(o.lang, 'filter_queue') },
      ],
    },
  };
}
