// Journeys and breakpoints (/journeys): node flow from entry to exit, breakpoints with recovery, FCR by first
// channel; filters period, queues, channel and node detail, kept in the URL (?from&to&queue&channel&level&lang).
import {
  boot, cardState, channelName, ctx, drawChart, el, formatDuration, formatValue, getJSON, meets, nodeText, query, rendered,
  seedTarget, statusPill, t, tile, withCard,
} from './common.js';
import { periodAndQueueFilters } from './filters.js';

const $ = (sel) => document.querySelector(sel);
const LEVELS = ['type', 'node'];

await boot('journeys');

const params = new URLSearchParams(location.search);
const filters = periodAndQueueFilters(() => load());
let channel = params.get('channel') ?? '';
let level = LEVELS.includes(params.get('level')) ? params.get('level') : 'type';
let generation = 0;

const channelSelect = $('#channel');
channelSelect.append(el('option', { value: '', textContent: t('all_channels') }));
for (const c of ctx.meta.channels) channelSelect.append(el('option', { value: c.channel, textContent: channelName(c.channel), selected: c.channel === channel }));
channelSelect.addEventListener('change', () => {
  channel = channelSelect.value;
  filters.changed();
});
const levelSelect = $('#level');
for (const l of LEVELS) levelSelect.append(el('option', { value: l, textContent: t(`flow_level_${l}`), selected: l === level }));
levelSelect.addEventListener('change', () => {
  level = levelSelect.value;
  filters.changed();
});

async function load() {
  const g = ++generation;
  filters.keepInURL({ channel, level: level === 'type' ? null : level });
  const base = { ...filters.params, channel };
  for (const c of document.querySelectorAll('.card')) cardState(c, 'loading');
  const fcrTarget = seedTarget('fcr');

  const journeys = getJSON(`/api/journeys?${query(base)}`);
  const flow = getJSON(`/api/flow?${query({ ...base, min: 1 })}`);
  const byType = getJSON(`/api/breakpoints?${query({ ...base, by: 'type' })}`);
  const byNode = getJSON(`/api/breakpoints?${query({ ...base, by: 'node' })}`);

  const tiles = Promise.allSettled([journeys, byType]).then(([j, b]) => {
    if (g === generation) drawTiles(j.value ?? null, b.value ?? null, fcrTarget);
  });

  await Promise.all([
    tiles,
    withCard($('#card-transitions'), async () => {
      const d = await flow;
      if (g !== generation) return;
      const entries = d.rows.filter((r) => r.from_node.startsWith('start:')).reduce((a, r) => a + r.touchpoints, 0);
      $('#transitions-sub').textContent = t('tp_total', { n: formatValue(entries, 'count') });
      if (!d.rows.length) return false;
      await drawChart($('#card-transitions .chart'), 'flow-transitions', { level, limit: 15 }, d.rows);
    }),
    withCard($('#card-matrix'), async () => {
      const d = await flow;
      if (g !== generation) return;
      $('#matrix-sub').textContent = `${t('from_node')} → ${t('to_node')} · ${t(`flow_level_${level}`)}`;
      if (!d.rows.length) return false;
      await drawChart($('#card-matrix .chart'), 'flow-matrix', { level, limit: level === 'type' ? 25 : 20 }, d.rows);
    }),
    withCard($('#card-bp-types'), async () => {
      const d = await byType;
      if (g !== generation) return;
      const total = d.rows.reduce((a, r) => a + r.breakpoints, 0);
      $('#bp-types-sub').textContent = t('breakpoints_total', { n: formatValue(total, 'count') });
      if (!total) return false;
      await drawChart($('#card-bp-types .chart'), 'breakpoints', { by: 'type', limit: 9 }, d.rows);
    }),
    withCard($('#card-fcr'), async () => {
      const d = await journeys;
      if (g !== generation) return;
      $('#fcr-sub').textContent = fcrTarget ? t('target_value', { v: formatValue(fcrTarget.target, 'share', false) }) : '';
      const rows = d.by_first_channel.filter((r) => r.journeys > 0 && r.fcr_rate !== null);
      if (!rows.length) return false;
      await drawChart($('#card-fcr .chart'), 'fcr-by-channel', { target: fcrTarget?.target }, rows);
    }),
    withCard($('#card-bp-nodes'), async () => {
      const d = await byNode;
      if (g !== generation) return;
      const rows = d.rows.filter((r) => r.breakpoints > 0).slice(0, 15);
      $('#bp-nodes-sub').textContent = t('tp_total', { n: formatValue(d.touchpoints, 'count') });
      if (!rows.length) return false;
      drawNodeTable(rows);
    }),
  ]);
  if (g === generation) rendered();
}

