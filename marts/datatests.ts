/**
 * Runs the data tests of a build. A full build checks every table whole. An incremental build checks a test
 * only where its failures could now be, since everything else passed in the last build:
 *   - tests on a model's own rows (not_null, accepted_values, partition_key): the rebuilt partitions' rows;
 *   - unique: the rebuilt rows and the rows sharing their values (only the rebuilt rows when the columns hold
 *     the partition key);
 *   - relationships: the rebuilt rows, and the rows referring to a value the target no longer holds;
 *   - nothing on a table left unchanged (and for relationships, whose target is unchanged too).
 * Tests that failed in the last build, tests of models rebuilt whole and reconciliation tests (marts/tests)
 * run on the whole tables.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryOne } from '../core/db.ts';
import type { DataTest } from './project.ts';

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
  rebuilt?: string;
  /** A relation of the rows that differ from the last build, with `_side` (−1: old version), when known. */
  changes?: string;
}

export interface TestScope {
  models: Map<string, ModelChange>;
  /** Tests that failed in the last build. */
  failedBefore: Set<string>;
}

/** CCMART_BUILD_TRACE=1 prints each test's time (on stderr). */
const tracing = process.env.CCMART_BUILD_TRACE === '1';

export const failedTests = (tests: TestRun[]) => tests.filter((t) => t.failures > 0 || t.error);

/**
 * Where a test has to look in an incremental build: a SELECT of failing rows, or null when nothing could fail
 * anew. `gone`: per relationships target, a relation (column `value`) of values it held and holds no more,
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
    if (target.mode !== 'unchanged' && gone.get(t.target!.model)) parts.push(`SELECT ${col} FROM ${t.model} WHERE ${col} IN (SELECT value FROM ${gone.get(t.target!.model)})`);
    if (!parts.length) return null;
    const rows = `(${parts.join(' UNION ALL ')})`;
    return t.sqlOn(`${rows} AS ${t.model}`, `(SELECT ${toCol} FROM ${t.target!.model} WHERE ${toCol} IN (SELECT ${col} FROM ${rows}) OR ${toCol} IS NULL)`);
  }
  if (change.mode === 'unchanged') return null;
  const rows =
    t.kind === 'unique' && !change.key!.every((k) => t.columns!.includes(k))
      ? // a duplicate of a rebuilt row may sit outside the rebuilt partitions
        `SELECT ${t.columns!.map((c) => `m.${c}`).join(', ')} FROM ${t.model} m WHERE EXISTS (SELECT 1 FROM ${change.rebuilt} r WHERE ${t.columns!.map((c) => `r.${c} IS NOT DISTINCT FROM m.${c}`).join(' AND ')})`
      : `SELECT * FROM ${change.rebuilt}`;
  return t.sqlOn(`(${rows}) AS ${t.model}`);
}

/** Per relationships target that changed: a temp table of the values it held and holds no more, if any. */
async function vanished(conn: DuckDBConnection, tests: DataTest[], scope: TestScope): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const t of tests) {
    const target = t.target && scope.models.get(t.target.model);
    if (!t.target || !target?.changes || seen.has(t.target.model)) continue;
    seen.add(t.target.model);
    const { model, column } = t.target;
    const rel = `temp.gone_${model}`;
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE gone_${model} AS SELECT ${column} AS value FROM ${target.changes} WHERE _side = -1
       EXCEPT SELECT ${column} FROM ${model} WHERE ${column} IN (SELECT ${column} FROM ${target.changes} WHERE _side = -1)`,
    );
    if ((await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM ${rel}`))!.n > 0) out.set(model, rel);
    else await conn.run(`DROP TABLE ${rel}`);
  }
  return out;
}

export async function runTests(conn: DuckDBConnection, tests: DataTest[], scope?: TestScope): Promise<TestRun[]> {
  const out: TestRun[] = [];
  const gone = scope ? await vanished(conn, tests, scope) : new Map<string, string>();
  for (const t of tests) {
    const scoped = scope ? scopedSql(t, scope, gone) : undefined;
    if (scoped === null) {
      out.push({ name: t.name, failures: 0, scope: 'unchanged' });
      continue;
    }
    const where: TestRun['scope'] = scoped === undefined ? 'all' : 'rebuilt';
    try {
      const t0 = performance.now();
      const row = await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM (${(scoped ?? t.sql).trim().replace(/;$/, '')})`);
      out.push({ name: t.name, failures: row!.n, scope: where });
      if (tracing) console.error(`${((performance.now() - t0) / 1000).toFixed(3).padStart(8)} s  test ${t.name} (${where})`);
    } catch (err) {
      out.push({ name: t.name, failures: 0, error: (err as Error).message.split('\n')[0], scope: where });
    }
  }
  for (const rel of gone.values()) await conn.run(`DROP TABLE IF EXISTS ${rel}`);
  return out;
}
