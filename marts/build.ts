/**
 * `ccmart build`: runs the SQL models in dependency order into a fresh schema, runs the data tests, then
 * publishes the build in one transaction by pointing the views in `main` at the new schema. A model that
 * fails stops the build with its name and DuckDB's error; the previous build stays published.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../core/config.ts';
import { exec, ident, literal, queryOne, queryRows } from '../core/db.ts';
import { ensureSchema, auditColumns, rejectedColumns } from '../pipelines/schema.ts';
import { contracts, storedColumns } from '../pipelines/contracts.ts';
import { loadSeeds } from '../pipelines/seeds.ts';
import { loadProject, type DataTest, type Model } from './project.ts';
import { kpiMacrosSql } from '../core/kpis.ts';

export interface ModelRun {
  name: string;
  rows: number;
  seconds: number;
}

export interface TestRun {
  name: string;
  failures: number;
  error?: string;
}

export interface BuildResult {
  schema: string;
  models: ModelRun[];
  tests: TestRun[];
  failedModel?: { name: string; error: string };
  seconds: number;
}

export class ModelError extends Error {
  constructor(
    readonly model: string,
    readonly duckdbError: string,
  ) {
    super(`model ${model} failed: ${duckdbError}`);
  }
}

/** The configuration as a one-row table, so SQL models read thresholds and windows from the same place. */
function configTableSql(schema: string, config: Config): string {
  const cols: [string, string][] = [
    ['timezone', literal(config.timezone)],
    ['sl_threshold_seconds', String(config.slThresholdSeconds)],
    ['short_abandon_seconds', String(config.shortAbandonSeconds)],
    ['journey_window_days', String(config.journeyWindowDays)],
    ['self_service_window_hours', String(config.selfServiceWindowHours)],
    ['interval_minutes', String(config.intervalMinutes)],
    ['ivr_self_service_min_seconds', String(config.ivrSelfServiceMinSeconds)],
  ];
  return `CREATE TABLE ${ident(schema)}.ccmart_config AS SELECT ${cols.map(([n, v]) => `${v} AS ${n}`).join(', ')}`;
}

const fmtRows = (n: number) => n.toLocaleString('en-US');

export async function buildMarts(conn: DuckDBConnection, config: Config, log: (m: string) => void = () => {}, seedsDir?: string): Promise<BuildResult> {
  const t0 = performance.now();
  const { models, singularTests } = loadProject();
  await ensureSchema(conn);
  const schema = `build_${Date.now()}`;
  await exec(conn, `CREATE SCHEMA ${schema}`);
  const runs: ModelRun[] = [];
  try {
    await exec(conn, `SET search_path = '${schema},main'`);
    const seeds = await loadSeeds(conn, schema, seedsDir);
    await exec(conn, configTableSql(schema, config));
    // KPI formulas as macros (core/kpis.ts): the models call them, and main keeps them for analysts
    for (const macro of kpiMacrosSql(schema)) await exec(conn, macro);
    log(`seeds: ${seeds.join(', ')}`);
    for (const model of models) {
      const t = performance.now();
      try {
        await exec(conn, `CREATE TABLE ${schema}.${ident(model.name)} AS\n${model.sql}`);
      } catch (err) {
        throw new ModelError(model.name, (err as Error).message);
      }
      const rows = (await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM ${schema}.${ident(model.name)}`))!.n;
      const seconds = (performance.now() - t) / 1000;
      runs.push({ name: model.name, rows, seconds });
      log(`  ${model.layer.padEnd(12)} ${model.name.padEnd(28)} ${fmtRows(rows).padStart(12)} rows  ${seconds.toFixed(2)} s`);
    }
    await writeCatalog(conn, schema, models);
    const tests = await runTests(conn, [...models.flatMap((m) => m.tests), ...singularTests]);
    const failed = tests.filter((t) => t.failures > 0 || t.error);
    log(`data tests: ${tests.length - failed.length} passed, ${failed.length} failed`);
    for (const f of failed) log(`  FAILED ${f.name}: ${f.error ?? `${f.failures} failing rows`}`);
    await publish(conn, schema, [...seeds, 'ccmart_config', 'mart_catalog', ...models.map((m) => m.name)]);
    const seconds = (performance.now() - t0) / 1000;
    await recordBuild(conn, schema, runs, tests, seconds, failed.length ? 'tests_failed' : 'ok');
    return { schema, models: runs, tests, seconds };
  } catch (err) {
    await exec(conn, `SET search_path = 'main'`).catch(() => {});
    await exec(conn, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    if (err instanceof ModelError) {
      log(`  FAILED ${err.model}: ${err.duckdbError}`);
      log('build stopped; the previous build is still published');
      return { schema, models: runs, tests: [], failedModel: { name: err.model, error: err.duckdbError }, seconds: (performance.now() - t0) / 1000 };
    }
    throw err;
  } finally {
    await exec(conn, `SET search_path = 'main'`).catch(() => {});
  }
}

async function runTests(conn: DuckDBConnection, tests: DataTest[]): Promise<TestRun[]> {
  const out: TestRun[] = [];
  for (const t of tests) {
    try {
      const row = await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM (${t.sql.trim().replace(/;$/, '')})`);
      out.push({ name: t.name, failures: row!.n });
    } catch (err) {
      out.push({ name: t.name, failures: 0, error: (err as Error).message.split('\n')[0] });
    }
  }
  return out;
}

