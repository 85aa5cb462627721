/**
 * The dashboard chart builders: each compiles with vega-lite without a warning, parses as Vega, runs under the
 * CSP-safe expression interpreter, and draws the marks the data call for — checked against figures computed
 * here from the same rows.
 */
import { describe, expect, it } from 'vitest';
import { languages, type Lang } from '../../dashboards/i18n.ts';
import { buildChart, charts, type ChartName } from '../../dashboards/specs/index.ts';
import { COLORS } from '../../dashboards/specs/common.ts';
import { drawn, drawnItems, headlessNoise, render } from './render.ts';

const queues = [
  { queue_id: 'q_card', queue_name: '信用卡服务', queue_name_en: 'Credit card service' },
  { queue_id: 'q_loan', queue_name: '贷款咨询', queue_name_en: 'Loan enquiries' },
];
const channels = [
  { channel: 'voice', channel_name: 'Voice', channel_name_zh: '电话' },
  { channel: 'chat', channel_name: 'Chat', channel_name_zh: '在线客服' },
];

function spec(name: ChartName, params: Record<string, string> = {}, lang: Lang = 'en') {
  const r = buildChart(name, params, lang);
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.spec;
}

/** Vega's word for a scale over no data; pages show their no-data state instead of such a chart. */
const emptyExtent = (w: string) => w.startsWith('Infinite extent for field');

async function draw(name: ChartName, rows: unknown[], params: Record<string, string> = {}, lang: Lang = 'en') {
  const r = await render(spec(name, params, lang), { rows: structuredClone(rows), queues, channels });
  expect(r.warnings).toEqual([]);
  expect(r.errors).toEqual([]);
  expect(r.runtimeWarnings.filter((w) => !headlessNoise(w) && !(rows.length === 0 && emptyExtent(w)))).toEqual([]);
  return r;
}

const byRank = <T extends { datum: Record<string, unknown> }>(items: T[]) => [...items].sort((a, b) => (a.datum.rank as number) - (b.datum.rank as number));

/** Sample rows per chart: enough for every layer to draw. */
const samples: Record<ChartName, unknown[]> = {
  coverage: [
    { interval_start: '2026-03-16 09:00:00', required: 3, scheduled: 2 },
    { interval_start: '2026-03-16 09:30:00', required: 4, scheduled: 4 },
  ],
  'schedule-gantt': [
    { agent_id: 'A1', agent_name: 'Wang Fang', queue_id: 'q_card', start_at: '2026-03-16 09:00:00', end_at: '2026-03-16 11:00:00', activity: 'work' },
    { agent_id: 'A1', agent_name: 'Wang Fang', queue_id: null, start_at: '2026-03-16 11:00:00', end_at: '2026-03-16 11:15:00', activity: 'break' },
  ],
  'kpi-trend': [
    { period: '2026-03-02', service_level: 0.5, offered: 4 },
    { period: '2026-03-03', service_level: 0.9, offered: 3 },
  ],
  'channel-mix': [{ channel: 'voice', touchpoints: 9 }],
  'worst-queue-days': [{ period: '2026-03-02', queue_id: 'q_card', service_level: 0.3, offered: 4 }],
  'interval-heatmap': [{ period: '2026-03-02 09:00:00', service_level: 0.3, offered: 4 }],
  breakpoints: [{ breakpoint_type: 'abandon_queue', node_key: 'queue:q_card', queue_id: 'q_card', breakpoints: 3, recovered: 1, recovery_known: 2 }],
  'flow-transitions': [{ from_node: 'start:contact', to_node: 'ivr_menu:main', touchpoints: 3 }],
  'flow-matrix': [{ from_node: 'start:contact', to_node: 'ivr_menu:main', touchpoints: 3 }],
  'fcr-by-channel': [{ channel: 'voice', journeys: 4, fcr_rate: 0.5 }],
  'forecast-actual': [{ interval_start: '2026-03-02 09:00:00', forecast: 3, lower: 2, upper: 4, actual: 4 }],
  'required-agents': [{ interval_start: '2026-03-02 09:00:00', agents_erlang_c: 3, agents_erlang_a: 2 }],
};

