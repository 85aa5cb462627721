/**
 * `ccmart refresh`: updates a database that is being served without ever showing readers half a build.
 *
 * The served file is never written. The refresh copies it to FILE.next, ingests the inbox into the copy,
 * builds the marts (and optionally plans), checkpoints and closes the copy, and renames it over FILE: a
 * rename is atomic, so the path always names one complete build. A server notices the new file and moves
 * new requests to it (api/db/live.ts). Killed at any moment, a refresh leaves FILE as it was; the next one
 * clears the leftovers (FILE.next, its WAL, a lock whose process is gone) and starts again.
 */
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Config } from './config.ts';
import { latestBuildId } from './builds.ts';
import { openDatabase, setMemoryLimit } from './db.ts';
import { UserError } from './errors.ts';
import { sources, type Source } from '../pipelines/contracts.ts';
import { adapterFor } from '../pipelines/adapters/index.ts';
import { ingestPath, type FileResult } from '../pipelines/ingest.ts';
import { buildMarts } from '../marts/build.ts';
import { historyDays, planAhead } from '../workforce/planAhead.ts';

/** One file (or folder, for named formats that read folders) to ingest. */
export interface RefreshInput {
  path: string;
  source?: Source;
  format?: string;
}

export interface RefreshOptions {
  dbPath: string;
  inputs: RefreshInput[];
  config: Config;
  /** Forecast, staff and schedule after the build, as `ccmart demo` does. */
  plan?: boolean;
  /** DuckDB memory limit of the ingest and build (e.g. 8GB); DuckDB's default when absent. */
  memoryLimit?: string | undefined;
  log?: (message: string) => void;
}

export interface RefreshResult {
  files: FileResult[];
  build: string;
  seconds: number;
}

/** Points where `CCMART_REFRESH_HOLD=<point>` stops a refresh for good, so tests can kill it exactly there. */
export const holdPoints = ['ingest', 'build', 'switch', 'switched'] as const;
export type HoldPoint = (typeof holdPoints)[number];

