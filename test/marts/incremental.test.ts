/**
 * Incremental builds give the same tables as a full build of the same raw data. 30 days of demo logs are split
 * by day (a line belongs to the first date on it: arrival, state start or event time); database A receives them
 * in pieces and builds after each piece, database B receives all of them at once and builds once, fully. Every
 * model table (fct_, dim_, kpi_ and the int_/stg_ tables under them) must hold the same rows in A and B (EXCEPT
 * ALL both ways, and equal counts); builds in between are compared with a full build of a copy of the same
 * database. The logs are edited so that rules the demo data would not need are exercised too: every fifth
 * agent state is left open (no end_at: the agent's next state, possibly days later, closes it), every third has
 * no queue (it takes the queue the agent answered most that day), every fourth ticket has a customer of its own
 * (its reopens count for a contact of another customer), and four tickets in ten go to two quiet desks that
 * log nothing on the last day (their SLA results, breaches and backlog change only because the data end
 * moves; the tickets of one of them have no due time, so nothing of them changes but the backlog).
 * Scenarios: the last day arriving, a day in the middle arriving late, a file adding rows to a day already
 * built, the feeds of a day arriving at different times; and the builds that must be full (first build, config
 * or model changed, raw rows deleted, a database from before incremental builds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, openDatabase, queryOne, queryRows, type Database } from '../../core/db.ts';
import { ingestPath } from '../../pipelines/ingest.ts';
import { buildMarts, type BuildOptions, type BuildResult } from '../../marts/build.ts';
import { loadProject, martsDir } from '../../marts/project.ts';
import { loadConfig } from '../../core/config.ts';
import { generateDemoData, fileNames, TIMEZONE, type Feed } from '../../seeds/generator/generate.ts';

const feeds: [Feed, string][] = [
  ['acd', fileNames.acd],
  ['agent-states', fileNames['agent-states']],
  ['tickets', fileNames.tickets],
  ['bot', fileNames.bot],
];
const config = loadConfig(undefined, { timezone: TIMEZONE });
const models = loadProject().models.map((m) => m.name);

let dir: string;
let days: string[];
/** Per feed: header line (CSV) and data lines by day. */
const byDay = new Map<Feed, { header: string[]; days: Map<string, string[]> }>();
let full: string; // database B: every line ingested at once, one full build

/** Writes the chosen lines of each feed to files and ingests them (a feed with no lines is skipped). */
async function ingestLines(db: Database, tag: string, pick: (feed: Feed, day: string, lines: string[]) => string[]): Promise<void> {
  for (const [feed, file] of feeds) {
    const split = byDay.get(feed)!;
    const lines = days.flatMap((d) => pick(feed, d, split.days.get(d) ?? []));
    if (!lines.length) continue;
    const path = join(dir, `${tag}_${file}`);
    writeFileSync(path, [...split.header, ...lines].join('\n') + '\n');
    await ingestPath(db.conn, path, { source: feed, timezone: TIMEZONE, dayFirst: false });
  }
}

const only = (chosen: string[]) => (_f: Feed, day: string, lines: string[]) => (chosen.includes(day) ? lines : []);
const except = (left: string[]) => (_f: Feed, day: string, lines: string[]) => (left.includes(day) ? [] : lines);

/** agent,state,reason,queue,start_at,end_at: every fifth state without its end, every third without its queue. */
function editState(line: string, i: number): string {
  const f = line.split(',');
  if (i % 5 === 0) f[5] = '';
  if (i % 3 === 0) f[3] = '';
  return f.join(',');
}

const ticketNumber = (line: string) => Number(line.slice(0, line.indexOf(',')).replace(/\D/g, ''));

/**
 * ticket_id,event_at,…,customer_id,group_name,…,due_at,…: every fourth ticket gets a customer of its own; every
 * tenth goes to a quiet desk whose tickets have no due time, three in ten to another quiet desk.
 */
