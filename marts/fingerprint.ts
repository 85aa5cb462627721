/**
 * What a build was made from, so the next build can tell whether it may rebuild only the partitions new data
 * touches: a fingerprint of the project (models, tests, seeds, configuration, KPI formulas, build code, DuckDB
 * version, raw table columns) and the rows each ingest holds in each raw table. Both are kept in build_history.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../core/config.ts';
import { exec, ident, queryOne, queryRows } from '../core/db.ts';
import { kpiMacrosSql } from '../core/kpis.ts';
import { contracts } from '../pipelines/contracts.ts';
import { seedFiles } from '../pipelines/seeds.ts';
import type { DataTest, Model } from './project.ts';

/** One hash per part of the project, so a full build can say which part changed. */
export type Fingerprint = Record<'models' | 'tests' | 'seeds' | 'config' | 'code' | 'raw_columns', string>;

/** Per raw table, rows per ingest id (as text, JSON keys). */
export type RawIngests = Record<string, Record<string, number>>;

const sha = (parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);

/** The code that turns models into tables; any edit of it makes the next build a full one. */
const engineFiles = ['build.ts', 'incremental.ts', 'project.ts', 'fingerprint.ts'].map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url)));

export const rawTables = Object.values(contracts).map((c) => c.table);

export async function projectFingerprint(
  conn: DuckDBConnection,
  project: { models: Model[]; singularTests: DataTest[] },
  config: Config,
  seedsDir?: string,
): Promise<Fingerprint> {
  const version = (await queryOne<{ v: string }>(conn, 'SELECT version() AS v'))!.v;
  const columns = await queryRows<{ t: string; c: string; ty: string }>(
    conn,
    `SELECT table_name AS t, column_name AS c, data_type AS ty FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name IN (${rawTables.map((t) => `'${t}'`).join(', ')})
     ORDER BY table_name, ordinal_position`,
  );
  return {
    models: sha(project.models.map((m) => `${m.name}\n${m.sql}`)),
    tests: sha(project.singularTests.map((t) => `${t.name}\n${t.sql}`)),
    seeds: sha(seedFiles(seedsDir).map((f) => `${f.table}\n${readFileSync(f.path, 'utf8')}`)),
    config: sha(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`)),
    code: sha([version, ...kpiMacrosSql('x'), ...engineFiles.map((f) => readFileSync(f, 'utf8'))]),
    raw_columns: sha(columns.map((c) => `${c.t}.${c.c}:${c.ty}`)),
  };
}

const partNames: Record<keyof Fingerprint, string> = {
  models: 'the model SQL',
  tests: 'the data tests',
  seeds: 'the seeds',
  config: 'the configuration',
  code: 'the build code or DuckDB version',
  raw_columns: 'the raw tables’ columns',
};

/** Rows per ingest in every raw table (a scan of one BIGINT column each). */
export async function rawIngests(conn: DuckDBConnection): Promise<RawIngests> {
  const out: RawIngests = {};
  for (const table of rawTables) {
    const rows = await queryRows<{ id: number; n: number }>(conn, `SELECT _ingest_id AS id, count(*) AS n FROM main.${ident(table)} GROUP BY 1 ORDER BY 1`);
    out[table] = Object.fromEntries(rows.map((r) => [String(r.id), r.n]));
  }
  return out;
}

export interface LastBuild {
  schema: string;
  fingerprint: Fingerprint | null;
  ingests: RawIngests | null;
  /** Names of the data tests that failed. */
  failedTests: string[];
}

export type BuildPlan = { kind: 'full'; reason: string } | { kind: 'incremental'; reason: string; schema: string; newIngests: Record<string, number[]> };

/** build_history with the columns incremental builds need; older databases get them added. */
export async function ensureHistory(conn: DuckDBConnection): Promise<void> {
  await exec(
    conn,
    `CREATE TABLE IF NOT EXISTS main.build_history (schema_name VARCHAR, finished_at TIMESTAMP, seconds DOUBLE, models INTEGER, rows BIGINT, tests INTEGER, tests_failed INTEGER, status VARCHAR)`,
  );
  for (const [col, type] of [
    ['kind', 'VARCHAR'],
    ['reason', 'VARCHAR'],
    ['fingerprint', 'VARCHAR'],
    ['raw_ingests', 'VARCHAR'],
    ['failed_tests', 'VARCHAR'],
  ]) {
    await exec(conn, `ALTER TABLE main.build_history ADD COLUMN IF NOT EXISTS ${col} ${type}`);
  }
}

/** The newest build in build_history (the one the views in main point at). */
export async function lastBuild(conn: DuckDBConnection): Promise<LastBuild | null> {
  const row = await queryOne<{ schema_name: string; fingerprint: string | null; raw_ingests: string | null; failed_tests: string | null }>(
    conn,
    `SELECT schema_name, fingerprint, raw_ingests, failed_tests FROM main.build_history ORDER BY finished_at DESC LIMIT 1`,
  );
  if (!row) return null;
  return {
    schema: row.schema_name,
    fingerprint: row.fingerprint ? (JSON.parse(row.fingerprint) as Fingerprint) : null,
    ingests: row.raw_ingests ? (JSON.parse(row.raw_ingests) as RawIngests) : null,
    failedTests: row.failed_tests ? (JSON.parse(row.failed_tests) as string[]) : [],
  };
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * Full or incremental, and why. Incremental only when the last build recorded what it was made from, that is
 * unchanged, its tables are all there, and the raw tables only gained rows of new ingests since.
 */
export function planBuild(args: {
  full: boolean;
  last: LastBuild | null;
  fingerprint: Fingerprint;
  ingests: RawIngests;
  /** Whether the last build's schema still holds every table the build writes. */
  schemaIntact: boolean;
}): BuildPlan {
  const { last } = args;
  if (args.full) return { kind: 'full', reason: 'asked for (--full)' };
  if (!last) return { kind: 'full', reason: 'no earlier build in this database' };
  if (!last.fingerprint || !last.ingests) return { kind: 'full', reason: 'the last build did not record what it was built from (made before incremental builds)' };
  const changed = (Object.keys(partNames) as (keyof Fingerprint)[]).filter((k) => last.fingerprint![k] !== args.fingerprint[k]);
  if (changed.length) return { kind: 'full', reason: `${changed.map((k) => partNames[k]).join(', ')} changed since the last build` };
  if (!args.schemaIntact) return { kind: 'full', reason: `tables of the last build (${last.schema}) are missing` };
  const newIngests: Record<string, number[]> = {};
  const added: string[] = [];
  for (const table of rawTables) {
    const before = last.ingests[table] ?? {};
    const now = args.ingests[table] ?? {};
    for (const [id, rows] of Object.entries(before)) {
      if (now[id] !== rows) return { kind: 'full', reason: `rows of ingest #${id} in ${table} were deleted or changed since the last build (${rows} then, ${now[id] ?? 0} now)` };
    }
    const fresh = Object.keys(now).filter((id) => !(id in before));
    if (fresh.length) {
      newIngests[table] = fresh.map(Number);
      added.push(`${table} +${fresh.reduce((a, id) => a + now[id]!, 0).toLocaleString('en-US')}`);
    }
  }
  const ingests = new Set(Object.values(newIngests).flat()).size;
  return {
    kind: 'incremental',
    reason: ingests ? `${plural(ingests, 'new ingest')} since the last build (${added.join(', ')} rows)` : 'no new data since the last build',
    schema: last.schema,
    newIngests,
  };
}
