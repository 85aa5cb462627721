/**
 * `ccmart build`. A full build runs the SQL models in dependency order into a fresh schema, runs the data
 * tests, then publishes the build in one transaction by pointing the views in `main` at the new schema. An
 * incremental build (when the last build's models, seeds and configuration are unchanged and the raw tables
 * only gained new ingests) rebuilds only the partitions the new rows touch (marts/incremental.ts) and updates
 * the published tables inside one transaction, data tests included. A model that fails stops the build with
 * its name and DuckDB's error; the previous build stays published.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../core/config.ts';
import { exec, ident, literal, queryOne, queryRows } from '../core/db.ts';
import { ensureSchema, auditColumns, rejectedColumns } from '../pipelines/schema.ts';
import { contracts, storedColumns } from '../pipelines/contracts.ts';
import { loadSeeds, seedFiles } from '../pipelines/seeds.ts';
import { loadProject, wordsOf, type DataTest, type Model } from './project.ts';
import { kpiMacrosSql } from '../core/kpis.ts';
import { ensureHistory, lastBuild, planBuild, projectFingerprint, rawIngests, type BuildPlan, type Fingerprint, type RawIngests } from './fingerprint.ts';
import { ModelUpdateError, dropScratch, tracePhase, updateModels, type ModelUpdate } from './incremental.ts';
import { failedTests, runTests, type ModelChange, type TestRun, type TestScope } from './datatests.ts';

export type { TestRun } from './datatests.ts';

export interface ModelRun {
  name: string;
  /** Rows in the table after the build. */
  rows: number;
  seconds: number;
  /** full: built whole; partitions: only the partitions new data touched; unchanged: left as it was. */
  mode: ModelUpdate['mode'];
  partitions?: number;
  /** Rows written: all in a full build; in an incremental one, the rows of rebuilt partitions that changed. */
  rowsWritten: number;
  note?: string;
  /** An additive model's partitions updated by adding its input's changes. */
  added?: boolean;
  /** Inputs read from their rows rebuilt in the same build (partitioned alike). */
  readRebuilt?: string[];
}

export interface BuildOptions {
  /** Rebuild everything even when an incremental build is safe. */
  full?: boolean;
  /**
   * How an incremental build publishes: update the published tables inside one transaction (in-place, the
   * default) or write a new schema that copies the untouched rows and switch the views to it (copy).
   */
  strategy?: 'in-place' | 'copy';
  /** Folder holding models/ and tests/ (default: marts/). */
  projectDir?: string;
}

export interface BuildResult {
  schema: string;
  kind: BuildPlan['kind'];
  /** Why the build was full or incremental. */
  reason: string;
  models: ModelRun[];
  tests: TestRun[];
  failedModel?: { name: string; error: string };
  seconds: number;
  /** Time of the data tests. */
  testSeconds: number;
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

export async function buildMarts(
  conn: DuckDBConnection,
  config: Config,
  log: (m: string) => void = () => {},
  seedsDir?: string,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const t0 = performance.now();
  const project = loadProject(options.projectDir);
  await ensureSchema(conn);
  await ensureHistory(conn);
  const fingerprint = await projectFingerprint(conn, project, config, seedsDir);
  tracePhase('fingerprint', t0);
  const ingests = await rawIngests(conn);
  tracePhase('rows per ingest of the raw tables', t0);
  const last = await lastBuild(conn);
  const tables = ['ccmart_config', 'mart_catalog', ...seedFiles(seedsDir).map((f) => f.table), ...project.models.map((m) => m.name)];
  const schemaIntact = !!last && (await hasTables(conn, last.schema, tables));
  const plan = planBuild({ full: !!options.full, last, fingerprint, ingests, schemaIntact });
  log(`${plan.kind} build: ${plan.reason}`);
  const context: BuildContext = { conn, config, log, seedsDir, project, fingerprint, ingests, plan, t0, failedBefore: new Set(last?.failedTests ?? []) };
  if (plan.kind === 'full') return fullBuild(context);
  return options.strategy === 'copy' ? copyBuild(context, plan.schema, plan.newIngests) : inPlaceBuild(context, plan.schema, plan.newIngests);
}

interface BuildContext {
  conn: DuckDBConnection;
  config: Config;
  log: (m: string) => void;
  seedsDir: string | undefined;
  project: { models: Model[]; singularTests: DataTest[] };
  fingerprint: Fingerprint;
  ingests: RawIngests;
  plan: BuildPlan;
  t0: number;
  /** Data tests that failed in the last build. */
  failedBefore: Set<string>;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function hasTables(conn: DuckDBConnection, schema: string, tables: string[]): Promise<boolean> {
  const found = await queryRows<{ t: string }>(
    conn,
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $schema AND table_catalog = current_database() AND table_type = 'BASE TABLE'`,
    { schema },
  );
  const names = new Set(found.map((r) => r.t));
  return tables.every((t) => names.has(t));
}

/** Every model from scratch into a new schema, published by switching the views. */
function fullBuild(ctx: BuildContext): Promise<BuildResult> {
  const { conn, log } = ctx;
  return newSchemaBuild(ctx, 'full', async (schema, runs) => {
    for (const model of ctx.project.models) {
      const t = performance.now();
      try {
        await exec(conn, `CREATE TABLE ${schema}.${ident(model.name)} AS\n${model.sql}`);
      } catch (err) {
        throw new ModelError(model.name, (err as Error).message);
      }
      const rows = (await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM ${schema}.${ident(model.name)}`))!.n;
      const run: ModelRun = { name: model.name, rows, seconds: seconds(t), mode: 'full', rowsWritten: rows };
      runs.push(run);
      log(modelLine(model, run));
    }
    return undefined;
  });
}

