/**
 * Runs the data tests of a build. A full build checks every table whole. An incremental build checks a test
 * only where its failures could now be, since everything else passed in the last build:
 *   - tests on a model's own rows (not_null, accepted_values, partition_key): the rebuilt partitions' rows;
 *   - unique: the rebuilt rows and the rows sharing their values (only the rebuilt rows when the columns hold
 *     the partition key);
 *   - relationships: the rebuilt rows, and the rows referring to a value the target no longer holds;
 *   - nothing on a table left unchanged (and for relationships, whose target is unchanged too);
 *   - a singular test (marts/tests) with an `incremental:` header: the partitions its inputs' changed rows
 *     touch, as for a model (a model's changed rows counted in the columns the test names, so that versions
 *     agreeing on those cancel out), its inputs cut to the rows those partitions need.
 * Tests that failed in the last build, tests of models rebuilt whole and singular tests without a header run
 * on the whole tables.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, queryOne, queryRows } from '../core/db.ts';
import { isIn, keyColumns, neededRows, netChanges, partitionsOf } from './incremental.ts';
import { wordsOf, type DataTest } from './project.ts';

export interface TestRun {
  name: string;
  failures: number;
  error?: string;
  /** all: the whole tables; rebuilt: the rows that changed and what they touch; unchanged: nothing changed. */
  scope: 'all' | 'rebuilt' | 'unchanged';
}

/** How an incremental build left a model. */
export interface ModelChange {
  mode: 'unchanged' | 'partitions' | 'full';
  /** partitions: the partition key and a relation of the rebuilt partitions' rows. */
  key?: string[];
  /** The model's documented columns (to tell which of them a partition key is computed from). */
  columns?: string[];
  rebuilt?: string;
  /** A relation of the rows that differ from the last build, with `_side` (−1: old version), when known. */
  changes?: string;
}

export interface TestScope {
  models: Map<string, ModelChange>;
  /** Tests that failed in the last build. */
  failedBefore: Set<string>;
  /** Schema of the build's tables (scoped singular tests read their inputs there). */
  schema?: string;
  /** Per raw table with new rows, a relation of those rows. */
  newRaw?: Map<string, string>;
}

/** CCMART_BUILD_TRACE=1 prints each test's time (on stderr). */
const tracing = process.env.CCMART_BUILD_TRACE === '1';

export const failedTests = (tests: TestRun[]) => tests.filter((t) => t.failures > 0 || t.error);

/**
 * Where a test has to look in an incremental build: a SELECT of failing rows, or null when nothing could fail
 * anew. `gone`: per relationships target (model.column), a relation (column `value`) of values it held and holds no more,
 * absent when there are none.
 */
function scopedSql(t: DataTest, scope: TestScope, gone: Map<string, string>): string | null | undefined {
  if (!t.model || !t.sqlOn || scope.failedBefore.has(t.name)) return undefined;
  const change = scope.models.get(t.model);
  if (!change || change.mode === 'full') return undefined;
  if (t.kind === 'relationships') {
    const target = scope.models.get(t.target!.model);
    if (!target || (target.mode !== 'unchanged' && !target.changes)) return undefined;
    const [col] = t.columns! as [string];
    const toCol = t.target!.column;
    const parts: string[] = [];
    if (change.mode === 'partitions') parts.push(`SELECT ${col} FROM ${change.rebuilt}`);
    const vanishedValues = gone.get(`${t.target!.model}.${toCol}`);
    if (target.mode !== 'unchanged' && vanishedValues) parts.push(`SELECT ${col} FROM ${t.model} WHERE ${col} IN (SELECT value FROM ${vanishedValues})`);
    if (!parts.length) return null;
    const rows = `(${parts.join(' UNION ALL ')})`;
    return t.sqlOn(`${rows} AS ${t.model}`, `(SELECT ${toCol} FROM ${t.target!.model} WHERE ${toCol} IN (SELECT ${col} FROM ${rows}) OR ${toCol} IS NULL)`);
  }
  if (change.mode === 'unchanged') return null;
  const rows =
    t.kind === 'unique' && !keyWithin(change, t.columns!)
      ? // a duplicate of a rebuilt row may sit outside the rebuilt partitions
        `SELECT ${t.columns!.map((c) => `m.${c}`).join(', ')} FROM ${t.model} m WHERE EXISTS (SELECT 1 FROM ${change.rebuilt} r WHERE ${t.columns!.map((c) => `r.${c} IS NOT DISTINCT FROM m.${c}`).join(' AND ')})`
      : `SELECT * FROM ${change.rebuilt}`;
  return t.sqlOn(`(${rows}) AS ${t.model}`);
}

