// Analyst console (/console): the mart catalog (GET /api/catalog) and read-only SQL (POST /api/sql) with a
// results table and CSV / Parquet downloads. The chosen table, query and limit live in the URL
// (?table&sql&limit&lang), so a shared link reruns the same query. Every call carries the access token, if
// any (common.js); a viewer's token is refused here with a message (SQL and downloads need an analyst's).
import { ApiError, apiFetch, boot, cardState, el, getJSON, postJSON, rendered, setURL, t } from './common.js';

const $ = (sel) => document.querySelector(sel);
const LAYER_ORDER = ['marts', 'kpi', 'workforce', 'seed', 'intermediate', 'staging', 'raw'];
const EXAMPLE = 'SELECT date, queue_id, channel, offered, answered, service_level, abandon_rate\nFROM kpi_daily\nWHERE offered > 0\nORDER BY date DESC, offered DESC\nLIMIT 50';

await boot('console');

const params = new URLSearchParams(location.search);
const sqlBox = $('#sql');
const limitInput = $('#limit');
sqlBox.value = params.get('sql') ?? EXAMPLE;
if (Number(params.get('limit')) > 0) limitInput.value = params.get('limit');
let tables = [];
let current = params.get('table');

$('#run').addEventListener('click', () => run());
sqlBox.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    run();
  }
});
$('#download-csv').addEventListener('click', () => download('csv'));
$('#download-parquet').addEventListener('click', () => download('parquet'));
$('#query-table').addEventListener('click', () => {
  if (!current) return;
  sqlBox.value = `SELECT *\nFROM ${current}\nLIMIT 100`;
  run();
});
$('#search').addEventListener('input', () => drawList());

const layerName = (layer) => (t(`layer_${layer}`) === `layer_${layer}` ? layer : t(`layer_${layer}`));

async function loadCatalog() {
  const card = $('#card-catalog');
  try {
    tables = (await getJSON('/api/catalog')).tables;
  } catch (err) {
    cardState(card, 'error', `${t('load_error')}: ${err.message}`);
    return;
  }
  $('#page-meta').textContent = t('console_tables', { n: tables.length });
  if (!tables.length) {
    cardState(card, 'empty');
    return;
  }
  cardState(card, 'ready');
  drawList();
  showTable(current && tables.some((x) => x.table_name === current) ? current : null);
}