const quietDesk = (line: string) => [1, 2, 3, 6].includes(ticketNumber(line) % 10);
function editTicket(line: string): string {
  const f = line.split(',');
  if (ticketNumber(line) % 4 === 0) f[5] = `CUT${f[0]}`;
  if (quietDesk(line)) f[6] = 'quiet_desk';
  if (ticketNumber(line) % 10 === 6) [f[6], f[9]] = ['quiet_desk_no_due', ''];
  return f.join(',');
}

async function build(db: Database, options: BuildOptions = {}): Promise<BuildResult> {
  const result = await buildMarts(db.conn, config, () => {}, undefined, options);
  expect(result.failedModel).toBeUndefined();
  expect(result.tests.filter((t) => t.failures || t.error)).toEqual([]);
  return result;
}

/** Rows in A but not in B and in B but not in A, and the counts, of every model table. */
async function differences(a: string, b: string): Promise<{ table: string; aOnly: number; bOnly: number; a: number; b: number }[]> {
  const db = await openDatabase(b, { readOnly: true });
  try {
    await db.conn.run(`ATTACH '${a}' AS a (READ_ONLY)`);
    const out = [];
    for (const t of models) {
      const row = (await queryOne<{ aOnly: number; bOnly: number; a: number; b: number }>(
        db.conn,
        `SELECT (SELECT count(*) FROM (FROM a.main.${t} EXCEPT ALL FROM main.${t})) AS aOnly,
                (SELECT count(*) FROM (FROM main.${t} EXCEPT ALL FROM a.main.${t})) AS bOnly,
                (SELECT count(*) FROM a.main.${t}) AS a, (SELECT count(*) FROM main.${t}) AS b`,
      ))!;
      out.push({ table: t, ...row });
    }
    return out;
  } finally {
    db.close();
  }
}

async function expectSameTables(a: string, b = full): Promise<void> {
  const diffs = await differences(a, b);
  expect(diffs.filter((d) => d.aOnly || d.bOnly || d.a !== d.b)).toEqual([]);
  // the comparison has rows to compare
  expect(diffs.find((d) => d.table === 'fct_touchpoint')!.b).toBeGreaterThan(1000);
}

