// Workforce (/workforce): forecast against actual volume, required agents against scheduled and logged-in
// agents, the schedule's coverage and one day of agents' shifts, and a what-if (POST /api/whatif) on the
// service-level target, handle time, shrinkage and volume.
// Filters, the Gantt's day and the changed what-if assumptions live in the URL (?from&to&queue&day&sl_target&…&lang).
import { addDays, boot, cardState, ctx, debounce, drawChart, el, formatValue, getJSON, postJSON, query, rendered, seedTarget, setURL, t, withCard } from './common.js';
import { periodAndQueueFilters } from './filters.js';

const $ = (sel) => document.querySelector(sel);
/** Days of history shown before the forecast, and days of forecast after the last day with data. */
const HISTORY_DAYS = 7;
const AHEAD_DAYS = 14;
/** kpi_interval is read at most this many days at a time. */
const MAX_INTERVAL_DAYS = 92;
/** Up to this many intervals the lines get a dot per interval. */
const FEW = 48;
/** The Gantt shows at most this many agents of its day (the schedule-gantt chart's cap). */
const GANTT_AGENTS = 60;
/** Segments asked for one day of the Gantt. */
const GANTT_SEGMENTS = 2000;

const knobs = {
  sl_target: { unit: 'share', fallback: 0.8 },
  aht_factor: { unit: 'factor', fallback: 1 },
  shrinkage: { unit: 'share', fallback: 0.3 },
  volume_factor: { unit: 'factor', fallback: 1 },
};

await boot('workforce');

const range = ctx.meta.date_range;
const filters = periodAndQueueFilters(() => load(), { defaultDays: HISTORY_DAYS, aheadDays: AHEAD_DAYS, future: true });
let generation = 0;
let whatifGeneration = 0;
/** Assumptions the planner moved (sent to /api/whatif); the others stay the queues' own. */
const changed = new Map();
const urlParams = new URLSearchParams(location.search);
for (const name of Object.keys(knobs)) {
  const v = Number(urlParams.get(name));
  if (urlParams.has(name) && Number.isFinite(v)) changed.set(name, v);
}
let baseline = null;
let scheduleDay = urlParams.get('day');
let scheduleDays = [];
let ganttGeneration = 0;

for (const [name, knob] of Object.entries(knobs)) {
  const input = $(`#${name}`);
  input.value = String(changed.get(name) ?? knob.fallback);
  showKnob(name);
  input.addEventListener('input', () => {
    changed.set(name, Number(input.value));
    showKnob(name);
    rerunWhatIf();
  });
}
$('#schedule-day').addEventListener('change', async (e) => {
  scheduleDay = e.target.value;
  setURL({ day: scheduleDay });
  await drawGantt(generation);
  rendered();
});
$('#whatif-reset').addEventListener('click', () => {
  changed.clear();
  setKnobsFromBaseline();
  rerunWhatIf();
});

function showKnob(name) {
  const v = Number($(`#${name}`).value);
  $(`#out-${name}`).textContent = knobs[name].unit === 'share' ? `${Math.round(v * 100)}%` : `× ${v.toFixed(2)}`;
}

/** Sliders the planner has not moved show what the baseline was staffed with. */
function setKnobsFromBaseline() {
  const qs = baseline?.queues ?? [];
  const same = (k) => (qs.length && qs.every((q) => q[k] === qs[0][k]) ? qs[0][k] : null);
  const base = {
    sl_target: same('sl_target') ?? seedTarget('service_level')?.target ?? knobs.sl_target.fallback,
    aht_factor: 1,
    shrinkage: qs.length ? Math.round((qs.reduce((a, q) => a + q.shrinkage, 0) / qs.length) * 100) / 100 : knobs.shrinkage.fallback,
    volume_factor: 1,
  };
  for (const name of Object.keys(knobs)) {
    if (!changed.has(name)) $(`#${name}`).value = String(base[name]);
    showKnob(name);
  }
}

