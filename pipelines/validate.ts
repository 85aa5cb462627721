/**
 * Generates the SQL that types and validates staged rows of one contract. Staged rows are all text
 * (columns named after contract fields); the result has each field typed, timestamps also in UTC, and
 * `_errors`: a list of {field, reason} that is empty for a clean row. Runs entirely inside DuckDB, so a
 * 10-million-row file is validated in parallel at DuckDB's speed.
 */
import type { Contract, Field } from './contracts.ts';
import { ident, literal } from '../core/db.ts';
import { storedColumns } from './contracts.ts';

export interface ValidationOptions {
  timezone: string;
  dayFirst: boolean;
  /** Extra code → canonical mappings per field (from seeds/code_mappings.csv), codes lower-case. */
  codeMappings: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export const MAX_TEXT_BYTES = 65_536;
export const MAX_ID_CHARS = 256;
/** Empty cells and these tokens mean "no value". */
const NULL_TOKENS = ['', 'null', 'NULL', '\\N'];

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

/** SQL for the instant of a raw time value, as TIMESTAMPTZ, whatever its format. */
function instantExpr(v: string, opts: ValidationOptions): string {
  const tz = literal(opts.timezone);
  return `CASE
    WHEN ${v} IS NULL THEN NULL
    WHEN regexp_full_match(${v}, '\\d{10}(\\.\\d+)?') THEN to_timestamp(TRY_CAST(${v} AS DOUBLE))
    WHEN regexp_full_match(${v}, '\\d{13}') THEN epoch_ms(TRY_CAST(${v} AS BIGINT))::TIMESTAMPTZ
    WHEN regexp_matches(${v}, '(Z|[+-]\\d{2}:?\\d{2})$') AND regexp_matches(${v}, '^\\d{4}-')
      THEN try_strptime(regexp_replace(${v}, 'Z$', '+00:00'), ${sqlList(OFFSET_FORMATS)})
    ELSE timezone(${tz}, try_strptime(${v}, ${sqlList(naiveTimeFormats(opts.dayFirst))}))
  END`;
}

function codeMap(field: Field, opts: ValidationOptions): string {
  const pairs = new Map<string, string>();
  for (const c of field.codes ?? []) pairs.set(c, c);
  for (const [code, canonical] of opts.codeMappings.get(field.name) ?? []) pairs.set(code, canonical);
  const entries = [...pairs].map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ');
  return `MAP {${entries}}`;
}

interface FieldSql {
  /** Typed value(s): [expression, column name]. */
  columns: [string, string][];
  /** SQL producing a reason text when the value is bad, else NULL. */
  errors: string[];
}

function fieldSql(field: Field, opts: ValidationOptions): FieldSql {
  const v = ident(`v$${field.name}`);
  const name = field.name;
  const shown = `left(${v}, 60)`;
  const errors: string[] = [];
  let typed: string;
  const columns: [string, string][] = [];
  switch (field.type) {
    case 'timestamp': {
      const instant = ident(`t$${name}`);
      typed = `timezone(${literal(opts.timezone)}, ${instant})`;
      columns.push([typed, name], [`timezone('UTC', ${instant})`, `${name}_utc`]);
      errors.push(`CASE WHEN ${v} IS NOT NULL AND ${instant} IS NULL THEN 'unparseable time "' || ${shown} || '"' END`);
      break;
    }
    case 'integer':
      typed = `TRY_CAST(${v} AS BIGINT)`;
      errors.push(`CASE WHEN ${v} IS NOT NULL AND ${typed} IS NULL THEN 'not an integer: "' || ${shown} || '"' END`);
      break;
    case 'seconds':
      typed = `TRY_CAST(${v} AS DOUBLE)`;
      errors.push(`CASE WHEN ${v} IS NOT NULL AND ${typed} IS NULL THEN 'not a number of seconds: "' || ${shown} || '"' END`);
      errors.push(`CASE WHEN ${typed} < 0 THEN 'negative duration: ' || ${v} END`);
      break;
    case 'number':
      typed = `TRY_CAST(${v} AS DOUBLE)`;
      errors.push(`CASE WHEN ${v} IS NOT NULL AND ${typed} IS NULL THEN 'not a number: "' || ${shown} || '"' END`);
      break;
    case 'boolean':
      typed = `CASE WHEN lower(${v}) IN ('true','t','1','yes','y','是') THEN true WHEN lower(${v}) IN ('false','f','0','no','n','否') THEN false END`;
      errors.push(`CASE WHEN ${v} IS NOT NULL AND ${typed} IS NULL THEN 'not a true/false value: "' || ${shown} || '"' END`);
      break;
    case 'code':
      typed = `${codeMap(field, opts)}[lower(${v})]`;
      errors.push(
        `CASE WHEN ${v} IS NOT NULL AND ${typed} IS NULL THEN 'unknown code "' || ${shown} || '" (expected one of ${(field.codes ?? []).join(', ')})' END`,
      );
      break;
    case 'id':
      typed = v;
      errors.push(`CASE WHEN length(${v}) > ${MAX_ID_CHARS} THEN 'identifier longer than ${MAX_ID_CHARS} characters (' || length(${v}) || ')' END`);
      break;
    case 'text':
      typed = v;
      errors.push(`CASE WHEN strlen(${v}) > ${MAX_TEXT_BYTES} THEN 'text longer than ${MAX_TEXT_BYTES} bytes (' || strlen(${v}) || ' bytes)' END`);
      break;
  }
  if (field.min !== undefined) errors.push(`CASE WHEN ${typed} < ${field.min} THEN 'below minimum ${field.min}: ' || ${v} END`);
  if (field.max !== undefined) errors.push(`CASE WHEN ${typed} > ${field.max} THEN 'above maximum ${field.max}: ' || ${v} END`);
  if (field.required) errors.unshift(`CASE WHEN ${v} IS NULL THEN 'missing required value' END`);
  if (columns.length === 0) columns.push([field.default ? `coalesce(${typed}, ${field.default})` : typed, name]);
  else if (field.default) columns[0] = [`coalesce(${typed}, ${field.default})`, name];
  return { columns, errors };
}

/**
 * SELECT that types and validates `stageTable` (columns `_line`, `_raw` and one VARCHAR per field present in
 * `present`; absent fields are NULL). Output columns: `_k` (the row's position in the stage table, from 1),
 * `_line`, `_raw`, every stored column of the contract, and `_errors`.
 */
export function validationSelect(contract: Contract, stageTable: string, present: ReadonlySet<string>, opts: ValidationOptions): string {
  const nullTokens = sqlList(NULL_TOKENS);
  // Level 1: trimmed text, empty tokens → NULL; timestamps parsed to instants once.
  const level1 = contract.fields.map((f) => {
    const raw = present.has(f.name) ? `CASE WHEN trim(${ident(f.name)}) IN ${nullTokens.replace('[', '(').replace(/]$/, ')')} THEN NULL ELSE trim(${ident(f.name)}) END` : 'NULL::VARCHAR';
    return `${raw} AS ${ident(`v$${f.name}`)}`;
  });
  const instants = contract.fields
    .filter((f) => f.type === 'timestamp')
    .map((f) => `${instantExpr(ident(`v$${f.name}`), opts)} AS ${ident(`t$${f.name}`)}`);
  const perField = contract.fields.map((f) => ({ f, sql: fieldSql(f, opts) }));
  const typedCols = perField.flatMap(({ sql }) => sql.columns.map(([e, n]) => `${e} AS ${ident(n)}`));
  const fieldErrors = perField.flatMap(({ f, sql }) => sql.errors.map((e) => `{'field': ${literal(f.name)}, 'reason': ${e}}`));
  const checkErrors = contract.checks.map(
    (c) => `{'field': ${literal(c.field)}, 'reason': CASE WHEN ${c.when} THEN ${literal(c.reason)} END}`,
  );
  const stored = storedColumns(contract)
    .filter((c) => !c.name.startsWith('_'))
    .map((c) => ident(c.name));
  return `
WITH cleaned AS (
  SELECT rowid + 1 AS _k, _line, _raw, ${level1.join(',\n    ')}
  FROM ${stageTable}
), parsed AS (
  SELECT *${instants.length ? ',\n    ' + instants.join(',\n    ') : ''}
  FROM cleaned
), typed AS (
  SELECT _k, _line, _raw,
    ${typedCols.join(',\n    ')},
    list_filter([${fieldErrors.join(',\n      ')}], e -> e.reason IS NOT NULL) AS _field_errors
  FROM parsed
)
SELECT _k, _line, _raw, ${stored.join(', ')},
  CASE WHEN len(_field_errors) > 0 THEN _field_errors
       ELSE list_filter([${checkErrors.join(', ') || "{'field': NULL::VARCHAR, 'reason': NULL::VARCHAR}"}], e -> e.reason IS NOT NULL) END AS _errors
FROM typed`;
}
