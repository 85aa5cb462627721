// Atomic refresh: `ccmart refresh` killed with SIGKILL during ingest, during the build and around the switch
// never changes what the server answers; the next refresh succeeds; a server under load while a refresh runs
// answers every request from one complete build.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config.ts';
import { latestBuildId } from '../../core/builds.ts';
import { openDatabase } from '../../core/db.ts';
import { inboxInputs, lockFile, workingCopy, type RefreshInput } from '../../core/refresh.ts';
import { ingestPath } from '../../pipelines/ingest.ts';
import { buildMarts } from '../../marts/build.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { getAnswer, refreshFixture, runRefresh, startRefresh, waitForNewBuild, type Answer, type RefreshFixture } from './harness.ts';

const KPIS = 'api/kpis?grain=day&by=queue';
const bin = fileURLToPath(new URL('../../bin/ccmart.js', import.meta.url));
const config = { ...defaultConfig, timezone: 'Asia/Shanghai' };

let dir: string;
let fixture: RefreshFixture;
let dbPath: string;
let server: RunningServer;
/** The same file served with the answer cache on, as `ccmart serve` does by default. */
let cached: RunningServer;
/** Servers on databases built in place from the same files: the numbers each build must give. */
let before: RunningServer;
let after: RunningServer;
let expectedBefore: string;
let expectedAfter: string;

/** An independent in-place ingest and build of the given inbox into its own file. */
async function referenceDb(name: string, inbox: string, extra: string[] = []): Promise<string> {
  const path = join(dir, name);
  const db = await openDatabase(path);
  try {
    const inputs: RefreshInput[] = [...inboxInputs(inbox), ...extra.map((p) => ({ path: p, source: 'acd' as const }))];
    for (const i of inputs) await ingestPath(db.conn, i.path, { source: i.source, format: i.format, timezone: config.timezone, dayFirst: false, config });
    const build = await buildMarts(db.conn, config);
    expect(build.failedModel).toBeUndefined();
  } finally {
    db.close();
  }
  return path;
}