/**
 * Writes a new schema (seeds, the models `writeModels` fills, catalog, data tests) and publishes it by switching
 * the views; a model that fails, or any other error, drops the schema and leaves the last build published.
 * `writeModels` returns the incremental updates it made, which scope the data tests, or undefined (full build).
 */
async function newSchemaBuild(
  ctx: BuildContext,
  kind: BuildResult['kind'],
  writeModels: (schema: string, runs: ModelRun[]) => Promise<ModelUpdate[] | undefined>,
): Promise<BuildResult> {
  const { conn, config, log, project } = ctx;
  const schema = `build_${Date.now()}`;
  await exec(conn, `CREATE SCHEMA ${schema}`);
  const runs: ModelRun[] = [];
  try {
    const seeds = await prepareSchema(conn, schema, config, log, ctx.seedsDir);
    const updates = await writeModels(schema, runs);
    await writeCatalog(conn, schema, project.models);
    const { tests, testSeconds } = await testBuild(conn, project.models, project.singularTests, log, updates && testScope(ctx, updates, schema));
    if (updates) await dropScratch(conn, updates);
    await publish(conn, schema, [...seeds, 'ccmart_config', 'mart_catalog', ...project.models.map((m) => m.name)]);
    const result: BuildResult = { schema, kind, reason: ctx.plan.reason, models: runs, tests, seconds: seconds(ctx.t0), testSeconds };
    await recordBuild(conn, result, ctx);
    return result;
  } catch (err) {
    await exec(conn, `SET search_path = 'main'`).catch(() => {});
    await exec(conn, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    if (err instanceof ModelError || err instanceof ModelUpdateError) return stopped(ctx, schema, runs, err.model, err.duckdbError);
    throw err;
  } finally {
    await exec(conn, `SET search_path = 'main'`).catch(() => {});
  }
}

/** Seeds, configuration and KPI macros of a new build schema, which becomes the first place names are looked up. */
async function prepareSchema(conn: DuckDBConnection, schema: string, config: Config, log: (m: string) => void, seedsDir?: string): Promise<string[]> {
  await exec(conn, `SET search_path = '${schema},main'`);
  const seeds = await loadSeeds(conn, schema, seedsDir);
  await exec(conn, configTableSql(schema, config));
  // KPI formulas as macros (core/kpis.ts): the models call them, and main keeps them for analysts
  for (const macro of kpiMacrosSql(schema)) await exec(conn, macro);
  log(`seeds: ${seeds.join(', ')}`);
  return seeds;
}

/**
 * Rebuilds the touched partitions inside the published schema, in one transaction with the catalog, the data
 * tests and the build_history row: readers see the last build until the commit, then the new one.
 */
async function inPlaceBuild(ctx: BuildContext, schema: string, newIngests: Record<string, number[]>): Promise<BuildResult> {
  const { conn, log, project } = ctx;
  const catalog = (await queryOne<{ c: string }>(conn, 'SELECT current_database() AS c'))!.c;
  const runs: ModelRun[] = [];
  await exec(conn, 'BEGIN TRANSACTION');
  try {
    await exec(conn, `SET search_path = '${schema},main'`);
    tracePhase('plan', ctx.t0);
    const updates = await updateModels(conn, { ...updateOptions(ctx), catalog, from: schema, to: schema, newIngests, log: (u, m) => runs.push(logged(log, m, u)) });
    tracePhase('models', ctx.t0);
    await exec(conn, `DROP TABLE ${ident(schema)}.mart_catalog`);
    await writeCatalog(conn, schema, project.models);
    tracePhase('catalog', ctx.t0);
    const { tests, testSeconds } = await testBuild(conn, project.models, project.singularTests, log, testScope(ctx, updates, schema));
    tracePhase('data tests', ctx.t0);
    await dropScratch(conn, updates);
    const result: BuildResult = { schema, kind: 'incremental', reason: ctx.plan.reason, models: runs, tests, seconds: seconds(ctx.t0), testSeconds };
    await recordBuild(conn, result, ctx);
    tracePhase('build_history', ctx.t0);
    await exec(conn, 'COMMIT');
    tracePhase('commit', ctx.t0);
    // the commit writes the changes to the file: part of the build's time (build_history has it without)
    result.seconds = seconds(ctx.t0);
    return result;
  } catch (err) {
    await exec(conn, 'ROLLBACK').catch(() => {});
    if (err instanceof ModelUpdateError) return stopped(ctx, schema, runs, err.model, err.duckdbError);
    throw err;
  } finally {
    await exec(conn, `SET search_path = 'main'`).catch(() => {});
  }
}

/** Writes a new schema: untouched tables and rows copied from the last build, touched partitions rebuilt. */
async function copyBuild(ctx: BuildContext, previous: string, newIngests: Record<string, number[]>): Promise<BuildResult> {
  const catalog = (await queryOne<{ c: string }>(ctx.conn, 'SELECT current_database() AS c'))!.c;
  return newSchemaBuild(ctx, 'incremental', (schema, runs) =>
    updateModels(ctx.conn, { ...updateOptions(ctx), catalog, from: previous, to: schema, newIngests, log: (u, m) => runs.push(logged(ctx.log, m, u)) }),
  );
}

function stopped(ctx: BuildContext, schema: string, runs: ModelRun[], model: string, error: string): BuildResult {
  ctx.log(`  FAILED ${model}: ${error}`);
  ctx.log('build stopped; the previous build is still published');
  return { schema, kind: ctx.plan.kind, reason: ctx.plan.reason, models: runs, tests: [], failedModel: { name: model, error }, seconds: seconds(ctx.t0), testSeconds: 0 };
}

function logged(log: (m: string) => void, model: Model, u: ModelUpdate): ModelRun {
  const run: ModelRun = { name: u.name, rows: u.rows, seconds: u.seconds, mode: u.mode, partitions: u.partitions, rowsWritten: u.rowsWritten, note: u.note, added: u.added, readRebuilt: u.readRebuilt };
  log(modelLine(model, run, true));
  return run;
}

/** One line per model; an incremental build also says what it did with the model. */
function modelLine(model: Model, run: ModelRun, incremental = false): string {
  const head = `  ${model.layer.padEnd(12)} ${model.name.padEnd(28)} ${fmtRows(run.rows).padStart(12)} rows  ${run.seconds.toFixed(2)} s`;
  if (!incremental) return head;
  if (run.mode === 'unchanged') return `${head}  unchanged`;
  if (run.mode === 'partitions') return `${head}  ${fmtRows(run.partitions ?? 0)} partitions ${run.added ? 'updated by adding changes' : 'rebuilt'}, ${fmtRows(run.rowsWritten)} rows written`;
  return `${head}  rebuilt whole${run.note ? ` (${run.note})` : ''}`;
}

/** What an incremental build needs of the project: models, those to rebuild whole, columns the tests need. */
function updateOptions(ctx: BuildContext): { models: Model[]; whole: Set<string>; keepColumns: Map<string, string[]> } {
  const keepColumns = new Map<string, string[]>();
  const keep = (model: string, columns: string[]) => keepColumns.set(model, [...(keepColumns.get(model) ?? []), ...columns]);
  for (const t of ctx.project.models.flatMap((m) => m.tests)) if (t.target) keep(t.target.model, [t.target.column]);
  // a scoped singular test places a model's changed rows in its partitions by the columns its header names
  for (const t of ctx.project.singularTests) for (const map of t.incremental?.maps ?? []) keep(map.input, wordsOf(map));
  return { models: ctx.project.models, whole: partitionKeyFailures(ctx), keepColumns };
}

/** Models whose partition_key test failed in the last build: they hold rows no partition names. */
function partitionKeyFailures(ctx: BuildContext): Set<string> {
  return new Set(ctx.project.models.filter((m) => m.tests.some((t) => t.name.startsWith(`${m.name}.partition_key(`) && ctx.failedBefore.has(t.name))).map((m) => m.name));
}

function testScope(ctx: BuildContext, updates: ModelUpdate[], schema: string): TestScope {
  const models = new Map<string, ModelChange>();
  const columns = new Map(ctx.project.models.map((m) => [m.name, m.columns.map((c) => c.name)]));
  for (const u of updates) models.set(u.name, { mode: u.mode, key: u.key, rebuilt: u.rebuilt, changes: u.changes, columns: columns.get(u.name) });
  const newRaw = new Map<string, string>();
  const newIngests = ctx.plan.kind === 'incremental' ? ctx.plan.newIngests : {};
  for (const [raw, ids] of Object.entries(newIngests)) if (ids.length) newRaw.set(raw, `(SELECT * FROM main.${ident(raw)} WHERE _ingest_id IN (${ids.join(', ')}))`);
  return { models, failedBefore: ctx.failedBefore, schema, newRaw };
}

async function testBuild(
  conn: DuckDBConnection,
  models: Model[],
  singularTests: DataTest[],
  log: (m: string) => void,
  scope?: TestScope,
): Promise<{ tests: TestRun[]; testSeconds: number }> {
  const t = performance.now();
  const tests = await runTests(conn, [...models.flatMap((m) => m.tests), ...singularTests], scope);
  const failed = failedTests(tests);
  const testSeconds = seconds(t);
  const scoped = tests.filter((x) => x.scope === 'rebuilt').length;
  const unchanged = tests.filter((x) => x.scope === 'unchanged').length;
  const how = scope ? `; ${scoped} on the changed rows, ${unchanged} with nothing changed to check, ${tests.length - scoped - unchanged} on whole tables` : '';
  log(`data tests: ${tests.length - failed.length} passed, ${failed.length} failed (${testSeconds.toFixed(1)} s${how})`);
  for (const f of failed) log(`  FAILED ${f.name}: ${f.error ?? `${f.failures} failing rows`}`);
  return { tests, testSeconds };
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

async function recordBuild(conn: DuckDBConnection, result: BuildResult, ctx: BuildContext): Promise<void> {
  const failed = failedTests(result.tests);
  await exec(
    conn,
    `INSERT INTO main.build_history (schema_name, finished_at, seconds, models, rows, tests, tests_failed, status, kind, reason, fingerprint, raw_ingests, failed_tests)
     VALUES ($schema, to_timestamp($finished)::TIMESTAMP, $seconds, $models, $rows, $tests, $failed, $status, $kind, $reason, $fingerprint, $ingests, $failedTests)`,
    {
      schema: result.schema,
      // the clock now, not the start of the transaction an incremental build runs in
      finished: Date.now() / 1000,
      seconds: result.seconds,
      models: result.models.length,
      rows: result.models.reduce((a, r) => a + r.rows, 0),
      tests: result.tests.length,
      failed: failed.length,
      status: failed.length ? 'tests_failed' : 'ok',
      kind: result.kind,
      reason: result.reason,
      fingerprint: JSON.stringify(ctx.fingerprint),
      ingests: JSON.stringify(ctx.ingests),
      failedTests: JSON.stringify(failed.map((t) => t.name)),
    } as never,
  );
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