/** Compares an incrementally built database (closed) with a full build of a copy of it: the same raw rows. */
async function expectSameAsFullBuild(a: string): Promise<void> {
  const copy = `${a}.full.duckdb`;
  cpSync(a, copy);
  const db = await openDatabase(copy);
  const result = await build(db, { full: true });
  db.close();
  expect(result.kind).toBe('full');
  await expectSameTables(a, copy);
  rmSync(copy);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-incremental-'));
  const logs = join(dir, 'logs');
  const { truth } = generateDemoData({ outDir: logs, days: 30, contacts: 3_000, seed: 11, dirty: 0 });
  days = truth.days.map((d) => d.date);
  for (const [feed, file] of feeds) {
    const [first = '', ...rest] = readFileSync(join(logs, file), 'utf8').split('\n').filter(Boolean);
    let lines = file.endsWith('.csv') ? rest : [first, ...rest];
    if (feed === 'agent-states') lines = lines.map(editState);
    if (feed === 'tickets') lines = lines.map(editTicket);
    const split = new Map<string, string[]>();
    for (const line of lines) {
      const day = /\d{4}-\d{2}-\d{2}/.exec(line)![0];
      split.set(day, [...(split.get(day) ?? []), line]);
    }
    if (feed === 'tickets') split.set(days.at(-1)!, (split.get(days.at(-1)!) ?? []).filter((l) => !quietDesk(l)));
    byDay.set(feed, { header: file.endsWith('.csv') ? [first] : [], days: split });
  }
  full = join(dir, 'full.duckdb');
  const db = await openDatabase(full);
  await ingestLines(db, 'everything', except([]));
  const open = await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM raw_agent_states WHERE end_at IS NULL`);
  expect(open!.n).toBeGreaterThan(1000);
  const result = await build(db);
  expect(result.kind).toBe('full');
  db.close();
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('incremental builds give the tables of a full build', () => {
  it('the last day arriving after the others were built', async () => {
    const path = join(dir, 'last-day.duckdb');
    const db = await openDatabase(path);
    await ingestLines(db, 'first', except([days.at(-1)!]));
    const first = await build(db);
    expect(first).toMatchObject({ kind: 'full', reason: 'no earlier build in this database' });
    await exec(db.conn, 'CREATE TEMP TABLE flow_before AS SELECT * FROM kpi_node_flow');
    await ingestLines(db, 'last', only([days.at(-1)!]));
    const next = await build(db);
    // node flow (additive) took the changes of fct_node: steps counted again, and steps whose count fell to 0 gone
    const flowSteps = `SELECT date, queue_id, channel, from_node, to_node FROM`;
    const gone = await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM (${flowSteps} flow_before EXCEPT ${flowSteps} kpi_node_flow)`);
    const recounted = await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM flow_before b JOIN kpi_node_flow a USING (date, queue_id, channel, from_node, to_node) WHERE a.touchpoints <> b.touchpoints`);
    db.close();
    expect(next.models.find((m) => m.name === 'kpi_node_flow')).toMatchObject({ mode: 'partitions', added: true });
    // journeys are partitioned by customer like the touchpoints: read from the touchpoints just rebuilt
    expect(next.models.find((m) => m.name === 'fct_journey')).toMatchObject({ mode: 'partitions', readRebuilt: ['fct_touchpoint'] });
    // nodes are keyed 'acd:' || contact_id, … : the new contacts' legs come from the legs just rebuilt
    expect(next.models.find((m) => m.name === 'fct_node')!.readRebuilt).toEqual(expect.arrayContaining(['stg_acd_legs']));
    expect(gone!.n).toBeGreaterThan(0);
    expect(recounted!.n).toBeGreaterThan(0);
    expect(next.kind).toBe('incremental');
    expect(next.reason).toMatch(/^4 new ingests since the last build/);
    // the new day touches a fraction of the partitions: the first days' KPI rows stay as they were
    const daily = next.models.find((m) => m.name === 'kpi_interval')!;
    expect(daily.mode).toBe('partitions');
    expect(daily.rowsWritten).toBeLessThan(daily.rows / 3);
    expect(next.models.find((m) => m.name === 'dim_interval')!.mode).toBe('unchanged');
    expect(next.models.reduce((a, m) => a + m.rowsWritten, 0)).toBeLessThan(first.models.reduce((a, m) => a + m.rowsWritten, 0) / 3);
    await expectSameTables(path);
  }, 60_000);

  it('a day in the middle arriving late (backfill), published by a new schema (copy strategy)', async () => {
    const path = join(dir, 'backfill.duckdb');
    const db = await openDatabase(path);
    const late = days[9]!;
    await ingestLines(db, 'most', except([late]));
    const first = await build(db);
    await ingestLines(db, 'late', only([late]));
    const next = await build(db, { strategy: 'copy' });
    const schemas = await queryRows<{ s: string }>(db.conn, `SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE 'build_%'`);
    db.close();
    expect(next.kind).toBe('incremental');
    expect(next.schema).not.toBe(first.schema);
    expect(schemas.map((r) => r.s)).toEqual([next.schema]);
    await expectSameTables(path);
  }, 60_000);

  it('the feeds of a day arriving at different times: contacts and bot first, then tickets, then agent states', async () => {
    const path = join(dir, 'staggered.duckdb');
    let db = await openDatabase(path);
    const last = days.at(-1)!;
    await ingestLines(db, 'before', except([last]));
    await build(db);
    const feedsOf = (chosen: Feed[]) => (f: Feed, d: string, lines: string[]) => (d === last && chosen.includes(f) ? lines : []);
    for (const [tag, chosen] of [
      ['contacts', ['acd', 'bot']],
      ['tickets', ['tickets']],
    ] as [string, Feed[]][]) {
      await ingestLines(db, tag, feedsOf(chosen));
      expect((await build(db)).kind).toBe('incremental');
      db.close();
      await expectSameAsFullBuild(path);
      db = await openDatabase(path);
    }
    await ingestLines(db, 'states', feedsOf(['agent-states']));
    const next = await build(db);
    db.close();
    expect(next.kind).toBe('incremental');
    // only agent-state models and what reads them: the touchpoints stay as they were
    expect(next.models.find((m) => m.name === 'fct_touchpoint')!.mode).toBe('unchanged');
    expect(next.models.find((m) => m.name === 'fct_agent_state')!.mode).toBe('partitions');
    await expectSameTables(path);
  }, 120_000);

  it('a file adding rows to a day that was already built', async () => {
    const path = join(dir, 'more-rows.duckdb');
    const db = await openDatabase(path);
    const day = days[15]!;
    // every other line of that day arrives first, the rest later
    const half = (keep: 0 | 1) => (_f: Feed, d: string, lines: string[]) => (d === day ? lines.filter((_, i) => i % 2 === keep) : keep === 0 ? lines : []);
    await ingestLines(db, 'even', half(0));
    await build(db);
    await ingestLines(db, 'odd', half(1));
    const next = await build(db);
    db.close();
    expect(next.kind).toBe('incremental');
    await expectSameTables(path);
  }, 60_000);
});

describe('data tests of an incremental build', () => {
  it('the reconciliation of touchpoints with source contacts checks the days new rows touch, and finds a day that does not add up', async () => {
    const path = join(dir, 'scoped-test.duckdb');
    const db = await openDatabase(path);
    const [broken, untouched] = [days[15]!, days[3]!];
    const half = (keep: 0 | 1) => (_f: Feed, d: string, lines: string[]) => (d === broken ? lines.filter((_, i) => i % 2 === keep) : keep === 0 ? lines : []);
    await ingestLines(db, 'even', half(0));
    const first = await build(db);
    // an unidentified contact's touchpoint of each day goes missing from the mart: the new rows do not rebuild it
    for (const day of [broken, untouched]) {
      await db.conn.run(
        `DELETE FROM ${first.schema}.fct_touchpoint WHERE touchpoint_id = (SELECT min(touchpoint_id) FROM ${first.schema}.fct_touchpoint
           WHERE date = DATE '${day}' AND touchpoint_type = 'contact' AND customer_id IS NULL)`,
      );
    }
    await ingestLines(db, 'odd', half(1));
    const next = await buildMarts(db.conn, config, () => {});
    db.close();
    expect(next.kind).toBe('incremental');
    const test = next.tests.find((t) => t.name === 'touchpoints_per_day_match_source')!;
    // only the days of the changed touchpoints and new contacts: the broken one, not the untouched one
    expect(test).toEqual({ name: 'touchpoints_per_day_match_source', failures: 1, scope: 'rebuilt' });
    expect(next.tests.find((t) => t.name === 'interval_kpis_sum_to_daily')).toMatchObject({ failures: 0, scope: 'all' });
  }, 60_000);

  it('a test header whose SQL fails is reported as the error of that test, and the build goes on', async () => {
    const project = join(dir, 'broken-header');
    cpSync(join(martsDir, 'models'), join(project, 'models'), { recursive: true });
    cpSync(join(martsDir, 'tests'), join(project, 'tests'), { recursive: true });
    const file = join(project, 'tests', 'touchpoints_per_day_match_source.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('where arrival_at::date in', 'where no_such_column in'));
    const path = join(dir, 'broken-header.duckdb');
    const db = await openDatabase(path);
    await ingestLines(db, 'before', except([days.at(-1)!]));
    expect((await buildMarts(db.conn, config, () => {}, undefined, { projectDir: project })).tests.filter((t) => t.error)).toEqual([]);
    await ingestLines(db, 'last', only([days.at(-1)!]));
    const next = await buildMarts(db.conn, config, () => {}, undefined, { projectDir: project });
    db.close();
    expect(next.kind).toBe('incremental');
    expect(next.tests.find((t) => t.name === 'touchpoints_per_day_match_source')).toMatchObject({ failures: 0, scope: 'rebuilt', error: expect.stringMatching(/no_such_column/) });
    expect(next.tests.filter((t) => t.error)).toHaveLength(1);
    // a query line in a test's header is refused when the project is read
    writeFileSync(file, readFileSync(file, 'utf8').replace('--   fct_touchpoint: date', '--   fct_touchpoint: select date from changed'));
    expect(() => loadProject(project)).toThrow(/touchpoints_per_day_match_source: a test's incremental header maps its inputs by expressions, not queries/);
  }, 60_000);

  it('a reconciliation with nothing new to check is reported unchanged', async () => {
    const path = join(dir, 'scoped-test-states.duckdb');
    const db = await openDatabase(path);
    const last = days.at(-1)!;
    await ingestLines(db, 'before', (f, d, lines) => (d === last && f === 'agent-states' ? [] : lines));
    await build(db);
    await ingestLines(db, 'states', (f, d, lines) => (d === last && f === 'agent-states' ? lines : []));
    const next = await build(db);
    db.close();
    expect(next.tests.find((t) => t.name === 'touchpoints_per_day_match_source')).toEqual({ name: 'touchpoints_per_day_match_source', failures: 0, scope: 'unchanged' });
  }, 60_000);
});

describe('a build is full when an incremental one is not safe', () => {
  let path: string;
  let db: Database;

  beforeAll(async () => {
    path = join(dir, 'changes.duckdb');
    db = await openDatabase(path);
    await ingestLines(db, 'all', except([]));
    await build(db);
  }, 60_000);

  afterAll(() => db?.close());

  it('nothing new: incremental, every model unchanged, data tests still run', async () => {
    const next = await build(db);
    expect(next.kind).toBe('incremental');
    expect(next.reason).toBe('no new data since the last build');
    expect(new Set(next.models.map((m) => m.mode))).toEqual(new Set(['unchanged']));
    expect(next.tests.length).toBeGreaterThan(100);
  });

  it('--full', async () => {
    expect(await build(db, { full: true })).toMatchObject({ kind: 'full', reason: 'asked for (--full)' });
  });

  it('a configuration change', async () => {
    const changed = await buildMarts(db.conn, { ...config, journeyWindowDays: 3 }, () => {});
    expect(changed).toMatchObject({ kind: 'full', reason: 'the configuration changed since the last build' });
    // the window is in the tables, so going back is a change too
    expect(await build(db)).toMatchObject({ kind: 'full', reason: 'the configuration changed since the last build' });
  });

  it('a model change', async () => {
    const project = join(dir, 'project');
    cpSync(join(martsDir, 'models'), join(project, 'models'), { recursive: true });
    cpSync(join(martsDir, 'tests'), join(project, 'tests'), { recursive: true });
    const file = join(project, 'models', 'kpi', 'kpi_daily.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('group by all', 'group by all -- edited'));
    expect(await build(db, { projectDir: project })).toMatchObject({ kind: 'full', reason: 'the model SQL changed since the last build' });
    expect(await build(db)).toMatchObject({ kind: 'full', reason: 'the model SQL changed since the last build' });
  });

  it('raw rows deleted', async () => {
    await db.conn.run(`DELETE FROM raw_ticket_events WHERE ticket_id IN (SELECT ticket_id FROM raw_ticket_events LIMIT 3)`);
    const next = await build(db);
    expect(next.kind).toBe('full');
    expect(next.reason).toMatch(/^rows of ingest #\d+ in raw_ticket_events were deleted or changed since the last build \(\d+ then, \d+ now\)$/);
  });

  it('a database built before incremental builds existed', async () => {
    await db.conn.run('ALTER TABLE build_history DROP COLUMN fingerprint');
    expect(await build(db)).toMatchObject({ kind: 'full', reason: 'the last build did not record what it was built from (made before incremental builds)' });
    expect((await build(db)).kind).toBe('incremental');
  });
});
