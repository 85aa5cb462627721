/**
 * The mart project: SQL models (one file per table, under marts/models/<layer>/), their documentation and
 * data tests written as a comment header in the same file, and singular tests under marts/tests/.
 *
 * Header format (every line starts with `--`):
 *   -- One line or more describing the model.
 *   -- columns:
 *   --   name: description
 *   -- tests:
 *   --   unique: col[, col]          (the combination is unique)
 *   --   not_null: col, col
 *   --   accepted_values: col = a, b, c
 *   --   relationships: col -> other_model.col
 *   -- incremental: key[, key…]        (the model is rebuilt by partitions: expressions over its columns)
 *   --   input: expression[, …]         (each row of the input belongs to this partition)
 *   --   input: lo .. hi[, …]           (each row belongs to every date from lo to hi: the key's first part)
 *   --   input: select …                (a change of the input touches these partitions; the query reads the
 *   --                                   input's changed rows as `changed`; the input is read whole)
 *   --   input read: condition          (the rows of the input the model reads to rebuild the partitions in
 *   --                                   `affected`, columns key or key1, key2, …; default: the rows the lines
 *   --                                   above put in them)
 *   --   additive: measure[, …]         (the model groups one input's rows and its measures count them or sum
 *   --                                   whole numbers of them, the first a count: a change of that input alone
 *   --                                   is added to the partitions instead of rebuilding them)
 *
 * An incremental model promises: its rows of a partition are the same whether it reads its whole inputs or
 * only the rows each input line puts in that partition (plus the inputs it reads whole). marts/incremental.ts
 * relies on that to rebuild only the partitions new data touches.
 *
 * A singular test may start with a description and an `incremental:` section too (key and expression lines,
 * no queries): its failing rows must then carry the key, and an incremental build checks only the partitions
 * its inputs' changed rows touch (marts/datatests.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contracts } from '../pipelines/contracts.ts';

export const layers = ['staging', 'intermediate', 'marts', 'kpi'] as const;
export type Layer = (typeof layers)[number];

export const martsDir = fileURLToPath(new URL('./', import.meta.url));

export interface DataTest {
  name: string;
  kind: 'unique' | 'not_null' | 'accepted_values' | 'relationships' | 'singular';
  /** SELECT returning the failing rows. */
  sql: string;
  /** Header tests: the model checked, and for unique and relationships the columns. */
  model?: string;
  columns?: string[];
  /** relationships: the model and column referred to. */
  target?: { model: string; column: string };
  /** Singular tests: the models and raw tables read, and the `incremental:` header that scopes the test. */
  dependsOn?: string[];
  rawInputs?: string[];
  incremental?: Incremental;
  /**
   * The same test over another relation holding some of the model's rows (header tests); for relationships,
   * optionally over a relation holding the target's values those rows may refer to.
   */
  sqlOn?: (relation: string, target?: string) => string;
}

/** How one input's rows map to a model's partitions (one `--   input: …` line of the header). */
export type PartitionMap =
  | { input: string; kind: 'key'; exprs: string[] }
  | { input: string; kind: 'range'; lo: string; hi: string; rest: string[] }
  | { input: string; kind: 'select'; sql: string };

/** The words of a header line: the columns it may use (a superset: keywords and functions too). */
export function wordsOf(map: PartitionMap | string): string[] {
  return (typeof map === 'string' ? map : JSON.stringify(map)).match(/\w+/g) ?? [];
}

export interface Incremental {
  /** Expressions over the model's columns naming a row's partition; never NULL. */
  key: string[];
  maps: PartitionMap[];
  /** Per input, the rows read to rebuild the partitions in `affected` (overrides the maps). */
  reads: Record<string, string>;
  /**
   * Measures of a model that groups the rows of one input and counts or sums them (the first a count of rows):
   * the model's rows from that input's changed rows, new ones added and old ones subtracted, update it.
   */
  additive?: string[];
}

export interface Model {
  name: string;
  layer: Layer;
  path: string;
  sql: string;
  description: string;
  columns: { name: string; description: string }[];
  tests: DataTest[];
  /** Models this one reads. */
  dependsOn: string[];
  /** Raw tables (raw_*) this one reads. */
  rawInputs: string[];
  /** Absent: the model is rebuilt whole whenever an input changed. */
  incremental?: Incremental;
}