describe('every chart', () => {
  for (const name of Object.keys(charts) as ChartName[]) {
    for (const lang of languages) {
      it(`${name} (${lang}) compiles without warnings and draws its sample`, async () => {
        const r = await draw(name, samples[name], {}, lang);
        const marks = r.marks.filter((m) => m.items.length > 0 && !(m.marktype === 'symbol' && m.items.every((i) => i.opacity === 0)));
        expect(marks.length).toBeGreaterThan(0);
        // The page fills in the data set named `rows`.
        expect(r.vg.data?.some((d) => d.name === 'rows')).toBe(true);
      });
      it(`${name} (${lang}) draws nothing but axes on no rows`, async () => {
        const r = await draw(name, [], {}, lang);
        // Only constant layers (target rules, legends' data) may draw without rows.
        const dataMarks = r.marks.filter((m) => m.items.some((i) => Object.keys(i.datum).some((k) => ['period', 'channel', 'breakpoints', 'touchpoints', 'interval_start', 'fcr_rate'].includes(k))));
        expect(dataMarks).toEqual([]);
      });
    }
  }
});

describe('kpi-trend', () => {
  const rows = [
    { period: '2026-03-02', service_level: 1 / 3, offered: 4 },
    { period: '2026-03-03', service_level: null, offered: 0 },
    { period: '2026-03-04', service_level: 1, offered: 1 },
    { period: '2026-03-11', service_level: 0.75, offered: 8 },
  ];

  it('draws one point per day with a value, on the days of the rows, and the target rule', async () => {
    const r = await draw('kpi-trend', rows, { metric: 'service_level', target: '0.8', threshold: '20' });
    const points = drawn(r, 'symbol');
    expect(points.map((d) => (d.period as Date).toISOString().slice(0, 10))).toEqual(['2026-03-02', '2026-03-04', '2026-03-11']);
    expect(points.map((d) => d.service_level)).toEqual([1 / 3, 1, 0.75]);
    const rule = drawn(r, 'rule');
    expect(rule).toHaveLength(1);
    expect(rule[0]!.target).toBe(0.8);
    expect(drawnItems(r, 'text').map((i) => i.text)).toEqual(['Target 80%']);
    // The y axis names the metric with its threshold T.
    expect(JSON.stringify(r.vg)).toContain('Service level (20 s)');
  });

  it('labels in Chinese and formats seconds targets', async () => {
    const r = await draw('kpi-trend', [{ period: '2026-03-02', asa_seconds: 25, offered: 2 }], { metric: 'asa_seconds', target: '30' }, 'zh');
    expect(drawnItems(r, 'text').map((i) => i.text)).toEqual(['目标 30 s']);
    expect(JSON.stringify(r.vg)).toContain('平均应答速度');
    expect(drawn(r, 'symbol').map((d) => d.asa_seconds)).toEqual([25]);
  });

  it('draws no rule without a target', async () => {
    const r = await draw('kpi-trend', [{ period: '2026-03-02', fcr_rate: 0.7, service_level: 0.9 }], { metric: 'fcr_rate' });
    expect(drawn(r, 'rule')).toEqual([]);
    expect(drawn(r, 'symbol').map((d) => d.fcr_rate)).toEqual([0.7]);
  });
});

describe('channel-mix', () => {
  it('adds up the periods of each channel and shows each channel’s share', async () => {
    const rows = [
      { period: '2026-02-01', channel: 'voice', touchpoints: 6 },
      { period: '2026-03-01', channel: 'voice', touchpoints: 3 },
      { period: '2026-03-01', channel: 'chat', touchpoints: 3 },
      { period: '2026-03-01', channel: 'email', touchpoints: 0 },
      { period: '2026-03-01', channel: 'sms', touchpoints: 4 },
    ];
    const r = await draw('channel-mix', rows, {}, 'zh');
    const bars = drawn(r, 'rect');
    const byLabel = Object.fromEntries(bars.map((d) => [d.channel_label, d.touchpoints]));
    // email has none; sms is not in dim_channel and keeps its code.
    expect(byLabel).toEqual({ 电话: 9, 在线客服: 3, sms: 4 });
    const shares = Object.fromEntries(drawnItems(r, 'text').map((i) => [i.datum.channel_label, i.text]));
    expect(shares).toEqual({ 电话: `${Math.round((9 / 16) * 100)}%`, 在线客服: `${Math.round((3 / 16) * 100)}%`, sms: '25%' });
  });
});

