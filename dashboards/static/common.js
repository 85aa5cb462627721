// Shared by the four pages: language, labels, URL state, API calls, chart embedding and card states.
// Plain ES module run by the browser as is; vega, vegaLite and vegaEmbed are globals from /vendor/*.js.

const LANGS = ['zh', 'en'];

/** The language: ?lang= when it names one, else Chinese when the browser ranks Chinese above English. */
export function pickLang(param, preferred = navigator.languages ?? [navigator.language]) {
  if (LANGS.includes(param)) return param;
  for (const tag of preferred) {
    const t = String(tag).toLowerCase();
    if (t === 'zh' || t.startsWith('zh-')) return 'zh';
    if (t === 'en' || t.startsWith('en-')) return 'en';
  }
  return 'en';
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.parameter = body?.parameter;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Access tokens: when the server has tokens configured, the API answers 401 until the page sends one. The
// token is asked for once in the layout's form and kept for the browser tab (sessionStorage).

const TOKEN_KEY = 'ccmart.token';

const AUTH_TEXT = {
  en: {
    needed: 'This server needs an access token.',
    rejected: 'The access token was not accepted. Enter another one.',
    label: 'Access token',
    submit: 'Sign in',
    forget: 'Forget token',
    forbidden: 'Your access token does not allow this: {error}',
    limited: 'Too many requests for your access token: wait {s} s, then try again.',
  },
  zh: {
    needed: '此服务器需要访问令牌。',
    rejected: '访问令牌未被接受，请输入其他令牌。',
    label: '访问令牌',
    submit: '登录',
    forget: '清除令牌',
    forbidden: '当前访问令牌无权执行此操作：{error}',
    limited: '当前访问令牌的请求过多：请等待 {s} 秒后重试。',
  },
};

const authText = (key, vars = {}) => (AUTH_TEXT[ctx.lang] ?? AUTH_TEXT.en)[key].replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** `headers` with the stored token as a Bearer header (API calls only). */
export function authHeaders(headers = {}) {
  const token = storedToken();
  return token ? { ...headers, authorization: `Bearer ${token}` } : headers;
}

function labelAuth() {
  const set = (id, text) => {
    const node = document.getElementById(id);
    if (node) node.textContent = text;
  };
  set('auth-label', authText('label'));
  set('auth-submit', authText('submit'));
  set('auth-forget', authText('forget'));
  const forget = document.getElementById('auth-forget');
  if (forget) forget.hidden = !storedToken();
}

/** The token this page load started with (null: none yet). */
const tokenAtLoad = storedToken();

/** Shows the token form: after a refused token, says so and forgets it. */
export function askForToken() {
  const refused = tokenAtLoad !== null;
  if (refused) sessionStorage.removeItem(TOKEN_KEY);
  const box = document.getElementById('auth');
  if (!box) return;
  labelAuth();
  const message = document.getElementById('auth-message');
  message.textContent = authText(refused ? 'rejected' : 'needed');
  message.classList.toggle('bad', refused);
  box.hidden = false;
  document.getElementById('auth-token')?.focus();
}

function showAccessNotice(text) {
  const box = document.getElementById('auth-notice');
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
}

/** What the page shows when the API refuses a call for access reasons (401, 403, 429). */
function accessProblem(err, res) {
  if (err.status === 401) askForToken();
  else if (err.status === 403) showAccessNotice(authText('forbidden', { error: err.message }));
  else if (err.status === 429) showAccessNotice(authText('limited', { s: res.headers.get('retry-after') ?? '?' }));
}

function wireAuth() {
  document.getElementById('auth-form')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = document.getElementById('auth-token').value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    location.reload();
  });
  document.getElementById('auth-forget')?.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
}

if (typeof document !== 'undefined') wireAuth();