const rerunWhatIf = debounce(() => {
  setURL(Object.fromEntries(Object.keys(knobs).map((k) => [k, changed.get(k) ?? null])));
  runWhatIf(generation);
}, 200);

/** Sum of `field` over the rows of each interval; null for an interval where any row lacks it. */
function perInterval(rows, fields) {
  const out = new Map();
  for (const r of rows) {
    let acc = out.get(r.interval_start);
    if (!acc) out.set(r.interval_start, (acc = { interval_start: r.interval_start }));
    for (const [as, field] of Object.entries(fields)) {
      const v = r[field];
      if (acc[as] === null) continue;
      acc[as] = v === null || v === undefined ? null : (acc[as] ?? 0) + v;
    }
  }
  return [...out.values()].sort((a, b) => (a.interval_start < b.interval_start ? -1 : 1));
}

const has = (rows, field) => rows.some((r) => r[field] !== null && r[field] !== undefined);

function whatIfBody(extra = {}) {
  return { from: filters.period.from, to: filters.period.to, ...(filters.queues.length ? { queue: filters.queues } : {}), ...extra };
}

/** POST /api/whatif; when the forecast has no day in the period, the same period's history instead. */
async function whatIf(extra) {
  const first = await postJSON('/api/whatif', whatIfBody(extra));
  if (first.rows.length || first.source === 'history') return first;
  return postJSON('/api/whatif', whatIfBody({ ...extra, source: 'history' }));
}

async function load() {
  const g = ++generation;
  filters.keepInURL(Object.fromEntries(Object.keys(knobs).map((k) => [k, changed.get(k) ?? null])));
  for (const c of document.querySelectorAll('.card')) cardState(c, 'loading');
  const base = filters.params;
  // Actual volume: the part of the period with interval figures, at most MAX_INTERVAL_DAYS.
  const actualTo = range && filters.period.to > range.to ? range.to : filters.period.to;
  const actualFrom = [filters.period.from, addDays(actualTo, -(MAX_INTERVAL_DAYS - 1))].sort().at(-1);
  const actual = range && actualFrom <= actualTo ? getJSON(`/api/kpis?${query({ from: actualFrom, to: actualTo, queue: filters.queues, grain: 'interval', measures: ['offered'] })}`) : Promise.resolve({ rows: [] });
  const forecast = getJSON(`/api/forecast?${query(base)}`);
  const staffing = getJSON(`/api/staffing?${query(base)}`);
  const baselineRun = whatIf({});
  const coverage = getJSON(`/api/coverage?${query(base)}`);

  await Promise.all([
    withCard($('#card-forecast'), async () => {
      const [f, a] = await Promise.all([forecast, actual]);
      if (g !== generation) return;
      $('#notice-forecast').hidden = f.available;
      const rows = new Map();
      for (const r of perInterval(f.rows, { forecast: 'volume_forecast', lower: 'volume_lower', upper: 'volume_upper' })) rows.set(r.interval_start, r);
      for (const r of a.rows) {
        const row = rows.get(r.period) ?? { interval_start: r.period };
        row.actual = r.offered;
        rows.set(r.period, row);
      }
      const list = [...rows.values()].sort((x, y) => (x.interval_start < y.interval_start ? -1 : 1));
      const models = [...new Set(f.rows.map((r) => r.model).filter(Boolean))];
      $('#forecast-sub').textContent = [`${filters.period.from} – ${filters.period.to}`, models.length ? `${t('forecast')}: ${models.join(', ')}` : null].filter(Boolean).join(' · ');
      if (!list.some((r) => r.forecast != null || r.actual != null)) return false;
      await drawChart($('#card-forecast .chart'), 'forecast-actual', { from: filters.period.from, to: filters.period.to }, list);
    }),
    withCard($('#card-staffing'), async () => {
      const s = await staffing;
      if (g !== generation) return;
      let rows;
      let series;
      if (s.available && s.rows.length) {
        $('#notice-staffing').hidden = true;
        rows = perInterval(s.rows, { agents_erlang_c: 'agents_erlang_c', agents_erlang_a: 'agents_erlang_a', scheduled: 'scheduled', agents_logged_in: 'agents_logged_in' });
        series = ['agents_erlang_c', 'agents_erlang_a', 'scheduled', 'agents_logged_in'].filter((k) => has(rows, k));
        $('#staffing-sub').textContent = t('whatif_source_forecast');
      } else {
        // No plan in the database: the baseline what-if on the period's history stands in.
        $('#notice-staffing').hidden = false;
        const b = await baselineRun;
        if (g !== generation) return;
        rows = perInterval(b.rows, { agents_erlang_c: 'agents_erlang_c', agents_erlang_a: 'agents_erlang_a' });
        series = ['agents_erlang_c', 'agents_erlang_a'].filter((k) => has(rows, k));
        $('#staffing-sub').textContent = b.source === 'forecast' ? t('whatif_source_forecast') : t('whatif_source_history');
      }
      if (!rows.length || !series.length) return false;
      await drawChart($('#card-staffing .chart'), 'required-agents', { series, from: filters.period.from, to: filters.period.to, points: rows.length <= FEW }, rows);
    }),
    drawCoverage(g, coverage),
    (async () => {
      try {
        baseline = await baselineRun;
      } catch (err) {
        baseline = null;
        if (g === generation) cardState($('#card-whatif'), 'error', `${t('load_error')}: ${err.message}`);
        return;
      }
      if (g !== generation) return;
      setKnobsFromBaseline();
      await runWhatIf(g);
    })(),
  ]);
  if (g === generation) rendered();
}

