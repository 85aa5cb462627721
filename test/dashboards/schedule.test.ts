/**
 * The schedule charts: coverage (required vs scheduled per interval) and the one-day Gantt of shifts. Each
 * compiles with vega-lite without a warning, runs under the CSP-safe interpreter and draws what its rows hold.
 */
import { describe, expect, it } from 'vitest';
import { languages } from '../../dashboards/i18n.ts';
import { buildChart } from '../../dashboards/specs/index.ts';
import { coverageChart } from '../../dashboards/specs/coverage.ts';
import { MAX_GANTT_AGENTS, scheduleGantt } from '../../dashboards/specs/schedule.ts';
import { compileStrict, drawn, drawnItems, headlessNoise, render } from './render.ts';

const coverage = [
  { interval_start: '2026-03-16 09:00:00', required: 3, scheduled: 3 },
  { interval_start: '2026-03-16 09:30:00', required: 5, scheduled: 4 },
  { interval_start: '2026-03-16 10:00:00', required: 6, scheduled: 4 },
  { interval_start: '2026-03-16 10:30:00', required: 4, scheduled: 5 },
];

const segments = [
  { agent_id: 'A1', agent_name: 'Wang Fang', queue_id: 'q_card', start_at: '2026-03-16 09:00:00', end_at: '2026-03-16 11:00:00', activity: 'work' },
  { agent_id: 'A1', agent_name: 'Wang Fang', queue_id: 'q_card', start_at: '2026-03-16 11:00:00', end_at: '2026-03-16 11:15:00', activity: 'break' },
  { agent_id: 'A1', agent_name: 'Wang Fang', queue_id: 'q_card', start_at: '2026-03-16 11:15:00', end_at: '2026-03-16 13:00:00', activity: 'work' },
  { agent_id: 'A1', agent_name: 'Wang Fang', queue_id: 'q_card', start_at: '2026-03-16 13:00:00', end_at: '2026-03-16 14:00:00', activity: 'lunch' },
  { agent_id: 'B2', agent_name: null, queue_id: 'q_loan', start_at: '2026-03-16 12:00:00', end_at: '2026-03-16 16:00:00', activity: 'work' },
];

const clean = (ws: string[]) => ws.filter((w) => !headlessNoise(w) && !w.startsWith('Infinite extent for field'));

describe('coverageChart', () => {
  for (const lang of languages) {
    it(`compiles without warnings and draws both lines over the intervals (${lang})`, async () => {
      const spec = coverageChart({ lang });
      expect(compileStrict(spec).warnings).toEqual([]);
      const r = await render(spec, { rows: structuredClone(coverage) });
      expect(r.warnings).toEqual([]);
      expect(r.errors).toEqual([]);
      expect(clean(r.runtimeWarnings)).toEqual([]);
      // one line per series, each through every interval
      const lines = r.marks.filter((m) => m.marktype === 'line');
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(l.items[0]?.datum).toBeDefined();
      const points = drawn(r, 'line');
      expect(points).toHaveLength(2 * coverage.length);
      // the tooltip rule carries the gap scheduled − required of each interval
      const gaps = drawn(r, 'rule').map((d) => d.gap);
      expect(gaps).toEqual(coverage.map((c) => c.scheduled - c.required));
    });
  }

  it('draws nothing from no rows', async () => {
    const r = await render(coverageChart({ lang: 'en' }), { rows: [] });
    expect(r.errors).toEqual([]);
    expect(drawn(r, 'line')).toEqual([]);
  });
});

describe('scheduleGantt', () => {
  for (const lang of languages) {
    it(`compiles without warnings and draws one bar per segment, coloured by activity (${lang})`, async () => {
      const spec = scheduleGantt({ lang, agents: 2 });
      expect(compileStrict(spec).warnings).toEqual([]);
      const r = await render(spec, { rows: structuredClone(segments) });
      expect(r.warnings).toEqual([]);
      expect(r.errors).toEqual([]);
      expect(clean(r.runtimeWarnings)).toEqual([]);
      const bars = drawnItems(r, 'rect');
      expect(bars).toHaveLength(segments.length);
      const fillOf = (activity: string) => new Set(bars.filter((b) => b.datum.activity === activity).map((b) => b.fill));
      for (const a of ['work', 'break', 'lunch']) expect(fillOf(a).size).toBe(1);
      expect(new Set([...fillOf('work'), ...fillOf('break'), ...fillOf('lunch')]).size).toBe(3);
      // an agent without a name is shown by id
      expect(new Set(bars.map((b) => b.datum.agent_label))).toEqual(new Set(['Wang Fang (A1)', 'B2']));
      const breakLabel = bars.find((b) => b.datum.activity === 'break')!.datum.activity_label;
      expect(breakLabel).toBe(lang === 'zh' ? '休息' : 'Break');
    });
  }

  it('grows one row per agent, up to the cap', () => {
    const h = (agents: number) => (scheduleGantt({ lang: 'en', agents }) as { height: number }).height;
    expect(h(10) - h(9)).toBe(h(2) - h(1));
    expect(h(10)).toBeGreaterThan(h(9));
    expect(h(MAX_GANTT_AGENTS + 40)).toBe(h(MAX_GANTT_AGENTS));
  });

  it('is served by name, refusing more agents than the cap', () => {
    expect(buildChart('schedule-gantt', { agents: '12' }, 'en').ok).toBe(true);
    const bad = buildChart('schedule-gantt', { agents: String(MAX_GANTT_AGENTS + 1) }, 'en');
    expect(bad).toMatchObject({ ok: false, parameter: 'agents' });
    expect(buildChart('coverage', { points: 'true' }, 'zh').ok).toBe(true);
  });
});