/** fetch() of an API URL with the stored token; 401, 403 and 429 answers are also shown to the user. */
export async function apiFetch(url, init = {}) {
  const api = String(url).startsWith('/api/');
  const res = await fetch(url, api ? { ...init, headers: authHeaders(init.headers) } : init);
  if (api && [401, 403, 429].includes(res.status)) {
    const body = await res.clone().json().catch(() => null);
    accessProblem(new ApiError(res.status, body), res);
  }
  return res;
}

export async function getJSON(url, init) {
  const res = await apiFetch(url, init);
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export function postJSON(url, payload) {
  return getJSON(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
}

/** Query string of the defined, non-empty values (arrays joined with commas). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','));
    } else q.set(k, String(v));
  }
  return q.toString();
}

// ---------------------------------------------------------------------------------------------------------------
// Page start: labels, language switch, navigation.

export const ctx = { lang: 'en', messages: {}, meta: null, url: new URL(location.href) };

export function t(key, vars = {}) {
  const text = ctx.messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Loads labels and /api/meta, translates and titles the page, wires the language switch and the navigation. */
export async function boot(page) {
  ctx.url = new URL(location.href);
  const langParam = ctx.url.searchParams.get('lang');
  ctx.lang = pickLang(langParam);
  const [messages, meta] = await Promise.all([getJSON('/assets/i18n.json'), page === 'console' ? null : getJSON('/api/meta').catch((err) => err)]);
  ctx.messages = messages[ctx.lang];
  document.documentElement.lang = ctx.lang === 'zh' ? 'zh-CN' : 'en';
  translate(document);
  const title = document.getElementById('page-title');
  if (title) title.textContent = t(`nav_${page}`);
  labelAuth();
  // Without access (no token yet, a refused one, too many requests) the page stops here: the form or notice shows.
  if (meta instanceof ApiError && [401, 403, 429].includes(meta.status)) await new Promise(() => {});
  if (meta instanceof Error) throw meta;
  ctx.meta = meta;
  document.title = `${t('nav_' + page)} · ccmart`;
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('current', a.dataset.nav === page);
  for (const a of document.querySelectorAll('[data-lang]')) a.classList.toggle('current', a.dataset.lang === ctx.lang);
  refreshLinks();
  document.body.classList.remove('booting');
  return ctx;
}

export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

/** Filters every page understands, carried along when moving between pages or languages. */
const SHARED = ['from', 'to', 'queue', 'lang'];

function refreshLinks() {
  const here = new URLSearchParams(location.search);
  for (const a of document.querySelectorAll('[data-nav]')) {
    const q = new URLSearchParams();
    for (const k of SHARED) if (here.has(k)) q.set(k, here.get(k));
    a.href = a.getAttribute('data-href') + (q.size ? `?${q}` : '');
  }
  for (const a of document.querySelectorAll('[data-lang]')) {
    const q = new URLSearchParams(location.search);
    q.set('lang', a.dataset.lang);
    a.href = `?${q}`;
  }
}

/** Writes `params` into the address bar (replacing the entry) so the view can be shared and reloaded. */
export function setURL(params) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) q.delete(k);
    else q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const next = `${location.pathname}${q.size ? `?${q}` : ''}`;
  if (next !== `${location.pathname}${location.search}`) history.replaceState(null, '', next);
  refreshLinks();
}

