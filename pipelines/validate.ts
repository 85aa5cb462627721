/**
 * Generates the SQL that types and validates staged rows of one contract. Staged rows are all text
 * (columns named after contract fields); the result has each field typed, timestamps also in UTC, and
 * `_errors`: a list of {field, reason} that is empty for a clean row. Runs entirely inside DuckDB, so a
 * 10-million-row file is validated in parallel at DuckDB's speed.
 */
import type { Contract, Field, PersonalKind } from './contracts.ts';
import { ident, literal } from '../core/db.ts';
import { storedColumns } from './contracts.ts';

export interface ValidationOptions {
  timezone: string;
  dayFirst: boolean;
  /** Extra code → canonical mappings per field (from seeds/code_mappings.csv), codes lower-case. */
  codeMappings: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The stage already holds the null tokens as NULL (the CSV reader turns them into NULL itself). */
  nullTokensRead?: boolean;
  /** SQL that stores a personal value as its pseudonym (pseudonymize.ts); absent, values are stored as read. */
  pseudonym?: (expr: string, kind: PersonalKind) => string;
}

export const MAX_TEXT_BYTES = 65_536;
export const MAX_ID_CHARS = 256;
/** Empty cells and these tokens mean "no value". */
export const NULL_TOKENS = ['', 'null', 'NULL', '\\N'];

function naiveTimeFormats(dayFirst: boolean): string[] {
  const slashed = dayFirst
    ? ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y %I:%M:%S %p', '%d/%m/%Y %I:%M %p']
    : ['%m/%d/%Y %I:%M:%S %p', '%m/%d/%Y %I:%M %p', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M'];
  return [
    '%Y-%m-%d %H:%M:%S',
    '%Y-%m-%dT%H:%M:%S',
    '%Y-%m-%d %H:%M:%S.%f',
    '%Y-%m-%dT%H:%M:%S.%f',
    '%Y-%m-%d %H:%M',
    '%Y-%m-%dT%H:%M',
    '%Y/%m/%d %H:%M:%S',
    '%Y/%m/%d %H:%M:%S.%f',
    '%Y/%m/%d %H:%M',
    '%Y%m%d%H%M%S',
    '%Y%m%d %H:%M:%S',
    '%Y年%m月%d日 %H:%M:%S',
    '%Y年%m月%d日 %H:%M',
    '%d.%m.%Y %H:%M:%S',
    ...slashed,
    '%Y-%m-%d',
  ];
}

const OFFSET_FORMATS = ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S.%f%z', '%Y-%m-%dT%H:%M%z'];

const sqlList = (items: readonly string[]) => `[${items.map(literal).join(', ')}]`;

/** The common case, `YYYY-MM-DD HH:MM:SS` (or with T), is cast directly: no regex, no format list. */
const isPlainIso = (v: string) => `(${v} LIKE '____-__-__ __:__:__' OR ${v} LIKE '____-__-__T__:__:__')`;

/** Form of a raw time value: 0 none, 1 plain ISO, 2 epoch seconds, 3 epoch milliseconds, 4 ISO with offset, 5 other wall-clock formats. */
function timeFormExpr(v: string): string {
  return `CASE
    WHEN ${v} IS NULL THEN 0
    WHEN ${isPlainIso(v)} THEN 1
    WHEN regexp_full_match(${v}, '\\d{10}(\\.\\d+)?') THEN 2
    WHEN regexp_full_match(${v}, '\\d{13}') THEN 3
    WHEN regexp_matches(${v}, '^\\d{4}-.*(Z|[+-]\\d{2}:?\\d{2})$') THEN 4
    ELSE 5
  END::UTINYINT`;
}

/** Wall-clock value (TIMESTAMP) of a raw time without an offset, else NULL. */
function wallClockExpr(v: string, form: string, opts: ValidationOptions): string {
  return `CASE ${form} WHEN 1 THEN TRY_CAST(${v} AS TIMESTAMP) WHEN 5 THEN try_strptime(${v}, ${sqlList(naiveTimeFormats(opts.dayFirst))}) END`;
}

/** UTC instant (as a TIMESTAMP in UTC) of a raw time that names its own instant (epoch, offset), else NULL. */
function namedInstantExpr(v: string, form: string): string {
  return `CASE ${form}
    WHEN 2 THEN make_timestamp((TRY_CAST(${v} AS DOUBLE) * 1e6)::BIGINT)
    WHEN 3 THEN make_timestamp(TRY_CAST(${v} AS BIGINT) * 1000)
    WHEN 4 THEN make_timestamp(epoch_us(try_strptime(regexp_replace(${v}, 'Z$', '+00:00'), ${sqlList(OFFSET_FORMATS)})))
  END`;
}

/**
 * UTC offsets of a zone between 1970 and 2070, from the platform's zone database: the offset before the
 * first change, then each change as [UTC instant in ms, offset in seconds after it].
 */
interface ZoneOffsets {
  initial: number;
  changes: [number, number][];
}

const WINDOW_START = Date.UTC(1970, 0, 1);
const WINDOW_END = Date.UTC(2070, 0, 1);
const zoneCache = new Map<string, ZoneOffsets>();

export function zoneOffsets(zone: string): ZoneOffsets {
  const cached = zoneCache.get(zone);
  if (cached) return cached;
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const offsetAt = (ms: number) => {
    const m = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(format.format(ms));
    if (!m || !m[1]) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
  };
  const day = 86_400_000;
  const initial = offsetAt(WINDOW_START);
  const changes: [number, number][] = [];
  let previous = initial;
  for (let t = WINDOW_START + day; t < WINDOW_END; t += day) {
    if (offsetAt(t) === previous) continue;
    // Changes happen on whole seconds (in practice on whole minutes): bisect the day to the second.
    let lo = t - day;
    let hi = t;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(mid) === previous) lo = mid;
      else hi = mid;
    }
    previous = offsetAt(hi);
    changes.push([hi, previous]);
  }
  const result = { initial, changes };
  zoneCache.set(zone, result);
  return result;
}

