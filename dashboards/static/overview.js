// Operations overview (/): KPIs against targets, daily trend, channel mix, worst queue-days and intervals,
// breakpoint hot spots; filters period and queues, kept in the URL (?from&to&queue&metric&lang).
import {
  addDays, boot, cardState, ctx, daysBetween, drawChart, el, formatValue, getJSON, meets, query, queueName, rendered,
  seedTarget, setURL, statusPill, t, tile, withCard,
} from './common.js';
import { periodAndQueueFilters } from './filters.js';

const $ = (sel) => document.querySelector(sel);
/** Interval figures (heat-map, worst intervals) cover at most the last days of the period. */
const INTERVAL_DAYS = 31;

await boot('overview');
const { tiles: metrics } = await getJSON('/assets/metrics.json');
const slMetric = metrics.find((m) => m.field === 'service_level');

const filters = periodAndQueueFilters(() => load());
let metric = new URLSearchParams(location.search).get('metric');
if (!metrics.some((m) => m.field === metric)) metric = 'service_level';
let generation = 0;

const metricSelect = $('#metric');
for (const m of metrics) metricSelect.append(el('option', { value: m.field, textContent: t(m.field), selected: m.field === metric }));
metricSelect.addEventListener('change', () => {
  metric = metricSelect.value;
  setURL({ metric: metric === 'service_level' ? null : metric });
  drawTrend(generation, lastDaily);
});

/**
 * The target of a tile metric: the queue's own target when exactly one catalog queue is chosen, else the seed
 * target of seed_kpi_targets.
 */
function targetOf(m) {
  const seed = seedTarget(m.target);
  if (filters.queues.length === 1) {
    const q = ctx.meta.queues.find((x) => x.queue_id === filters.queues[0]);
    const own = { service_level: q?.sl_target, abandon_rate: q?.abandon_target, asa: q?.asa_target_seconds }[m.target];
    if (own !== null && own !== undefined) return { target: own, direction: seed?.direction ?? (m.target === 'service_level' ? 'higher' : 'lower') };
  }
  return seed;
}

let lastDaily = null;

// Each card asks /api/kpis for the measures it draws: smaller answers, fewer sums read.
const SL_MEASURES = ['service_level', 'offered'];

async function load() {
  const g = ++generation;
  filters.keepInURL({ metric: metric === 'service_level' ? null : metric });
  const { period, params: base } = filters;
  const intervalFrom = [period.from, addDays(period.to, -(INTERVAL_DAYS - 1))].sort().at(-1);
  const intervalBase = { ...base, from: intervalFrom };
  for (const c of document.querySelectorAll('.card')) cardState(c, 'loading');

  const daily = getJSON(`/api/kpis?${query({ ...base, grain: 'day', measures: [...metrics.map((m) => m.field), 'offered'] })}`);
  const work = [
    daily.then((d) => {
      if (g !== generation) return;
      lastDaily = d;
      drawTiles(d);
      return drawTrend(g, d);
    }, (err) => {
      lastDaily = null;
      drawTiles(null);
      cardState($('#card-trend'), 'error', `${t('load_error')}: ${err.message}`);
    }),
    withCard($('#card-channels'), async () => {
      const d = await getJSON(`/api/kpis?${query({ ...base, grain: 'month', by: 'channel', measures: ['touchpoints'] })}`);
      if (g !== generation) return;
      const rows = d.rows.filter((r) => (r.touchpoints ?? 0) > 0);
      $('#channels-sub').textContent = `${t('touchpoints')} ${formatValue(rows.reduce((a, r) => a + r.touchpoints, 0), 'count')}`;
      if (!rows.length) return false;
      await drawChart($('#card-channels .chart'), 'channel-mix', {}, rows);
    }),
    withCard($('#card-worst-days'), async () => {
      const d = await getJSON(`/api/kpis?${query({ ...base, grain: 'day', by: 'queue', measures: SL_MEASURES })}`);
      if (g !== generation) return;
      const sl = targetOf(slMetric);
      const rows = d.rows.filter((r) => r.offered > 0 && r.service_level !== null);
      $('#worst-days-sub').textContent = slNote(d.sl_threshold_seconds, sl);
      if (!rows.length) return false;
      await drawChart($('#card-worst-days .chart'), 'worst-queue-days', { target: sl?.target, threshold: d.sl_threshold_seconds, limit: 10 }, rows);
    }),
    withCard($('#card-hotspots'), async () => {
      const d = await getJSON(`/api/breakpoints?${query({ ...base, by: 'node' })}`);
      if (g !== generation) return;
      const total = d.rows.reduce((a, r) => a + r.breakpoints, 0);
      $('#hotspots-sub').textContent = `${t('breakpoints')} ${formatValue(total, 'count')} · ${t('per_100_touchpoints')} ${d.touchpoints ? formatValue((100 * total) / d.touchpoints, 'count') : '–'}`;
      if (!total) return false;
      await drawChart($('#card-hotspots .chart'), 'breakpoints', { by: 'node', limit: 10 }, d.rows);
    }),
    withCard($('#card-heatmap'), async () => {
      const d = await getJSON(`/api/kpis?${query({ ...intervalBase, grain: 'interval', measures: SL_MEASURES })}`);
      if (g !== generation) return;
      const sl = targetOf(slMetric);
      $('#heatmap-sub').textContent = `${intervalFrom} – ${period.to} · ${slNote(d.sl_threshold_seconds, sl)}`;
      const rows = d.rows.filter((r) => r.offered > 0 && r.service_level !== null);
      if (!rows.length) return false;
      await drawChart($('#card-heatmap .chart'), 'interval-heatmap', { target: sl?.target, threshold: d.sl_threshold_seconds, days: daysBetween(intervalFrom, period.to) }, rows);
    }),
    withCard($('#card-worst-intervals'), async () => {
      const d = await getJSON(`/api/kpis?${query({ ...intervalBase, grain: 'interval', by: 'queue', measures: SL_MEASURES })}`);
      if (g !== generation) return;
      $('#worst-intervals-sub').textContent = `${intervalFrom} – ${period.to}`;
      const worst = d.rows
        .filter((r) => r.offered > 0 && r.service_level !== null)
        .sort((a, b) => a.service_level - b.service_level || b.offered - a.offered)
        .slice(0, 10);
      if (!worst.length) return false;
      drawWorstIntervals(worst, targetOf(slMetric));
    }),
  ];
  await Promise.all(work);
  if (g === generation) rendered();
}