/**
 * Whether rows equal on these columns always share a partition: each key part is one of them, or an expression
 * over them alone (started_at::date for agent_id, started_at). Then a duplicate of a rebuilt row is rebuilt too.
 */
export function keyWithin(change: ModelChange, columns: string[]): boolean {
  return change.key!.every((k) => {
    if (columns.includes(k)) return true;
    const used = wordsOf(k).filter((w) => change.columns?.includes(w));
    return used.length > 0 && used.every((w) => columns.includes(w));
  });
}

/** Per relationships target column (model.column) that changed: a temp table of the values it held and holds no more, if any. */
async function vanished(conn: DuckDBConnection, tests: DataTest[], scope: TestScope): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const t of tests) {
    const target = t.target && scope.models.get(t.target.model);
    if (!t.target || !target?.changes || seen.has(`${t.target.model}.${t.target.column}`)) continue;
    const { model, column } = t.target;
    seen.add(`${model}.${column}`);
    const name = `gone_${model}_${column}`;
    const rel = `temp.${name}`;
    // a column the target holds unique (its test passed last time) had each old value in one row, a changed one:
    // the value stays only if a new version of the rows holds it, and the table need not be read
    const unique = tests.find((u) => u.kind === 'unique' && u.model === model && u.columns?.length === 1 && u.columns[0] === column);
    const stays = unique && !scope.failedBefore.has(unique.name) ? `${target.changes} WHERE _side = 1` : `${model} WHERE ${column} IN (SELECT ${column} FROM ${target.changes} WHERE _side = -1)`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT ${column} AS value FROM ${target.changes} WHERE _side = -1 EXCEPT SELECT ${column} FROM ${stays}`);
    if ((await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM ${rel}`))!.n > 0) out.set(`${model}.${column}`, rel);
    else await conn.run(`DROP TABLE ${rel}`);
  }
  return out;
}

/**
 * A singular test with an `incremental:` header, in an incremental build: the partitions its inputs' changed
 * rows touch (temp table test_affected, found as for a model), its inputs hidden behind temp views of the rows
 * those partitions need, and its SELECT kept to those partitions. Null when none of its inputs changed;
 * undefined when it runs whole (an input rebuilt whole without known changes, or changed and not mapped).
 */