const timestampLiteral = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}'`;

/** Offset (seconds) picked by comparing `v` with sorted breakpoints: a balanced tree of CASEs, so ~log2(n) comparisons. */
function offsetTree(v: string, breaks: readonly number[], offsets: readonly number[], lo = 0, hi = offsets.length): string {
  if (hi - lo === 1) return String(offsets[lo]);
  const mid = (lo + hi) >> 1;
  return `CASE WHEN ${v} < ${timestampLiteral(breaks[mid - 1]!)} THEN ${offsetTree(v, breaks, offsets, lo, mid)} ELSE ${offsetTree(v, breaks, offsets, mid, hi)} END`;
}

const shift = (v: string, seconds: string) => `make_timestamp(epoch_us(${v}) + (${seconds})::BIGINT * 1000000)`;

/**
 * `v` shifted by its offset (times `sign`) between two instants, DuckDB's `outside` conversion elsewhere. The period
 * after the zone's last change comes first: one comparison for the recent data of a zone without daylight saving
 * (such as Asia/Shanghai since 1991); other times go down the tree.
 */
function shiftedByOffset(v: string, breaks: readonly number[], offsets: readonly number[], sign: 1 | -1, from: number, to: number, outside: string): string {
  const by = (offset: string) => shift(v, sign === 1 ? offset : `-(${offset})`);
  const last = breaks.at(-1);
  const lastPeriod =
    last !== undefined && last >= from && last < to ? `WHEN ${v} >= ${timestampLiteral(last)} AND ${v} < ${timestampLiteral(to)} THEN ${by(String(offsets.at(-1)))}\n    ` : '';
  return `CASE ${lastPeriod}WHEN ${v} >= ${timestampLiteral(from)} AND ${v} < ${timestampLiteral(to)}
    THEN ${by(offsetTree(v, breaks, offsets))} ELSE ${outside} END`;
}