const served = (a: Answer) => ({ status: a.status, body: a.body });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-refresh-'));
  fixture = refreshFixture(dir);
  dbPath = join(dir, 'served.duckdb');
  before = await startServer({ dbPath: await referenceDb('before.duckdb', fixture.inbox), port: 0, cacheMegabytes: 0 });
  after = await startServer({ dbPath: await referenceDb('after.duckdb', fixture.inbox, [fixture.laterAcd]), port: 0, cacheMegabytes: 0 });
  expectedBefore = (await getAnswer(before.url + KPIS)).body;
  expectedAfter = (await getAnswer(after.url + KPIS)).body;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await cached?.close();
  await before?.close();
  await after?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ccmart refresh', () => {
  it('creates the database on first use and gives the numbers of an in-place build', async () => {
    expect(expectedBefore).not.toBe(expectedAfter); // the later contacts change the numbers
    const run = await runRefresh(dbPath, fixture.inbox);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/switch served\.duckdb\.next → served\.duckdb/);
    expect(existsSync(workingCopy(dbPath))).toBe(false);
    expect(existsSync(lockFile(dbPath))).toBe(false);
    server = await startServer({ dbPath, port: 0, cacheMegabytes: 0, checkIntervalMs: 10 });
    const a = await getAnswer(server.url + KPIS);
    expect(served(a)).toEqual({ status: 200, body: expectedBefore });
    expect(a.build).toMatch(/^build_\d+@\d{4}-\d\d-\d\dT[\d:.]+$/);
    cached = await startServer({ dbPath, port: 0, checkIntervalMs: 10 });
    expect((await getAnswer(cached.url + KPIS)).body).toBe(expectedBefore);
  }, 60_000);

  it('ingest and build in place refuse a served file by name and point to ccmart refresh', () => {
    for (const args of [['build', '--db', dbPath], ['ingest', '--db', dbPath, '--source', 'acd', fixture.laterAcd]]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/served\.duckdb is open in another process \(PID \d+, .*\).*use ccmart refresh/);
    }
  });

  it.each(['ingest', 'build', 'switch'])('killed at %s: the server keeps the previous build and the file stays whole', async (point) => {
    const inboxLate = join(fixture.inbox, 'acd', basename(fixture.laterAcd));
    if (!existsSync(inboxLate)) copyFileSync(fixture.laterAcd, inboxLate);
    const previous = await getAnswer(server.url + KPIS);
    const run = await runRefresh(dbPath, fixture.inbox, point);
    expect(run.signal, run.output).toBe('SIGKILL');
    expect(run.output).toContain(`holding at ${point}`);
    expect(existsSync(lockFile(dbPath))).toBe(true); // left behind by the killed process
    await new Promise((r) => setTimeout(r, 50)); // several of the server's file checks
    const now = await getAnswer(server.url + KPIS);
    expect(served(now)).toEqual({ status: 200, body: expectedBefore });
    expect(now.build).toBe(previous.build);
    // the file on disk is still the complete previous build, readable by anyone
    const db = await openDatabase(dbPath, { readOnly: true });
    try {
      expect(await latestBuildId(db.conn)).toBe(previous.build);
    } finally {
      db.close();
    }
  }, 60_000);

  it('the next refresh clears the leftovers and succeeds while requests keep coming, each from one complete build', async () => {
    const previous = await getAnswer(server.url + KPIS);
    const answers: Answer[] = [];
    let done = false;
    const load = (async () => {
      while (!done) answers.push(await getAnswer(server.url + KPIS));
    })();
    const run = await runRefresh(dbPath, fixture.inbox);
    const switched = await waitForNewBuild(server.url + KPIS, previous.build);
    done = true;
    await load;
    expect(run.code, run.output).toBe(0);
    expect(served(switched)).toEqual({ status: 200, body: expectedAfter });
    // the cached answer of the old build is not served for the new one
    const fromCache = await waitForNewBuild(cached.url + KPIS, previous.build);
    expect(served(fromCache)).toEqual({ status: 200, body: expectedAfter });
    expect(fromCache.build).toBe(switched.build);
    expect(existsSync(workingCopy(dbPath))).toBe(false);
    expect(existsSync(lockFile(dbPath))).toBe(false);
    expect(answers.length).toBeGreaterThan(5);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body).toBe(a.build === previous.build ? expectedBefore : expectedAfter);
    }
  }, 60_000);

  it('killed just after the switch: the new build is served and the next refresh takes over the stale lock', async () => {
    const previous = await getAnswer(server.url + KPIS);
    const run = await runRefresh(dbPath, fixture.inbox, 'switched');
    expect(run.signal, run.output).toBe('SIGKILL');
    const now = await waitForNewBuild(server.url + KPIS, previous.build);
    expect(served(now)).toEqual({ status: 200, body: expectedAfter }); // nothing new came in: same numbers, new build
    const again = await runRefresh(dbPath, fixture.inbox);
    expect(again.code, again.output).toBe(0);
    expect(served(await waitForNewBuild(server.url + KPIS, now.build))).toEqual({ status: 200, body: expectedAfter });
  }, 60_000);

  it('refuses a second refresh of the same file while one runs', async () => {
    const first = startRefresh(dbPath, fixture.inbox, 'build');
    await first.held;
    const second = await runRefresh(dbPath, fixture.inbox);
    expect(second.code).toBe(2);
    expect(second.output).toMatch(/served\.duckdb: a refresh is already running \(process \d+\)/);
    first.kill();
    expect((await first.done).signal).toBe('SIGKILL');
    const third = await runRefresh(dbPath, fixture.inbox);
    expect(third.code, third.output).toBe(0);
  }, 60_000);
});

describe('POST /api/refresh', () => {
  it('runs ccmart refresh on the server\'s inbox, answers 409 while one runs, and switches when it is done', async () => {
    const api = await startServer({ dbPath, port: 0, refresh: { inbox: fixture.inbox } }); // answer cache on, as served
    try {
      const previous = await getAnswer(api.url + KPIS);
      const post = () => fetch(api.url + 'api/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const started = await post();
      expect(started.status).toBe(202);
      expect(await started.json()).toMatchObject({ state: 'running', exit_code: null });
      const again = await post();
      expect(again.status).toBe(409);
      expect(await again.json()).toEqual({ error: 'a refresh is already running' });
      let status: { state: string; exit_code: number | null; message: string | null };
      do {
        await new Promise((r) => setTimeout(r, 100));
        status = (await (await fetch(api.url + 'api/refresh')).json()) as typeof status;
      } while (status.state === 'running');
      expect(status).toMatchObject({ state: 'ok', exit_code: 0 });
      expect(status.message).toMatch(/now holds build_\d+@/);
      // the server switched when the refresh ended, without waiting for a later request's check
      const now = await getAnswer(api.url + KPIS);
      expect(now.build).not.toBe(previous.build);
      expect(served(now)).toEqual({ status: 200, body: expectedAfter });
    } finally {
      await api.close();
    }
    const without = await startServer({ dbPath, port: 0 });
    try {
      const res = await fetch(without.url + 'api/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toMatch(/no inbox/);
    } finally {
      await without.close();
    }
  }, 60_000);
});