async function scopedSingular(conn: DuckDBConnection, t: DataTest, scope: TestScope): Promise<string | null | undefined> {
  const inc = t.incremental;
  if (!inc || !scope.schema || scope.failedBefore.has(t.name)) return undefined;
  const changed = new Map<string, string>();
  for (const raw of t.rawInputs ?? []) {
    const rows = scope.newRaw?.get(raw);
    if (rows) changed.set(raw, rows);
  }
  const words = new Set(wordsOf(t.sql.replace(/--.*$/gm, '')));
  for (const model of t.dependsOn ?? []) {
    const change = scope.models.get(model);
    if (!change || (change.mode !== 'unchanged' && !change.changes)) return undefined;
    if (change.mode === 'unchanged') continue;
    // the changed rows in the columns the test names: versions of a row that agree on those cancel out
    const all = (await queryRows<{ c: string }>(conn, `SELECT column_name AS c FROM (DESCRIBE ${change.changes})`)).map((r) => r.c);
    const named = new Set([...words, ...inc.maps.filter((m) => m.input === model).flatMap(wordsOf)]);
    const cols = all.filter((c) => c !== '_side' && named.has(c));
    if (!cols.length) continue;
    changed.set(model, `(${netChanges(change.changes!, cols)})`);
  }
  if ([...changed.keys()].some((i) => !inc.maps.some((m) => m.input === i))) return undefined;
  if (changed.size === 0) return null;
  const columns = keyColumns(inc.key);
  const touched: string[] = [];
  for (const map of inc.maps) {
    const rows = changed.get(map.input);
    if (!rows) continue;
    touched.push(`SELECT * FROM (${partitionsOf(map, rows, inc.key.length)}) AS p(${columns.join(', ')})`);
  }
  await conn.run(`CREATE OR REPLACE TEMP TABLE test_affected AS SELECT DISTINCT * FROM (${touched.join(' UNION ALL ')}) WHERE ${columns.map((c) => `${c} IS NOT NULL`).join(' AND ')}`);
  if ((await queryOne<{ n: number }>(conn, 'SELECT count(*) AS n FROM temp.test_affected'))!.n === 0) {
    await conn.run('DROP TABLE temp.test_affected');
    return null;
  }
  await conn.run(`CREATE OR REPLACE TEMP VIEW affected AS SELECT * FROM temp.test_affected`);
  const catalog = (await queryOne<{ c: string }>(conn, 'SELECT current_database() AS c'))!.c;
  const inputs = singularInputs(t);
  // the rows of each input first, then the views: a condition may name the input itself (main.raw_x)
  for (const [i, input] of inputs.entries()) {
    const condition = inc.reads[input] ?? inc.maps.filter((m) => m.input === input).map((m) => neededRows(m, 'temp.test_affected')).join(' OR ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE test_rows_${i} AS SELECT rowid AS r FROM ${source(input)} WHERE ${condition}`);
  }
  for (const [i, input] of inputs.entries()) {
    await conn.run(`CREATE OR REPLACE TEMP VIEW ${ident(input)} AS SELECT * FROM ${source(input)} WHERE rowid IN (SELECT r FROM temp.test_rows_${i})`);
  }
  return `SELECT * FROM (${t.sql.trim().replace(/;$/, '')}) AS failing WHERE ${isIn(inc.key, 'temp.test_affected')}`;

  function source(input: string): string {
    return `${ident(catalog)}.${ident(t.rawInputs?.includes(input) ? 'main' : scope.schema!)}.${ident(input)}`;
  }
}

const singularInputs = (t: DataTest) => [...new Set([...(t.incremental?.maps.map((m) => m.input) ?? []), ...Object.keys(t.incremental?.reads ?? {})])];

/** Drops what scopedSingular made. */
async function dropSingularScratch(conn: DuckDBConnection, t: DataTest): Promise<void> {
  const inputs = singularInputs(t);
  for (const v of ['affected', ...inputs]) await conn.run(`DROP VIEW IF EXISTS temp.${ident(v)}`);
  for (const i of inputs.keys()) await conn.run(`DROP TABLE IF EXISTS temp.test_rows_${i}`);
  await conn.run('DROP TABLE IF EXISTS temp.test_affected');
}

export async function runTests(conn: DuckDBConnection, tests: DataTest[], scope?: TestScope): Promise<TestRun[]> {
  const out: TestRun[] = [];
  const gone = scope ? await vanished(conn, tests, scope) : new Map<string, string>();
  for (const t of tests) {
    if (scope && t.incremental) {
      try {
        const singular = await scopedSingular(conn, t, scope);
        if (singular !== undefined) {
          out.push(singular === null ? { name: t.name, failures: 0, scope: 'unchanged' } : await runOne(t, singular, 'rebuilt'));
          continue;
        }
      } catch (err) {
        // a header whose SQL fails: the test reports it, like a test whose own SQL fails
        out.push({ name: t.name, failures: 0, error: (err as Error).message.split('\n')[0], scope: 'rebuilt' });
        continue;
      } finally {
        await dropSingularScratch(conn, t);
      }
    }
    const scoped = scope ? scopedSql(t, scope, gone) : undefined;
    if (scoped === null) {
      out.push({ name: t.name, failures: 0, scope: 'unchanged' });
      continue;
    }
    out.push(await runOne(t, scoped ?? t.sql, scoped === undefined ? 'all' : 'rebuilt'));
  }
  for (const rel of gone.values()) await conn.run(`DROP TABLE IF EXISTS ${rel}`);
  return out;

  async function runOne(t: DataTest, sql: string, where: TestRun['scope']): Promise<TestRun> {
    try {
      const t0 = performance.now();
      const row = await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM (${sql.trim().replace(/;$/, '')})`);
      if (tracing) console.error(`${((performance.now() - t0) / 1000).toFixed(3).padStart(8)} s  test ${t.name} (${where})`);
      return { name: t.name, failures: row!.n, scope: where };
    } catch (err) {
      return { name: t.name, failures: 0, error: (err as Error).message.split('\n')[0], scope: where };
    }
  }
}