function slNote(threshold, target) {
  const sl = threshold !== null && threshold !== undefined ? t('service_level_t', { t: threshold }) : t('service_level');
  return target ? `${sl} · ${t('target_value', { v: formatValue(target.target, 'share', false) })}` : sl;
}

function drawTiles(d) {
  const box = $('#tiles');
  box.replaceChildren();
  for (const m of metrics) {
    const value = d?.totals?.[m.field] ?? null;
    const target = targetOf(m);
    const ok = meets(value, target);
    const label = m.field === 'service_level' && d?.sl_threshold_seconds != null ? t('service_level_t', { t: d.sl_threshold_seconds }) : t(m.field);
    const targetText = target ? el('span', { textContent: t('target_value', { v: formatValue(target.target, m.unit, false) }) }) : null;
    box.append(tile({ key: m.field, label, value: formatValue(value, m.unit), status: ok, sub: [targetText, statusPill(ok, !!target)] }));
  }
}

async function drawTrend(g, d) {
  const card = $('#card-trend');
  const m = metrics.find((x) => x.field === metric);
  const target = targetOf(m);
  $('#trend-sub').textContent = target ? t('target_value', { v: formatValue(target.target, m.unit, false) }) : t('no_target');
  await withCard(card, async () => {
    const rows = (d?.rows ?? []).filter((r) => r[metric] !== null && r[metric] !== undefined);
    if (!rows.length) return false;
    if (g !== generation) return;
    await drawChart($('#card-trend .chart'), 'kpi-trend', { metric, target: target?.target, threshold: d.sl_threshold_seconds }, d.rows);
  });
}

function drawWorstIntervals(rows, target) {
  const table = $('#worst-intervals');
  const head = el('tr', {}, el('th', { textContent: t('queue') }), el('th', { textContent: t('interval') }), el('th', { class: 'num', textContent: t('offered') }), el('th', { class: 'num', textContent: t('service_level') }));
  const body = rows.map((r) =>
    el(
      'tr',
      {},
      el('td', { class: 'wrap', textContent: queueName(r.queue_id), title: r.queue_id }),
      el('td', { textContent: r.period.slice(5, 16) }),
      el('td', { class: 'num', textContent: formatValue(r.offered, 'count') }),
      el('td', { class: `num ${target && r.service_level < target.target ? 'bad' : ''}`, textContent: formatValue(r.service_level, 'share') }),
    ),
  );
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

load();