function parseHeader(name: string, text: string): Pick<Model, 'description' | 'columns' | 'tests' | 'incremental'> {
  const lines = text.split('\n');
  const description: string[] = [];
  const columns: Model['columns'] = [];
  const tests: DataTest[] = [];
  let incremental: { key: string; lines: string[] } | undefined;
  let section: 'description' | 'columns' | 'tests' | 'incremental' = 'description';
  for (const raw of lines) {
    if (!raw.startsWith('--')) break;
    const line = raw.replace(/^--\s?/, '');
    const trimmed = line.trim();
    const inc = /^incremental:\s*(.+)$/.exec(trimmed);
    if (trimmed === 'columns:') section = 'columns';
    else if (trimmed === 'tests:') section = 'tests';
    else if (inc && !line.startsWith(' ')) {
      section = 'incremental';
      incremental = { key: inc[1]!, lines: [] };
    } else if (section === 'incremental') {
      // a line naming an input starts an entry; any other line continues the previous one
      if (/^\w+( read)?:/.test(trimmed) || incremental!.lines.length === 0) incremental!.lines.push(trimmed);
      else incremental!.lines[incremental!.lines.length - 1] += ` ${trimmed}`;
    } else if (section === 'description') description.push(trimmed);
    else if (section === 'columns') {
      const m = /^(\w+):\s*(.*)$/.exec(trimmed);
      if (m) columns.push({ name: m[1]!, description: m[2]! });
      else if (trimmed && columns.length) columns[columns.length - 1]!.description += ` ${trimmed}`;
    } else if (trimmed) tests.push(...parseTest(name, trimmed));
  }
  const inc = incremental && parseIncremental(name, incremental.key, incremental.lines);
  const undocumented = inc?.additive?.filter((m) => !columns.some((c) => c.name === m)) ?? [];
  if (undocumented.length) throw new Error(`${name}: additive names ${undocumented.join(', ')}, not among its columns`);
  if (inc) {
    // incremental builds cannot place a row without a partition key: a full build that makes one says so here
    const sqlOn = (rel: string) => `SELECT * FROM ${rel} WHERE ${inc.key.map((k) => `(${k}) IS NULL`).join(' OR ')}`;
    tests.push({ name: `${name}.partition_key(${inc.key.join(', ')})`, kind: 'not_null', sql: sqlOn(name), model: name, sqlOn });
  }
  return { description: description.join(' ').trim(), columns, tests, incremental: inc };
}