function drawTiles(j, b, fcrTarget) {
  const box = $('#tiles');
  const bp = b?.rows.reduce((a, r) => a + r.breakpoints, 0) ?? null;
  const recovered = b?.rows.reduce((a, r) => a + r.recovered, 0) ?? 0;
  const known = b?.rows.reduce((a, r) => a + r.recovery_known, 0) ?? 0;
  const fcrOk = meets(j?.fcr_rate, fcrTarget);
  box.replaceChildren(
    tile({ key: 'journeys', label: t('journeys'), value: formatValue(j?.journeys ?? null, 'count'), sub: el('span', { textContent: t('resolved_of', { v: formatValue(j?.resolved_rate ?? null, 'share') }) }) }),
    tile({
      key: 'fcr_rate',
      label: t('fcr_rate'),
      value: formatValue(j?.fcr_rate ?? null, 'share'),
      status: fcrOk,
      sub: [fcrTarget ? el('span', { textContent: t('target_value', { v: formatValue(fcrTarget.target, 'share', false) }) }) : null, statusPill(fcrOk, !!fcrTarget)],
    }),
    tile({
      key: 'per_100_touchpoints',
      label: t('per_100_touchpoints'),
      value: b && b.touchpoints ? formatValue((100 * bp) / b.touchpoints, 'count') : '–',
      sub: el('span', { textContent: t('breakpoints_total', { n: formatValue(bp, 'count') }) }),
    }),
    tile({
      key: 'recovery_rate',
      label: t('recovery_rate'),
      value: known ? formatValue(recovered / known, 'share') : '–',
      sub: el('span', { textContent: t('recovery_of', { r: formatValue(recovered, 'count'), k: formatValue(known, 'count') }) }),
    }),
  );
}

function drawNodeTable(rows) {
  const head = el(
    'tr',
    {},
    el('th', { textContent: t('node') }),
    el('th', { textContent: t('breakpoint_type') }),
    el('th', { class: 'num', textContent: t('breakpoints') }),
    el('th', { class: 'num', textContent: t('per_100_short'), title: t('per_100_touchpoints') }),
    el('th', { class: 'num', textContent: t('recovery_rate') }),
    el('th', { class: 'num', textContent: t('avg_recovery_short'), title: t('avg_recovery') }),
  );
  const body = rows.map((r) =>
    el(
      'tr',
      {},
      el('td', { textContent: nodeText(r.node_key), title: r.node_key }),
      el('td', { textContent: ctx.messages[`bp_${r.breakpoint_type}`] ?? r.breakpoint_type }),
      el('td', { class: 'num', textContent: formatValue(r.breakpoints, 'count') }),
      el('td', { class: 'num', textContent: r.per_100_touchpoints === null ? '–' : r.per_100_touchpoints.toFixed(2) }),
      el('td', { class: `num ${r.recovery_rate !== null && r.recovery_rate < 0.5 ? 'bad' : ''}`, textContent: formatValue(r.recovery_rate, 'share') }),
      el('td', { class: 'num', textContent: formatDuration(r.avg_recovery_seconds) }),
    ),
  );
  $('#bp-nodes').replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

load();