/** Required vs scheduled agents per interval (fct_coverage over the chosen queues); also fills the Gantt's days. */
async function drawCoverage(g, coverage) {
  const card = $('#card-coverage');
  let c;
  await withCard(card, async () => {
    c = await coverage;
    if (g !== generation) return;
    $('#notice-schedule').hidden = c.available;
    const rows = perInterval(c.rows, { required: 'required', scheduled: 'scheduled' });
    const starts = rows.map((r) => Date.parse(`${r.interval_start.replace(' ', 'T')}Z`));
    const steps = starts.slice(1).map((s, i) => s - starts[i]).filter((d) => d > 0);
    const hours = (steps.length ? Math.min(...steps) : 30 * 60_000) / 3_600_000;
    const short = rows.filter((r) => r.required > r.scheduled);
    const shortHours = short.reduce((a, r) => a + (r.required - r.scheduled) * hours, 0);
    $('#coverage-sub').textContent = rows.length ? [`${filters.period.from} – ${filters.period.to}`, t('coverage_short', { h: shortHours.toFixed(1), n: short.length })].join(' · ') : '';
    card.dataset.intervals = String(rows.length);
    card.dataset.shortIntervals = String(short.length);
    if (!rows.length) return false;
    await drawChart($('#card-coverage .chart'), 'coverage', { points: rows.length <= FEW }, rows);
  });
  if (g !== generation) return;
  if (c && !c.available) cardState(card, 'empty', t('not_available_schedule'), ' ');
  scheduleDays = c ? [...new Set(c.rows.map((r) => r.date))].sort() : [];
  const select = $('#schedule-day');
  select.replaceChildren(...scheduleDays.map((d) => el('option', { value: d, textContent: d })));
  select.disabled = scheduleDays.length === 0;
  if (!scheduleDays.includes(scheduleDay)) scheduleDay = scheduleDays[0] ?? null;
  if (scheduleDay) select.value = scheduleDay;
  if (c && !c.available) {
    cardState($('#card-schedule'), 'empty', t('not_available_schedule'), ' ');
    return;
  }
  await drawGantt(g);
}