function drawList() {
  const needle = $('#search').value.trim().toLowerCase();
  const match = (tb) =>
    !needle ||
    tb.table_name.toLowerCase().includes(needle) ||
    (tb.description ?? '').toLowerCase().includes(needle) ||
    tb.columns.some((c) => c.name.toLowerCase().includes(needle) || (c.description ?? '').toLowerCase().includes(needle));
  const layers = [...new Set(tables.map((x) => x.layer))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const list = $('#catalog-list');
  list.replaceChildren();
  for (const layer of layers) {
    const items = tables.filter((x) => x.layer === layer && match(x)).sort((a, b) => a.table_name.localeCompare(b.table_name));
    if (!items.length) continue;
    list.append(el('h3', { textContent: layerName(layer) }));
    for (const tb of items) {
      list.append(
        el(
          'button',
          { type: 'button', class: tb.table_name === current ? 'current' : '', dataset: { table: tb.table_name }, title: tb.description ?? '', onclick: () => showTable(tb.table_name) },
          el('span', { class: 'count', textContent: String(tb.columns.length) }),
          tb.table_name,
        ),
      );
    }
  }
}

const rank = (layer) => (LAYER_ORDER.includes(layer) ? LAYER_ORDER.indexOf(layer) : LAYER_ORDER.length);

function showTable(name) {
  current = name;
  setURL({ table: name });
  for (const b of document.querySelectorAll('#catalog-list button')) b.classList.toggle('current', b.dataset.table === name);
  const card = $('#card-table');
  const tb = tables.find((x) => x.table_name === name);
  $('#query-table').disabled = !tb;
  if (!tb) {
    $('#table-name').textContent = t('console_catalog');
    $('#table-layer').textContent = '';
    cardState(card, 'empty', t('console_pick_table'), ' ');
    return;
  }
  $('#table-name').textContent = tb.table_name;
  $('#table-layer').textContent = `${layerName(tb.layer)} · ${t('console_col_count', { n: tb.columns.length })}`;
  $('#table-description').textContent = tb.description ?? '';
  const head = el('tr', {}, el('th', { textContent: t('console_columns') }), el('th', { textContent: t('console_type') }), el('th', { textContent: t('console_description') }));
  const rows = tb.columns.map((c) => el('tr', {}, el('td', {}, el('code', { textContent: c.name })), el('td', { textContent: c.type }), el('td', { textContent: c.description ?? '', title: c.description ?? '' })));
  $('#table-columns').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  cardState(card, 'ready');
}

function request(format) {
  const limit = Math.max(1, Math.min(100_000, Math.round(Number(limitInput.value) || 1000)));
  return { sql: sqlBox.value, format, limit };
}

function showError(err) {
  const box = $('#sql-error');
  box.hidden = !err;
  box.textContent = err ? (err instanceof ApiError ? err.message : String(err.message ?? err)) : '';
}

let runs = 0;

async function run() {
  const n = ++runs;
  const body = request('json');
  setURL({ sql: body.sql === EXAMPLE ? null : body.sql, limit: body.limit === 1000 ? null : body.limit });
  const card = $('#card-sql');
  $('#run').disabled = true;
  $('#result-meta').textContent = t('console_running');
  showError(null);
  try {
    const res = await postJSON('/api/sql', body);
    if (n !== runs) return;
    $('#result-meta').textContent = [(res.rows.length === 1 ? t('console_row_one') : t('console_rows', { n: res.rows.length.toLocaleString() })), t('console_seconds', { s: res.seconds.toFixed(3) }), res.truncated ? t('console_truncated') : null].filter(Boolean).join(' · ');
    drawResult(res);
    cardState(card, res.rows.length ? 'ready' : 'empty', t('console_no_rows'), ' ');
  } catch (err) {
    if (n !== runs) return;
    $('#result-meta').textContent = '';
    $('#result').replaceChildren();
    cardState(card, 'ready');
    showError(err);
  } finally {
    if (n === runs) $('#run').disabled = false;
    rendered();
  }
}

function drawResult(res) {
  const numeric = (type) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/i.test(type);
  const head = el('tr', {}, ...res.columns.map((c) => el('th', { class: numeric(c.type) ? 'num' : '', textContent: c.name, title: c.type })));
  const body = res.rows.map((r) =>
    el(
      'tr',
      {},
      ...res.columns.map((c) => {
        const v = r[c.name];
        if (v === null || v === undefined) return el('td', { class: `null ${numeric(c.type) ? 'num' : ''}`, textContent: 'NULL' });
        const text = typeof v === 'object' ? JSON.stringify(v) : typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 1e6) / 1e6) : String(v);
        return el('td', { class: numeric(c.type) ? 'num' : '', textContent: text, title: text });
      }),
    ),
  );
  $('#result').replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

async function download(format) {
  const button = $(`#download-${format}`);
  button.disabled = true;
  showError(null);
  $('#result-meta').textContent = t('console_downloading');
  try {
    // Downloads are exports: the server lets analysts' and admins' tokens through.
    const res = await apiFetch('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request(format)) });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new ApiError(res.status, body);
    }
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: `ccmart-query.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    $('#result-meta').textContent = `${t('console_rows', { n: res.headers.get('x-ccmart-rows') ?? '?' })} · ${format.toUpperCase()}`;
  } catch (err) {
    $('#result-meta').textContent = '';
    showError(err);
  } finally {
    button.disabled = false;
  }
}

await loadCatalog();
await run();