/**
 * UTC of a wall-clock time in the zone. Between 1970 and 2070 this is arithmetic on the zone's offsets (the
 * per-row ICU conversion is many times slower); outside, DuckDB's ICU conversion. Both follow the same rule:
 * a time in a spring-forward gap takes the offset before the change, an ambiguous fall-back time the offset
 * after it (the second occurrence).
 */
function wallClockToUtc(v: string, zone: string): string {
  const { initial, changes } = zoneOffsets(zone);
  // A wall-clock time belongs to the offset after a change from the change's instant + that offset on.
  const breaks = changes.map(([t, o]) => t + o * 1000);
  const offsets = [initial, ...changes.map(([, o]) => o)];
  const icu = `timezone('UTC', timezone(${literal(zone)}, ${v}))`;
  return shiftedByOffset(v, breaks, offsets, -1, WINDOW_START + 86_400_000, WINDOW_END - 86_400_000, icu);
}

/** Wall clock in the zone of a UTC instant (a TIMESTAMP in UTC); see wallClockToUtc. */
export function utcToWallClock(v: string, zone: string): string {
  const { initial, changes } = zoneOffsets(zone);
  const breaks = changes.map(([t]) => t);
  const offsets = [initial, ...changes.map(([, o]) => o)];
  const icu = `timezone(${literal(zone)}, timezone('UTC', ${v}))`;
  return shiftedByOffset(v, breaks, offsets, 1, WINDOW_START, WINDOW_END, icu);
}

function codeMap(field: Field, opts: ValidationOptions): string {
  const pairs = new Map<string, string>();
  for (const c of field.codes ?? []) pairs.set(c, c);
  for (const [code, canonical] of opts.codeMappings.get(field.name) ?? []) pairs.set(code, canonical);
  const entries = [...pairs].map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ');
  return `MAP {${entries}}`;
}

/** One way a value can be bad: `when` is SQL that is true for a bad value, `reason` SQL text saying why. */
interface FieldError {
  when: string;
  reason: string;
}

interface FieldSql {
  /** Typed value computed once from the cleaned text, as [expression, column]; conditions refer to the column. */
  value: [string, string] | null;
  /** Stored column(s): [expression, column name]. */
  columns: [string, string][];
  errors: FieldError[];
}