export function listParam(name) {
  return (new URLSearchParams(location.search).get(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------------
// Period and queue filters.

const DAY = 86_400_000;
export const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
export const daysBetween = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;
const isDay = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? '') && !Number.isNaN(Date.parse(s));

/**
 * from/to of the URL, else the last `defaultDays` days with data (the whole range when shorter), reaching
 * `aheadDays` past the last day with data.
 */
export function periodFromURL(defaultDays = 28, aheadDays = 0) {
  const q = new URLSearchParams(location.search);
  const range = ctx.meta?.date_range;
  let to = isDay(q.get('to')) ? q.get('to') : addDays(range?.to ?? new Date().toISOString().slice(0, 10), aheadDays);
  const last = addDays(to, -aheadDays);
  let from = isDay(q.get('from')) ? q.get('from') : range ? maxDay(range.from, addDays(last, -(defaultDays - 1))) : addDays(last, -(defaultDays - 1));
  if (from > to) [from, to] = [to, from];
  return { from, to };
}

const maxDay = (a, b) => (a > b ? a : b);

/** Display name of a queue in the page's language. */
export function queueName(id) {
  const q = ctx.meta?.queues?.find((x) => x.queue_id === id);
  if (!q) return id;
  return (ctx.lang === 'zh' ? q.queue_name : q.queue_name_en) || id;
}

export function channelName(id) {
  const c = ctx.meta?.channels?.find((x) => x.channel === id);
  if (!c) return id;
  return (ctx.lang === 'zh' ? c.channel_name_zh : c.channel_name) || id;
}

/** Queues worth offering in a filter: every queue but the 'none' bucket of self-service touchpoints. */
export function filterQueues() {
  return (ctx.meta?.queues ?? []).filter((q) => q.queue_id !== 'none');
}

/**
 * A drop-down of checkboxes in `details`; `onChange(selected)` after each change. Empty selection = all.
 */
export function queuePicker(details, selected, onChange) {
  const summary = details.querySelector('summary');
  const panel = details.querySelector('.panel');
  panel.replaceChildren();
  const chosen = new Set(selected);
  const label = () => {
    summary.textContent = chosen.size === 0 ? t('all_queues') : chosen.size === 1 ? queueName([...chosen][0]) : t('queues_selected', { n: chosen.size });
  };
  for (const q of filterQueues()) {
    const row = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = q.queue_id;
    box.checked = chosen.has(q.queue_id);
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(q.queue_id);
      else chosen.delete(q.queue_id);
      label();
      onChange([...chosen]);
    });
    const name = document.createElement('span');
    name.textContent = queueName(q.queue_id);
    const code = document.createElement('span');
    code.className = 'code';
    code.textContent = q.queue_id;
    row.append(box, name, code);
    panel.append(row);
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.textContent = t('clear');
  clear.addEventListener('click', () => {
    chosen.clear();
    for (const b of panel.querySelectorAll('input')) b.checked = false;
    label();
    onChange([]);
  });
  actions.append(clear);
  panel.append(actions);
  label();
  document.addEventListener('click', (e) => {
    if (!details.contains(e.target)) details.open = false;
  });
}

/** Date inputs bounded by the data's range (open to the future with `future`); `onChange({from, to})` on change. */
export function periodInputs(fromInput, toInput, period, onChange, { future = false } = {}) {
  const range = ctx.meta?.date_range;
  for (const input of [fromInput, toInput]) {
    if (range) {
      input.min = range.from;
      if (!future) input.max = range.to;
    }
  }
  fromInput.value = period.from;
  toInput.value = period.to;
  const changed = () => {
    if (!isDay(fromInput.value) || !isDay(toInput.value)) return;
    let from = fromInput.value;
    let to = toInput.value;
    if (from > to) [from, to] = [to, from];
    onChange({ from, to });
  };
  fromInput.addEventListener('change', changed);
  toInput.addEventListener('change', changed);
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers.

export function formatValue(v, unit, precise = true) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (unit === 'share') return `${(v * 100).toFixed(precise ? 1 : 0)}%`;
  if (unit === 'seconds') return `${Math.round(v).toLocaleString(locale())} ${t('seconds_unit')}`;
  if (unit === 'hours') return `${v.toLocaleString(locale(), { maximumFractionDigits: 1 })} ${t('hours_unit')}`;
  return Number(v).toLocaleString(locale(), { maximumFractionDigits: 1 });
}

export const locale = () => (ctx.lang === 'zh' ? 'zh-CN' : 'en-US');

/** The seed target of `metric` (seed_kpi_targets) as { target, direction }, or null. */
export function seedTarget(metric) {
  const row = ctx.meta?.targets?.find((r) => r.metric === metric);
  return row ? { target: row.target, direction: row.direction } : null;
}

/** Whether `value` meets `target` in its `direction` (higher, lower, max). */
export function meets(value, target) {
  if (value === null || value === undefined || !target) return null;
  return target.direction === 'higher' ? value >= target.target : value <= target.target;
}

// ---------------------------------------------------------------------------------------------------------------
// Cards and charts.

/** Sets a card's state: 'loading', 'empty' (with message and hint), 'error' (message) or 'ready'. */
export function cardState(card, state, message = '', hint = '') {
  card.dataset.state = state;
  const box = card.querySelector('.state');
  if (!box) return;
  box.replaceChildren();
  if (state === 'loading') {
    const s = document.createElement('small');
    s.textContent = t('loading');
    box.append(s);
  } else if (state === 'empty' || state === 'error') {
    const strong = document.createElement('strong');
    strong.textContent = message || (state === 'empty' ? t('no_data') : t('load_error'));
    box.append(strong);
    if (hint || state === 'empty') {
      const small = document.createElement('small');
      small.textContent = hint || t('no_data_hint');
      box.append(small);
    }
  }
}

/** Date and time patterns of the charts' axes and tooltips (d3-time-format), by language. */
const TIME_PATTERNS = {
  zh: { dateTime: '%x %A %X', date: '%Y/%-m/%-d', time: '%H:%M:%S', periods: ['上午', '下午'] },
  en: { dateTime: '%x, %X', date: '%-m/%-d/%Y', time: '%-I:%M:%S %p', periods: ['AM', 'PM'] },
};

/** Names of the 7 weekdays (from Sunday) or 12 months in the page's language, from the browser's locale data. */
function calendarNames(unit, width) {
  const format = new Intl.DateTimeFormat(locale(), { [unit]: width, timeZone: 'UTC' });
  // 1 January 2023 was a Sunday.
  const dates = unit === 'weekday' ? Array.from({ length: 7 }, (_, i) => Date.UTC(2023, 0, 1 + i)) : Array.from({ length: 12 }, (_, i) => Date.UTC(2023, i, 1));
  return dates.map((d) => format.format(d));
}

/** The d3 time-format locale of the page's language. */
function timeFormatLocale() {
  return {
    ...(TIME_PATTERNS[ctx.lang] ?? TIME_PATTERNS.en),
    days: calendarNames('weekday', 'long'),
    shortDays: calendarNames('weekday', 'short'),
    months: calendarNames('month', 'long'),
    shortMonths: calendarNames('month', 'short'),
  };
}

const NUMBER = { decimal: '.', thousands: ',', grouping: [3], currency: ['', ''] };

const ZH_ACTIONS = { CLICK_TO_VIEW_ACTIONS: '图表操作', PNG_ACTION: '保存为 PNG', SVG_ACTION: '保存为 SVG', SOURCE_ACTION: '查看源码', COMPILED_ACTION: '查看 Vega', EDITOR_ACTION: '在编辑器中打开' };

let interpreter;

/**
 * Vega's expression interpreter (served by the API at /vendor/vega-interpreter.js); undefined when missing,
 * vega-embed then uses the copy it bundles.
 */
function expressionInterpreter() {
  interpreter ??= globalThis.vega?.expressionInterpreter
    ? Promise.resolve(globalThis.vega.expressionInterpreter)
    : import('/vendor/vega-interpreter.js').then((m) => m.expressionInterpreter, () => undefined);
  return interpreter;
}

function embedOptions(fileName, expr) {
  return {
    renderer: 'svg',
    // No eval under the page's CSP: Vega parses expressions to an AST and interprets them.
    ast: true,
    ...(expr ? { expr } : {}),
    actions: { export: { svg: true, png: true }, source: false, compiled: false, editor: false },
    // Styles of vega-embed and vega-tooltip live in app.css: injected <style> elements break the CSP.
    defaultStyle: false,
    forceActionsMenu: true,
    tooltip: { disableDefaultStyle: true, theme: 'light' },
    formatLocale: NUMBER,
    timeFormatLocale: timeFormatLocale(),
    downloadFileName: fileName,
    ...(ctx.lang === 'zh' ? { i18n: ZH_ACTIONS } : {}),
  };
}

const specCache = new Map();

/** The spec of chart `name` from GET /api/spec/NAME (built by dashboards/specs/*.ts), cached per URL. */
export async function chartSpec(name, params = {}) {
  const url = `/api/spec/${name}?${query({ ...params, lang: ctx.lang })}`;
  if (!specCache.has(url)) specCache.set(url, getJSON(url));
  try {
    return structuredClone(await specCache.get(url));
  } catch (err) {
    specCache.delete(url);
    throw err;
  }
}

/**
 * Draws chart `name` in `el` with the data sets filled in (`rows`, and `queues` / `channels` from /api/meta);
 * the previous view of `el` is finalized first.
 */
export async function drawChart(el, name, params, rows, extra = {}) {
  const spec = await chartSpec(name, params);
  spec.datasets = { rows, queues: ctx.meta?.queues ?? [], channels: ctx.meta?.channels ?? [], ...extra };
  // The chart takes its container's width when embedded: the container must be shown by then.
  const card = el.closest('.card');
  if (card) cardState(card, 'ready');
  el.__result?.finalize();
  el.__result = await vegaEmbed(el, spec, embedOptions(`ccmart-${name}`, await expressionInterpreter()));
  return el.__result.view;
}

/**
 * Runs `draw` for a card: loading state first, the empty state when `draw` returns false, the error state
 * with the API's message when it throws.
 */
export async function withCard(card, draw) {
  cardState(card, 'loading');
  try {
    const drawn = await draw();
    if (drawn === false) cardState(card, 'empty');
    else cardState(card, 'ready');
  } catch (err) {
    console.warn(err);
    cardState(card, 'error', `${t('load_error')}: ${err.message}`, '');
  }
}

/** Marks the page as drawn (tests wait for `data-rendered` to count up). */
export function rendered() {
  const n = Number(document.body.dataset.rendered ?? 0) + 1;
  document.body.dataset.rendered = String(n);
}

/** Calls `fn` once the calls stop for `ms` milliseconds. */
export function debounce(fn, ms = 200) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A duration in seconds as minutes, hours or days. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const n = (v) => v.toLocaleString(locale(), { maximumFractionDigits: 1 });
  if (seconds < 3600) return `${n(seconds / 60)} ${t('minutes_unit')}`;
  if (seconds < 2 * 86_400) return `${n(seconds / 3600)} ${t('hours_unit')}`;
  return `${n(seconds / 86_400)} ${t('days_unit')}`;
}