/** One day of agents' shifts (at most GANTT_AGENTS agents), bars coloured by activity. */
async function drawGantt(g) {
  const w = ++ganttGeneration;
  const card = $('#card-schedule');
  await withCard(card, async () => {
    $('#schedule-sub').textContent = '';
    if (!scheduleDay) return false;
    const s = await getJSON(`/api/schedule?${query({ from: scheduleDay, to: scheduleDay, queue: filters.queues, limit: GANTT_SEGMENTS })}`);
    if (g !== generation || w !== ganttGeneration) return;
    if (!s.available || !s.rows.length) return false;
    const shown = [...new Set(s.rows.map((r) => r.agent_id))].sort().slice(0, GANTT_AGENTS);
    const keep = new Set(shown);
    const rows = s.rows.filter((r) => keep.has(r.agent_id));
    $('#schedule-sub').textContent = [scheduleDay, s.week, t('schedule_agents_shown', { n: shown.length, total: s.agents })].filter(Boolean).join(' · ');
    card.dataset.agents = String(shown.length);
    card.dataset.segments = String(rows.length);
    await drawChart($('#card-schedule .chart'), 'schedule-gantt', { agents: shown.length }, rows);
  });
}

/** Peak agents, agent hours and FTE hours of a what-if answer. */
function summary(res) {
  const perSlot = perInterval(res.rows, { agents: 'agents' });
  return {
    peak: perSlot.reduce((a, r) => Math.max(a, r.agents ?? 0), 0),
    agentHours: res.totals.agent_hours,
    fteHours: res.totals.fte_hours,
  };
}

async function runWhatIf(g) {
  if (!baseline) return;
  const w = ++whatifGeneration;
  const card = $('#card-whatif');
  await withCard(card, async () => {
    const res = changed.size ? await whatIf(Object.fromEntries(changed)) : baseline;
    if (g !== generation || w !== whatifGeneration) return;
    const now = summary(res);
    const before = summary(baseline);
    drawStats(now, before);
    $('#whatif-sub').textContent = `${res.source === 'forecast' ? t('whatif_source_forecast') : t('whatif_source_history')} · ${res.from ?? filters.period.from} – ${res.to ?? filters.period.to}`;
    card.dataset.peak = String(now.peak);
    card.dataset.agentHours = String(now.agentHours);
    if (!res.rows.length) return false;
    const whatifRows = perInterval(res.rows, { whatif_erlang_c: 'agents_erlang_c', whatif_erlang_a: 'agents_erlang_a' });
    const baseRows = new Map(perInterval(baseline.rows, { baseline_erlang_c: 'agents_erlang_c' }).map((r) => [r.interval_start, r.baseline_erlang_c]));
    for (const r of whatifRows) r.baseline_erlang_c = baseRows.get(r.interval_start) ?? null;
    const series = ['whatif_erlang_c', 'whatif_erlang_a', 'baseline_erlang_c'].filter((k) => has(whatifRows, k));
    await drawChart($('#card-whatif .chart'), 'required-agents', { series, from: filters.period.from, to: filters.period.to, points: whatifRows.length <= FEW }, whatifRows);
  });
}

function drawStats(now, before) {
  const delta = (a, b) => {
    if (!b) return el('div', { class: 'delta', textContent: ' ' });
    const d = (a - b) / b;
    const text = t('whatif_vs_baseline', { d: `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)}%` });
    return el('div', { class: `delta ${d > 0.0005 ? 'up' : d < -0.0005 ? 'down' : ''}`, textContent: text });
  };
  const stat = (key, label, value, d) => el('div', { class: 'stat', dataset: { stat: key } }, el('div', { class: 'label', textContent: label }), el('div', { class: 'value', textContent: value }), d);
  $('#whatif-stats').replaceChildren(
    stat('peak', t('whatif_peak_agents'), formatValue(now.peak, 'count'), delta(now.peak, before.peak)),
    stat('agent_hours', t('whatif_agent_hours'), formatValue(now.agentHours, 'hours'), delta(now.agentHours, before.agentHours)),
    stat('fte_hours', t('whatif_fte_hours'), formatValue(now.fteHours, 'hours'), delta(now.fteHours, before.fteHours)),
  );
}

load();