describe('worst-queue-days', () => {
  // 12 queue-days with distinct service levels, one without calls and one without a rate.
  const rows = Array.from({ length: 12 }, (_, i) => ({
    period: `2026-03-${String(i + 1).padStart(2, '0')}`,
    queue_id: i % 2 ? 'q_card' : 'q_loan',
    service_level: ((i * 7) % 12) / 12,
    offered: 10 + i,
  }));
  rows.push({ period: '2026-03-20', queue_id: 'q_card', service_level: 0, offered: 0 }, { period: '2026-03-21', queue_id: 'q_card', service_level: null as unknown as number, offered: 5 });

  it('keeps the lowest queue-days, red under target, named by queue and day', async () => {
    const r = await draw('worst-queue-days', rows, { target: '0.5', limit: '5' });
    const bars = byRank(drawnItems(r, 'rect'));
    const expected = rows
      .filter((x) => x.offered > 0 && x.service_level !== null)
      .sort((a, b) => a.service_level - b.service_level || b.offered - a.offered)
      .slice(0, 5);
    expect(bars.map((b) => b.datum.label)).toEqual(expected.map((x) => `${x.queue_id === 'q_card' ? 'Credit card service' : 'Loan enquiries'} · ${x.period.slice(5)}`));
    for (const b of bars) expect(b.fill).toBe((b.datum.service_level as number) < 0.5 ? COLORS.bad : COLORS.primary);
    expect(drawn(r, 'rule')[0]!.target).toBe(0.5);
  });
});

describe('interval-heatmap', () => {
  it('draws one cell per interval with calls, coloured by service level', async () => {
    const rows = [
      { period: '2026-03-02 09:00:00', service_level: 0.2, offered: 5 },
      { period: '2026-03-02 09:30:00', service_level: 0.95, offered: 3 },
      { period: '2026-03-03 09:00:00', service_level: 0.8, offered: 2 },
      { period: '2026-03-03 09:30:00', service_level: null, offered: 0 },
    ];
    const r = await draw('interval-heatmap', rows, { target: '0.8', days: '2' });
    const cells = drawnItems(r, 'rect');
    expect(cells).toHaveLength(3);
    const fills = new Set(cells.map((c) => c.fill));
    expect(fills.size).toBe(3);
    // Times stay on the wall clock whatever the machine's zone: 09:00 is 09:00 UTC.
    expect(cells.map((c) => (c.datum.period as Date).getUTCHours())).toEqual([9, 9, 9]);
  });
});

describe('breakpoints', () => {
  const rows = [
    { breakpoint_type: 'abandon_queue', node_key: 'queue:q_card', breakpoints: 6, recovered: 2, recovery_known: 4 },
    { breakpoint_type: 'transfer', node_key: 'queue:q_card', breakpoints: 2, recovered: 2, recovery_known: 2 },
    { breakpoint_type: 'abandon_ivr', node_key: 'ivr_menu:main', breakpoints: 5, recovered: 0, recovery_known: 5 },
    { breakpoint_type: 'repeat_contact', node_key: '(none)', breakpoints: 1, recovered: 1, recovery_known: 1 },
  ];

  it('by node: adds up a node’s types, splits each bar into recovered, not recovered and unknown', async () => {
    const r = await draw('breakpoints', rows, { by: 'node', limit: '2' }, 'zh');
    const segments = drawn(r, 'rect');
    const perGroup: Record<string, Record<string, number>> = {};
    for (const s of segments) (perGroup[s.group_label as string] ??= {})[s.status as string] = s.count as number;
    // queue:q_card = 6 + 2 breakpoints, 4 recovered of 6 judged; the IVR menu 5, none of 5 recovered.
    expect(perGroup).toEqual({
      '排队 · q_card': { 已恢复: 4, 未恢复: 2, 无法判断: 2 },
      'IVR 菜单 · main': { 已恢复: 0, 未恢复: 5, 无法判断: 0 },
    });
    expect(byRank(drawnItems(r, 'text')).map((i) => i.text)).toEqual(['已恢复 67%', '已恢复 0%']);
  });

  it('by type: names the types, the break without a node included', async () => {
    const r = await draw('breakpoints', rows, { by: 'type' });
    const labels = [...new Set(byRank(drawnItems(r, 'rect')).map((i) => i.datum.group_label))];
    expect(labels).toEqual(['Abandoned in queue', 'Abandoned in IVR', 'Transfer', 'Repeat contact']);
    const hotspots = await draw('breakpoints', rows, { by: 'node' });
    expect([...new Set(drawn(hotspots, 'rect').map((d) => d.group_label))]).toContain('No node (repeat contact)');
  });
});