/** A node key ('queue:card', 'start:contact', 'end:answered') as the charts label it at node level. */
export function nodeText(key) {
  const i = key.indexOf(':');
  if (key === '(none)') return t('node_none');
  if (i < 0) return key;
  const type = key.slice(0, i);
  const name = key.slice(i + 1);
  const typeLabel = ctx.messages[`node_${type}`];
  if (!typeLabel) return key;
  if (!name) return typeLabel;
  const nameLabel = type === 'start' ? ctx.messages[`tp_${name}`] : type === 'end' ? ctx.messages[`out_${name}`] : undefined;
  return `${typeLabel} · ${nameLabel ?? name}`;
}

/** A KPI tile: label, value, a line below and a status (true good, false bad, null none). */
export function tile({ label, value, sub, status = null, key }) {
  return el(
    'div',
    { class: `tile ${status === null ? '' : status ? 'good' : 'bad'}`, dataset: key ? { metric: key } : {} },
    el('div', { class: 'label', textContent: label, title: label }),
    el('div', { class: 'value', textContent: value }),
    el('div', { class: 'target' }, ...(Array.isArray(sub) ? sub : [sub])),
  );
}

export function statusPill(status, hasTarget = true) {
  if (status === null) return el('span', { class: 'pill', textContent: hasTarget ? '–' : t('no_target') });
  return el('span', { class: `pill ${status ? 'good' : 'bad'}`, textContent: status ? t('meets_target') : t('misses_target') });
}