/** Fault injection for the kill tests: blocks the process (inside whatever it is doing) until it is killed. */
function holdIfAsked(point: HoldPoint, log: (m: string) => void): void {
  if (process.env.CCMART_REFRESH_HOLD !== point) return;
  log(`holding at ${point} (CCMART_REFRESH_HOLD)`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

export const workingCopy = (dbPath: string) => `${dbPath}.next`;
export const lockFile = (dbPath: string) => `${dbPath}.refresh.lock`;
const wal = (path: string) => `${path}.wal`;

/**
 * The inbox's files in ingest order. Each sub-folder is named after a feed (acd, agent-states, tickets, bot:
 * generic CSV/TSV/JSONL/Parquet, format from the extension) or a named format (technion, servicenow, …: every
 * entry is one input of that format). Names starting with "." are ignored, so writers can copy a file in
 * under a hidden name and rename it when complete.
 */
export function inboxInputs(inbox: string): RefreshInput[] {
  if (!existsSync(inbox) || !statSync(inbox).isDirectory()) throw new UserError(`--inbox: ${inbox} is not a folder`);
  const inputs: RefreshInput[] = [];
  const visible = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  // feeds in dependency-free but conventional order: contacts first, then states, tickets, bot
  const order = (name: string) => {
    const i = (sources as readonly string[]).indexOf(name);
    return i < 0 ? sources.length : i;
  };
  for (const name of visible(inbox).sort((a, b) => order(a) - order(b) || a.localeCompare(b))) {
    const dir = join(inbox, name);
    if (!statSync(dir).isDirectory()) throw new UserError(`--inbox: ${dir} is a file; put files in a folder named after their feed (${sources.join(', ')}) or their format`);
    const isSource = (sources as readonly string[]).includes(name);
    if (!isSource && !adapterFor(name)) {
      throw new UserError(`--inbox: folder "${name}" is neither a feed (${sources.join(', ')}) nor a named format`);
    }
    for (const entry of visible(dir)) {
      inputs.push(isSource ? { path: join(dir, entry), source: name as Source } : { path: join(dir, entry), format: name });
    }
  }
  return inputs;
}

/** Takes the refresh lock of dbPath, or says which live process holds it; a lock left by a dead process is taken over. */
function takeLock(dbPath: string): () => void {
  const path = lockFile(dbPath);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new UserError(`${dbPath}: a refresh is already running (process ${pid})`);
      rmSync(path, { force: true });
    }
  }
  throw new UserError(`${dbPath}: could not take the refresh lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncPath(path: string, flags = 'r'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies the served file (and a WAL an in-place writer left) to a fresh working copy. */
function prepareWorkingCopy(dbPath: string): string {
  const next = workingCopy(dbPath);
  rmSync(next, { force: true });
  rmSync(wal(next), { force: true });
  if (existsSync(dbPath)) {
    copyFileSync(dbPath, next, constants.COPYFILE_FICLONE);
    if (existsSync(wal(dbPath))) copyFileSync(wal(dbPath), wal(next));
  }
  return next;
}

export async function refreshDatabase(opts: RefreshOptions): Promise<RefreshResult> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const release = takeLock(opts.dbPath);
  try {
    log(`copying ${basename(opts.dbPath)} to ${basename(workingCopy(opts.dbPath))}`);
    const next = prepareWorkingCopy(opts.dbPath);
    const db = await openDatabase(next);
    let build: string;
    const files: FileResult[] = [];
    try {
      if (opts.memoryLimit) await setMemoryLimit(db.conn, opts.memoryLimit);
      for (const [i, input] of opts.inputs.entries()) {
        if (i > 0) holdIfAsked('ingest', log); // between two files: the copy holds part of the new data
        log(`ingest ${input.path}`);
        const results = await ingestPath(db.conn, input.path, {
          source: input.source,
          format: input.format,
          timezone: opts.config.timezone,
          dayFirst: opts.config.dayFirst,
          config: opts.config,
          log: (m) => log(`  ${m}`),
        });
        files.push(...results);
      }
      log('build');
      let held = false;
      const holdInBuild = () => {
        if (!held) holdIfAsked('build', log);
        held = true;
      };
      const result = await buildMarts(db.conn, opts.config, (m) => {
        log(`  ${m}`);
        // after the first model written: the copy holds a half-built schema
        if (/ rows\s+[\d.]+ s\b/.test(m) && !m.endsWith('unchanged')) holdInBuild();
      });
      holdInBuild(); // a build that wrote no model: its changes are not checkpointed yet
      if (result.failedModel) throw new UserError(`model ${result.failedModel.name} failed: ${result.failedModel.error}; ${opts.dbPath} is unchanged`, 1);
      const failed = result.tests.filter((t) => t.failures > 0 || t.error);
      if (failed.length) throw new UserError(`${failed.length} data tests failed (${failed.map((t) => t.name).join(', ')}); ${opts.dbPath} is unchanged`, 1);
      build = (await latestBuildId(db.conn)) ?? result.schema;
      if (opts.plan) {
        await planAhead(db.conn, opts.config, { historyDays: await historyDays(db.conn), log, step: (_, detail) => log(detail) });
      }
      await db.conn.run('CHECKPOINT');
    } finally {
      db.close();
    }
    // An in-place writer since the copy would lose its work, and its WAL would be replayed onto the new file.
    if (existsSync(wal(opts.dbPath))) throw new UserError(`${opts.dbPath} was written in place during the refresh (${basename(wal(opts.dbPath))} exists); nothing switched`, 1);
    if (existsSync(wal(next))) throw new Error(`${next}: the working copy kept a WAL after its checkpoint`);
    log(`switch ${basename(next)} → ${basename(opts.dbPath)}`);
    fsyncPath(next, 'r+');
    holdIfAsked('switch', log);
    renameSync(next, opts.dbPath);
    fsyncPath(dirname(opts.dbPath));
    holdIfAsked('switched', log);
    const seconds = (performance.now() - t0) / 1000;
    log(`done in ${seconds.toFixed(1)} s: ${opts.dbPath} now holds ${build}`);
    return { files, build, seconds };
  } finally {
    release();
  }
}
