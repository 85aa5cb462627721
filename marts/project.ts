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
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const layers = ['staging', 'intermediate', 'marts', 'kpi'] as const;
export type Layer = (typeof layers)[number];

export const martsDir = fileURLToPath(new URL('./', import.meta.url));

export interface DataTest {
  name: string;
  kind: 'unique' | 'not_null' | 'accepted_values' | 'relationships' | 'singular';
  /** SELECT returning the failing rows. */
  sql: string;
}

export interface Model {
  name: string;
  layer: Layer;
  path: string;
  sql: string;
  description: string;
  columns: { name: string; description: string }[];
  tests: DataTest[];
  dependsOn: string[];
}

function parseHeader(name: string, text: string): Pick<Model, 'description' | 'columns' | 'tests'> {
  const lines = text.split('\n');
  const description: string[] = [];
  const columns: Model['columns'] = [];
  const tests: DataTest[] = [];
  let section: 'description' | 'columns' | 'tests' = 'description';
  for (const raw of lines) {
    if (!raw.startsWith('--')) break;
    const line = raw.replace(/^--\s?/, '');
    const trimmed = line.trim();
    if (trimmed === 'columns:') section = 'columns';
    else if (trimmed === 'tests:') section = 'tests';
    else if (section === 'description') description.push(trimmed);
    else if (section === 'columns') {
      const m = /^(\w+):\s*(.*)$/.exec(trimmed);
      if (m) columns.push({ name: m[1]!, description: m[2]! });
      else if (trimmed && columns.length) columns[columns.length - 1]!.description += ` ${trimmed}`;
    } else if (trimmed) tests.push(...parseTest(name, trimmed));
  }
  return { description: description.join(' ').trim(), columns, tests };
}

function parseTest(model: string, line: string): DataTest[] {
  const m = /^(\w+):\s*(.*)$/.exec(line);
  if (!m) throw new Error(`${model}: cannot read test line "${line}"`);
  const [, kind, arg] = m as unknown as [string, string, string];
  switch (kind) {
    case 'unique': {
      const cols = arg.split(',').map((c) => c.trim());
      return [{ name: `${model}.unique(${cols.join(',')})`, kind, sql: `SELECT ${cols.join(', ')}, count(*) AS n FROM ${model} GROUP BY ALL HAVING count(*) > 1` }];
    }
    case 'not_null':
      return arg
        .split(',')
        .map((c) => c.trim())
        .map((c) => ({ name: `${model}.not_null(${c})`, kind, sql: `SELECT * FROM ${model} WHERE ${c} IS NULL` }));
    case 'accepted_values': {
      const [col, values] = arg.split('=').map((s) => s.trim()) as [string, string];
      const list = values.split(',').map((v) => `'${v.trim()}'`).join(', ');
      return [{ name: `${model}.accepted_values(${col})`, kind, sql: `SELECT ${col}, count(*) AS n FROM ${model} WHERE ${col} NOT IN (${list}) GROUP BY ALL` }];
    }
    case 'relationships': {
      const [col, target] = arg.split('->').map((s) => s.trim()) as [string, string];
      const [toModel, toCol] = target.split('.') as [string, string];
      return [
        {
          name: `${model}.relationships(${col} -> ${target})`,
          kind,
          sql: `SELECT ${col}, count(*) AS n FROM ${model} WHERE ${col} IS NOT NULL AND ${col} NOT IN (SELECT ${toCol} FROM ${toModel}) GROUP BY ALL`,
        },
      ];
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
      models.push({ name, layer, path, sql, ...parseHeader(name, sql), dependsOn: [] });
    }
  }
  const names = new Set(models.map((m) => m.name));
  for (const m of models) {
    const body = m.sql.replace(/--.*$/gm, '');
    m.dependsOn = [...names].filter((n) => n !== m.name && new RegExp(`\\b${n}\\b`).test(body));
  }
  const testsDir = join(dir, 'tests');
  const singularTests = readdirSync(testsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: basename(f, '.sql'), kind: 'singular' as const, sql: readFileSync(join(testsDir, f), 'utf8') }));
  return { models: topologicalOrder(models), singularTests };
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