function fieldSql(field: Field, opts: ValidationOptions): FieldSql {
  const v = ident(`v$${field.name}`);
  const name = field.name;
  const shown = `left(${v}, 60)`;
  const errors: FieldError[] = [];
  const x = ident(`x$${name}`);
  let value: string | null = null;
  let typed = x;
  const columns: [string, string][] = [];
  switch (field.type) {
    case 'timestamp': {
      // The UTC instant (t$) was worked out by the CTEs of validationSelect; the wall clock (w$) follows from it.
      const utc = ident(`t$${name}`);
      typed = ident(`w$${name}`);
      columns.push([typed, name], [utc, `${name}_utc`]);
      errors.push({ when: `${v} IS NOT NULL AND ${utc} IS NULL`, reason: `'unparseable time "' || ${shown} || '"'` });
      break;
    }
    case 'integer':
      value = `TRY_CAST(${v} AS BIGINT)`;
      errors.push({ when: `${v} IS NOT NULL AND ${x} IS NULL`, reason: `'not an integer: "' || ${shown} || '"'` });
      break;
    case 'seconds':
      value = `TRY_CAST(${v} AS DOUBLE)`;
      errors.push({ when: `${v} IS NOT NULL AND ${x} IS NULL`, reason: `'not a number of seconds: "' || ${shown} || '"'` });
      errors.push({ when: `${x} < 0`, reason: `'negative duration: ' || ${v}` });
      break;
    case 'number':
      value = `TRY_CAST(${v} AS DOUBLE)`;
      errors.push({ when: `${v} IS NOT NULL AND ${x} IS NULL`, reason: `'not a number: "' || ${shown} || '"'` });
      break;
    case 'boolean':
      value = `CASE WHEN lower(${v}) IN ('true','t','1','yes','y','是') THEN true WHEN lower(${v}) IN ('false','f','0','no','n','否') THEN false END`;
      errors.push({ when: `${v} IS NOT NULL AND ${x} IS NULL`, reason: `'not a true/false value: "' || ${shown} || '"'` });
      break;
    case 'code':
      value = `${codeMap(field, opts)}[lower(${v})]`;
      errors.push({
        when: `${v} IS NOT NULL AND ${x} IS NULL`,
        reason: `'unknown code "' || ${shown} || '" (expected one of ${(field.codes ?? []).join(', ')})'`,
      });
      break;
    case 'id':
      typed = v;
      errors.push({ when: `length(${v}) > ${MAX_ID_CHARS}`, reason: `'identifier longer than ${MAX_ID_CHARS} characters (' || length(${v}) || ')'` });
      break;
    case 'text':
      typed = v;
      errors.push({ when: `strlen(${v}) > ${MAX_TEXT_BYTES}`, reason: `'text longer than ${MAX_TEXT_BYTES} bytes (' || strlen(${v}) || ' bytes)'` });
      break;
  }
  if (field.min !== undefined) errors.push({ when: `${typed} < ${field.min}`, reason: `'below minimum ${field.min}: ' || ${v}` });
  if (field.max !== undefined) errors.push({ when: `${typed} > ${field.max}`, reason: `'above maximum ${field.max}: ' || ${v}` });
  // A required field with a default is filled by the default, never missing.
  if (field.required && !field.default) errors.unshift({ when: `${v} IS NULL`, reason: `'missing required value'` });
  // A personal value is checked as read and stored as its pseudonym.
  if (field.personal && opts.pseudonym) typed = opts.pseudonym(typed, field.personal);
  if (columns.length === 0) columns.push([field.default ? `coalesce(${typed}, ${field.default})` : typed, name]);
  else if (field.default) columns[0] = [`coalesce(${typed}, ${field.default})`, name];
  return { value: value === null ? null : [value, `x$${name}`], columns, errors };
}

/** True when any of the conditions holds; NULL when none does but some are unknown, which CASE WHEN takes as false. */
const anyOf = (conditions: readonly string[]) => (conditions.length ? conditions.map((c) => `(${c})`).join(' OR ') : 'false');

/** The {field, reason} list of the errors that hold. */
const errorList = (errors: readonly { field: string; when: string; reason: string }[]) =>
  `list_filter([${errors.map((e) => `{'field': ${literal(e.field)}, 'reason': CASE WHEN ${e.when} THEN ${e.reason} END}`).join(',\n      ')}], e -> e.reason IS NOT NULL)`;

const NO_ERRORS = `[]::STRUCT(field VARCHAR, reason VARCHAR)[]`;

/**
 * SELECT that types and validates `stageTable` (columns `_line`, `_raw` and one VARCHAR per field present in
 * `present`; absent fields are NULL). Output columns: `_k` (the row's position in the stage table, from 1),
 * `_line`, `_raw`, every stored column of the contract, and `_errors`. Clean rows, nearly all of them, only
 * evaluate the error conditions; the list of reasons is built for bad rows alone.
 */