/** Splits at the commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

function parseIncremental(model: string, keyText: string, lines: string[]): Incremental {
  const key = splitTopLevel(keyText);
  const maps: PartitionMap[] = [];
  const reads: Record<string, string> = {};
  let additive: string[] | undefined;
  for (const line of lines) {
    const measures = /^additive:\s*(.+)$/.exec(line);
    if (measures) {
      additive = measures[1]!.split(',').map((c) => c.trim());
      continue;
    }
    const m = /^(\w+)( read)?:\s*(.+)$/.exec(line);
    if (!m) throw new Error(`${model}: cannot read incremental line "${line}"`);
    const [, input, read, rest] = m as unknown as [string, string, string | undefined, string];
    if (read) reads[input] = rest;
    else if (/^(select|with)\b/i.test(rest)) maps.push({ input, kind: 'select', sql: rest });
    else {
      const exprs = splitTopLevel(rest);
      if (exprs.length !== key.length) throw new Error(`${model}: "${line}" names ${exprs.length} partition key parts, the key has ${key.length}`);
      if (exprs.slice(1).some((e) => e.includes(' .. '))) throw new Error(`${model}: "${line}": only the first part of a key can be a range`);
      const range = exprs[0]!.split(' .. ');
      if (range.length === 2) maps.push({ input, kind: 'range', lo: range[0]!.trim(), hi: range[1]!.trim(), rest: exprs.slice(1) });
      else maps.push({ input, kind: 'key', exprs });
    }
  }
  return { key, maps, reads, additive };
}

function parseTest(model: string, line: string): DataTest[] {
  const m = /^(\w+):\s*(.*)$/.exec(line);
  if (!m) throw new Error(`${model}: cannot read test line "${line}"`);
  const [, kind, arg] = m as unknown as [string, string, string];
  switch (kind) {
    case 'unique': {
      const cols = arg.split(',').map((c) => c.trim());
      const sqlOn = (rel: string) => `SELECT ${cols.join(', ')}, count(*) AS n FROM ${rel} GROUP BY ALL HAVING count(*) > 1`;
      return [{ name: `${model}.unique(${cols.join(',')})`, kind, sql: sqlOn(model), model, columns: cols, sqlOn }];
    }
    case 'not_null':
      return arg
        .split(',')
        .map((c) => c.trim())
        .map((c) => {
          const sqlOn = (rel: string) => `SELECT * FROM ${rel} WHERE ${c} IS NULL`;
          return { name: `${model}.not_null(${c})`, kind, sql: sqlOn(model), model, sqlOn };
        });
    case 'accepted_values': {
      const [col, values] = arg.split('=').map((s) => s.trim()) as [string, string];
      const list = values.split(',').map((v) => `'${v.trim()}'`).join(', ');
      const sqlOn = (rel: string) => `SELECT ${col}, count(*) AS n FROM ${rel} WHERE ${col} NOT IN (${list}) GROUP BY ALL`;
      return [{ name: `${model}.accepted_values(${col})`, kind, sql: sqlOn(model), model, sqlOn }];
    }
    case 'relationships': {
      const [col, target] = arg.split('->').map((s) => s.trim()) as [string, string];
      const [toModel, toCol] = target.split('.') as [string, string];
      const sqlOn = (rel: string, to = `(SELECT ${toCol} FROM ${toModel})`) => `SELECT ${col}, count(*) AS n FROM ${rel} WHERE ${col} IS NOT NULL AND ${col} NOT IN ${to} GROUP BY ALL`;
      return [{ name: `${model}.relationships(${col} -> ${target})`, kind, sql: sqlOn(model), model, columns: [col], target: { model: toModel, column: toCol }, sqlOn }];
    }
    default:
      throw new Error(`${model}: unknown test "${kind}"`);
  }
}

/** Reads every model and singular test; models come back in dependency order. */
export function loadProject(dir = martsDir): { models: Model[]; singularTests: DataTest[] } {
  const models: Model[] = [];
  for (const layer of layers) {
    const folder = join(dir, 'models', layer);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
      const path = join(folder, file);
      const sql = readFileSync(path, 'utf8');
      const name = basename(file, '.sql');
      models.push({ name, layer, path, sql, ...parseHeader(name, sql), dependsOn: [], rawInputs: [] });
    }
  }
  const names = new Set(models.map((m) => m.name));
  const rawTables = Object.values(contracts).map((c) => c.table);
  for (const m of models) {
    Object.assign(m, readsOf(m.sql, m.name));
    checkHeaderInputs(m.name, m.incremental, m.dependsOn, m.rawInputs);
  }
  const testsDir = join(dir, 'tests');
  const singularTests = readdirSync(testsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f): DataTest => {
      const name = basename(f, '.sql');
      const sql = readFileSync(join(testsDir, f), 'utf8');
      const test: DataTest = { name, kind: 'singular', sql, ...readsOf(sql), incremental: parseHeader(name, sql).incremental };
      checkHeaderInputs(name, test.incremental, test.dependsOn!, test.rawInputs!);
      if (test.incremental?.maps.some((m) => m.kind === 'select')) throw new Error(`${name}: a test's incremental header maps its inputs by expressions, not queries`);
      if (test.incremental?.additive) throw new Error(`${name}: a test's incremental header has no additive line`);
      return test;
    });
  return { models: topologicalOrder(models), singularTests };

  /** The models and raw tables a query names (comments aside). */
  function readsOf(sql: string, self?: string): { dependsOn: string[]; rawInputs: string[] } {
    const body = sql.replace(/--.*$/gm, '');
    return {
      dependsOn: [...names].filter((n) => n !== self && new RegExp(`\\b${n}\\b`).test(body)),
      rawInputs: rawTables.filter((t) => new RegExp(`\\b${t}\\b`).test(body)),
    };
  }
}

function checkHeaderInputs(name: string, inc: Incremental | undefined, dependsOn: string[], rawInputs: string[]): void {
  for (const input of [...(inc?.maps.map((p) => p.input) ?? []), ...Object.keys(inc?.reads ?? {})]) {
    if (!dependsOn.includes(input) && !rawInputs.includes(input)) throw new Error(`${name}: the incremental header names ${input}, which it does not read`);
  }
}

function topologicalOrder(models: Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Model[] = [];
  const visit = (m: Model, path: string[]) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new Error(`models depend on each other in a cycle: ${[...path, m.name].join(' → ')}`);
    visiting.add(m.name);
    for (const d of m.dependsOn) visit(byName.get(d)!, [...path, m.name]);
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of models) visit(m, []);
  return out;
}