/** Swaps the published views to the new schema in one transaction, then drops older builds. */
async function publish(conn: DuckDBConnection, schema: string, tables: string[]): Promise<void> {
  await exec(conn, 'BEGIN TRANSACTION');
  try {
    for (const t of tables) {
      await exec(conn, `CREATE OR REPLACE VIEW main.${ident(t)} AS SELECT * FROM ${schema}.${ident(t)}`);
    }
    for (const macro of kpiMacrosSql('main')) await exec(conn, macro);
    await exec(conn, 'COMMIT');
  } catch (err) {
    await exec(conn, 'ROLLBACK').catch(() => {});
    throw err;
  }
  const old = await queryRows<{ schema_name: string }>(
    conn,
    `SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'build\\_%' ESCAPE '\\' AND schema_name <> $s AND catalog_name = current_database()`,
    { s: schema },
  );
  for (const o of old) await exec(conn, `DROP SCHEMA IF EXISTS ${ident(o.schema_name)} CASCADE`);
}

async function recordBuild(conn: DuckDBConnection, schema: string, runs: ModelRun[], tests: TestRun[], seconds: number, status: string): Promise<void> {
  await exec(
    conn,
    `CREATE TABLE IF NOT EXISTS main.build_history (schema_name VARCHAR, finished_at TIMESTAMP, seconds DOUBLE, models INTEGER, rows BIGINT, tests INTEGER, tests_failed INTEGER, status VARCHAR)`,
  );
  await exec(conn, `INSERT INTO main.build_history VALUES ($schema, now()::TIMESTAMP, $seconds, $models, $rows, $tests, $failed, $status)`, {
    schema,
    seconds,
    models: runs.length,
    rows: runs.reduce((a, r) => a + r.rows, 0),
    tests: tests.length,
    failed: tests.filter((t) => t.failures > 0 || t.error).length,
    status,
  } as never);
}

/** mart_catalog: one row per column of every published table, with its description. */
async function writeCatalog(conn: DuckDBConnection, schema: string, models: Model[]): Promise<void> {
  await exec(conn, `CREATE TABLE ${schema}.mart_catalog (table_name VARCHAR, layer VARCHAR, table_description VARCHAR, column_name VARCHAR, column_type VARCHAR, column_description VARCHAR, ordinal INTEGER)`);
  const docs = new Map<string, { layer: string; description: string; columns: Map<string, string> }>();
  for (const m of models) docs.set(m.name, { layer: m.layer, description: m.description, columns: new Map(m.columns.map((c) => [c.name, c.description])) });
  for (const c of Object.values(contracts)) {
    docs.set(c.table, { layer: 'raw', description: c.description, columns: new Map(storedColumns(c).map((col) => [col.name, col.description])) });
  }
  docs.set('ingest_audit', { layer: 'raw', description: 'One row per ingested file and feed: rows read = loaded + rejected + duplicates.', columns: new Map(auditColumns.map(([n, , d]) => [n, d])) });
  docs.set('rejected_rows', { layer: 'raw', description: 'Every row the pipelines did not load, with file, line and reason.', columns: new Map(rejectedColumns.map(([n, , d]) => [n, d])) });
  const cols = await queryRows<{ table_name: string; table_schema: string; column_name: string; data_type: string; ordinal_position: number }>(
    conn,
    `SELECT table_name, table_schema, column_name, data_type, ordinal_position FROM information_schema.columns
     WHERE (table_schema = $schema OR (table_schema = 'main' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE')))
       AND table_catalog = current_database()
     ORDER BY table_name, ordinal_position`,
    { schema },
  );
  const appender = await conn.createAppender('mart_catalog', schema);
  for (const c of cols) {
    const doc = docs.get(c.table_name);
    const layer = doc?.layer ?? (c.table_name.startsWith('seed_') ? 'seed' : c.table_schema === 'main' ? 'raw' : 'marts');
    appender.appendVarchar(c.table_name);
    appender.appendVarchar(layer);
    appender.appendVarchar(doc?.description ?? (c.table_name.startsWith('seed_') ? `Reference data from seeds/${c.table_name.slice(5)}.csv.` : ''));
    appender.appendVarchar(c.column_name);
    appender.appendVarchar(c.data_type);
    appender.appendVarchar(doc?.columns.get(c.column_name) ?? '');
    appender.appendInteger(c.ordinal_position);
    appender.endRow();
  }
  appender.closeSync();
}