export function validationSelect(contract: Contract, stageTable: string, present: ReadonlySet<string>, opts: ValidationOptions): string {
  const nullTokens = NULL_TOKENS.map(literal).join(', ');
  // Trimming copies the text, so only values that start or end with a space are trimmed.
  const cleaned = contract.fields.map((f) => {
    const c = ident(f.name);
    const raw = present.has(f.name)
      ? `CASE ${opts.nullTokensRead ? '' : `WHEN ${c} IN (${nullTokens}) THEN NULL `}WHEN ${c} LIKE ' %' OR ${c} LIKE '% ' THEN CASE WHEN trim(${c}) IN (${nullTokens}) THEN NULL ELSE trim(${c}) END ELSE ${c} END`
      : 'NULL::VARCHAR';
    return `${raw} AS ${ident(`v$${f.name}`)}`;
  });
  const times = contract.fields.filter((f) => f.type === 'timestamp').map((f) => f.name);
  const col = (prefix: string, name: string) => ident(`${prefix}$${name}`);
  // Timestamps in four steps: form of the text → wall clock or named instant → UTC instant → wall clock.
  const forms = times.map((n) => `${timeFormExpr(col('v', n))} AS ${col('f', n)}`);
  const parsed = times.flatMap((n) => [
    `${wallClockExpr(col('v', n), col('f', n), opts)} AS ${col('l', n)}`,
    `${namedInstantExpr(col('v', n), col('f', n))} AS ${col('u', n)}`,
  ]);
  const utc = times.map((n) => `coalesce(${col('u', n)}, ${wallClockToUtc(col('l', n), opts.timezone)}) AS ${col('t', n)}`);
  const wall = times.map((n) => `${utcToWallClock(col('t', n), opts.timezone)} AS ${col('w', n)}`);
  const perField = contract.fields.map((f) => ({ f, sql: fieldSql(f, opts) }));
  const values = perField.flatMap(({ sql }) => (sql.value ? [`${sql.value[0]} AS ${ident(sql.value[1])}`] : []));
  const typedCols = perField.flatMap(({ sql }) => sql.columns.map(([e, n]) => `${e} AS ${ident(n)}`));
  const fieldErrors = perField.flatMap(({ f, sql }) => sql.errors.map((e) => ({ field: f.name, ...e })));
  const checkErrors = contract.checks.map((c) => ({ field: c.field, when: c.when, reason: literal(c.reason) }));
  const stored = storedColumns(contract)
    .filter((c) => !c.name.startsWith('_'))
    .map((c) => c.name);
  // Row checks compare instants: a timestamp's name means its UTC value there (its wall clock is "w$name"), so
  // a contact across the autumn change is in order, and a query that keeps only UTC times never works out the
  // wall clock.
  const judged = times.length
    ? `SELECT * REPLACE (${times.map((n) => `${ident(`${n}_utc`)} AS ${ident(n)}`).join(', ')}), ${times.map((n) => `${ident(n)} AS ${col('w', n)}`).join(', ')} FROM typed`
    : 'SELECT * FROM typed';
  const output = new Set(times);
  const storedOut = stored.map((n) => (output.has(n) ? `${col('w', n)} AS ${ident(n)}` : ident(n)));
  const step = (name: string, exprs: string[], from: string) =>
    exprs.length ? `, ${name} AS (\n  SELECT *, ${exprs.join(',\n    ')}\n  FROM ${from}\n)` : `, ${name} AS (SELECT * FROM ${from})`;
  return `
WITH cleaned AS (
  SELECT rowid + 1 AS _k, _line, _raw, ${cleaned.join(',\n    ')}
  FROM ${stageTable}
)${step('formed', forms, 'cleaned')}${step('parsed', parsed, 'formed')}${step('instants', utc, 'parsed')}${step('clocks', wall, 'instants')}${step('valued', values, 'clocks')}, typed AS (
  SELECT _k, _line, _raw,
    ${typedCols.join(',\n    ')},
    CASE WHEN ${anyOf(fieldErrors.map((e) => e.when))} THEN ${errorList(fieldErrors)} ELSE ${NO_ERRORS} END AS _field_errors
  FROM valued
)
SELECT _k, _line, _raw, ${storedOut.join(', ')},
  CASE WHEN len(_field_errors) > 0 THEN _field_errors
       WHEN ${anyOf(checkErrors.map((e) => e.when))} THEN ${checkErrors.length ? errorList(checkErrors) : NO_ERRORS}
       ELSE ${NO_ERRORS} END AS _errors
FROM (${judged})`;
}