describe('flow charts', () => {
  const rows = [
    { from_node: 'start:contact', to_node: 'ivr_menu:main', touchpoints: 10 },
    { from_node: 'ivr_menu:main', to_node: 'queue:q_card', touchpoints: 7 },
    { from_node: 'queue:q_card', to_node: 'agent_talk:A1', touchpoints: 4 },
    { from_node: 'queue:q_card', to_node: 'agent_talk:A2', touchpoints: 2 },
    { from_node: 'agent_talk:A1', to_node: 'end:answered', touchpoints: 4 },
    { from_node: 'agent_talk:A2', to_node: 'end:answered', touchpoints: 2 },
    { from_node: 'ivr_menu:main', to_node: 'end:self_service', touchpoints: 3 },
  ];

  it('at type level merges the agents and keeps entries and exits named', async () => {
    const r = await draw('flow-transitions', rows, { level: 'type' });
    const bars = Object.fromEntries(drawn(r, 'rect').map((d) => [d.transition, d.touchpoints]));
    expect(bars).toEqual({
      'Entry · contact  →  IVR menu': 10,
      'IVR menu  →  Queue': 7,
      'Queue  →  Agent talk': 6,
      'Agent talk  →  End · answered': 6,
      'IVR menu  →  End · self-service': 3,
    });
  });

  it('at node level keeps each agent and honours the limit', async () => {
    const r = await draw('flow-transitions', rows, { level: 'node', limit: '3' }, 'zh');
    expect(drawn(r, 'rect').map((d) => [d.transition, d.touchpoints])).toEqual([
      ['进入 · 联系  →  IVR 菜单 · main', 10],
      ['IVR 菜单 · main  →  排队 · q_card', 7],
      ['坐席通话 · A1  →  结束 · 已接通', 4],
    ]);
  });

  it('the matrix has one cell per from → to pair', async () => {
    const r = await draw('flow-matrix', rows, { level: 'type' });
    const cells = drawn(r, 'rect');
    expect(cells).toHaveLength(5);
    expect(cells.find((c) => c.from_label === 'Queue' && c.to_label === 'Agent talk')?.touchpoints).toBe(6);
  });
});

describe('fcr-by-channel', () => {
  it('draws channels with journeys, red under the target', async () => {
    const rows = [
      { channel: 'voice', journeys: 10, fcr_rate: 0.6 },
      { channel: 'chat', journeys: 4, fcr_rate: 0.9 },
      { channel: 'email', journeys: 0, fcr_rate: null },
    ];
    const r = await draw('fcr-by-channel', rows, { target: '0.75' }, 'zh');
    const bars = drawnItems(r, 'rect');
    expect(bars.map((b) => [b.datum.channel_label, b.fill]).sort()).toEqual([
      ['在线客服', COLORS.primary],
      ['电话', COLORS.bad],
    ]);
  });
});

describe('workforce charts', () => {
  const rows = [
    { interval_start: '2026-03-02 09:00:00', forecast: 3, lower: 2, upper: 4, actual: 4 },
    { interval_start: '2026-03-02 09:30:00', forecast: 5, lower: 3, upper: 6, actual: null },
    { interval_start: '2026-03-01 23:30:00', actual: 1 },
  ];

  it('forecast-actual draws the band and forecast where forecast, the actual where actual', async () => {
    const r = await draw('forecast-actual', rows, { from: '2026-03-01', to: '2026-03-02' });
    const lines = r.marks.filter((m) => m.marktype === 'line');
    const forecastLine = lines.find((m) => m.data.every((d) => d.forecast !== undefined))!;
    expect(forecastLine.data.map((d) => d.forecast)).toEqual([3, 5]);
    expect(drawn(r, 'area').map((d) => [d.lower, d.upper])).toEqual([
      [2, 4],
      [3, 6],
    ]);
    const actual = drawn(r, 'symbol').filter((d) => d.actual != null);
    expect(actual.map((d) => [(d.interval_start as Date).toISOString(), d.actual]).sort()).toEqual([
      ['2026-03-01T23:30:00.000Z', 1],
      ['2026-03-02T09:00:00.000Z', 4],
    ]);
    expect(JSON.stringify(r.vg)).toContain('Actual offered');
  });

  it('required-agents draws one stepped line per series and skips missing values', async () => {
    const staffing = [
      { interval_start: '2026-03-02 09:00:00', agents_erlang_c: 4, agents_erlang_a: 3, scheduled: 5 },
      { interval_start: '2026-03-02 09:30:00', agents_erlang_c: 6, agents_erlang_a: 5, scheduled: null },
    ];
    const r = await draw('required-agents', staffing, { series: 'agents_erlang_c,agents_erlang_a,scheduled' }, 'zh');
    const lines = r.marks.filter((m) => m.marktype === 'line');
    const bySeries = Object.fromEntries(lines.map((m) => [m.data[0]!.series_label, m.data.map((d) => d.agents)]));
    expect(bySeries).toEqual({ '所需坐席（Erlang C）': [4, 6], '所需坐席（Erlang A）': [3, 5], 排班人数: [5] });
    expect(JSON.stringify(r.vg)).toContain('step-after');
  });
});
