/**
 * Analysts' SQL (/api/sql), kept apart from the dashboards: its own DuckDB instances, threads, memory and
 * at most `concurrency` queries at a time, so a heavy query cannot starve the KPI endpoints.
 *
 * JSON results come from the sandbox (core/sandbox.ts: read-only, no file or network access, one SELECT).
 * CSV and Parquet are written by DuckDB itself (COPY … TO a temp file, then streamed): the query first
 * passes the sandbox's one-SELECT check, then runs through DuckDB's query() table function (the SQL travels as
 * a bound string, never pasted into a statement) on an export instance that is just as locked down (read
 * only, external access off, configuration locked) except that it may write into one private directory.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../core/db.ts';
import { UserError } from '../core/errors.ts';
import { openSandbox, prepareReadOnly, runReadOnly, type QueryResult, type Sandbox } from '../core/sandbox.ts';
import { ApiError } from './errors.ts';

export interface AnalystOptions {
  /** Queries running at once (default 2); more wait, up to `maxWaiting`, then get 429. */
  concurrency?: number;
  maxWaiting?: number;
  threads?: number;
  memoryLimit?: string;
}

export interface ExportFile {
  path: string;
  rows: number;
  truncated: boolean;
}

interface Slot {
  sandbox: DuckDBConnection;
  exporter?: DuckDBConnection;
}

export class AnalystSql {
  private sandbox: Sandbox | undefined;
  private exporter: DuckDBInstance | undefined;
  private exportDir: string | undefined;
  private opening: Promise<void> | undefined;
  private slots: Slot[] = [];
  private free: Slot[] = [];
  private waiting: { resolve: (slot: Slot) => void; reject: (err: Error) => void }[] = [];
  private serial = 0;

  constructor(
    readonly path: string,
    private readonly opts: AnalystOptions = {},
  ) {}

  open(): Promise<void> {
    this.opening ??= this.openOnce();
    return this.opening;
  }

  private async openOnce(): Promise<void> {
    this.sandbox = await openSandbox(this.path, { threads: this.opts.threads ?? 1, memoryLimit: this.opts.memoryLimit ?? '1GB' });
    for (let i = 0; i < (this.opts.concurrency ?? 2); i++) {
      const slot = { sandbox: await this.sandbox.connect() };
      this.slots.push(slot);
      this.free.push(slot);
    }
  }

  /** The export instance is opened on the first CSV or Parquet request. */
  private async exportConnection(slot: Slot): Promise<DuckDBConnection> {
    if (!this.exporter) {
      this.exportDir = realpathSync(mkdtempSync(join(tmpdir(), 'ccmart-export-')));
      const instance = await DuckDBInstance.create(this.path, {
        access_mode: 'READ_ONLY',
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        allow_community_extensions: 'false',
        threads: String(this.opts.threads ?? 1),
        memory_limit: this.opts.memoryLimit ?? '1GB',
      });
      // Only settable once the instance exists; locked before any analyst SQL runs on it.
      const setup = await instance.connect();
      await setup.run(`SET GLOBAL allowed_directories = [${literal(this.exportDir + '/')}]`);
      await setup.run('SET GLOBAL enable_external_access = false');
      await setup.run('SET GLOBAL lock_configuration = true');
      setup.closeSync();
      this.exporter = instance;
    }
    slot.exporter ??= await this.exporter.connect();
    return slot.exporter;
  }

  private async acquire(): Promise<Slot> {
    if (this.closed) throw new Error('the SQL runner is closed');
    await this.open();
    const slot = this.free.pop();
    if (slot) return slot;
    if (this.waiting.length >= (this.opts.maxWaiting ?? 8)) throw new ApiError(429, 'too many SQL queries at once: try again in a moment');
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(slot: Slot): void {
    const next = this.closed ? undefined : this.waiting.shift();
    if (next) next.resolve(slot);
    else this.free.push(slot);
    if (this.closed && this.free.length === this.slots.length) this.drained?.();
  }

  private closed = false;
  private drained: (() => void) | undefined;

  /** Runs one read-only query; rows as JSON values. */
  async json(sql: string, opts: { limit: number; timeoutMs: number }): Promise<QueryResult> {
    const slot = await this.acquire();
    try {
      return await runReadOnly(slot.sandbox, sql, { maxRows: opts.limit, timeoutMs: opts.timeoutMs });
    } finally {
      this.release(slot);
    }
  }

  /** Writes the first `limit` rows of one read-only query to a CSV (with header) or Parquet file. */
  async file(sql: string, opts: { format: 'csv' | 'parquet'; limit: number; timeoutMs: number }): Promise<ExportFile> {
    const slot = await this.acquire();
    try {
      (await prepareReadOnly(slot.sandbox, sql)).destroySync();
      const conn = await this.exportConnection(slot);
      const name = `ccmart_export_${++this.serial}`;
      const limit = Math.trunc(opts.limit);
      const file = join(this.exportDir!, `${name}.${opts.format}`);
      const format = opts.format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT parquet';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        conn.interrupt();
      }, opts.timeoutMs);
      try {
        // query() runs the analyst's SQL given as a bound string: it is never pasted into this statement.
        await conn.run(`CREATE TEMP TABLE ${name} AS SELECT * FROM query($1) LIMIT $2`, [sql, limit + 1]);
        const counted = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${name}`);
        const n = Number(counted.getRows()[0]![0]);
        await conn.run(`COPY (SELECT * FROM ${name} LIMIT ${limit}) TO ${literal(file)} (${format})`);
        return { path: file, rows: Math.min(n, limit), truncated: n > limit };
      } catch (err) {
        if (timedOut) throw new UserError(`query stopped after the time limit of ${opts.timeoutMs / 1000} s`);
        throw new UserError(`SQL error: ${(err as Error).message.split('\n')[0]}`);
      } finally {
        clearTimeout(timer);
        await conn.run(`DROP TABLE IF EXISTS ${name}`).catch(() => {});
      }
    } finally {
      this.release(slot);
    }
  }

  /** Interrupts running queries and waits for them before closing (closing under a query would crash DuckDB). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('the SQL runner is closed'));
    await this.opening?.catch(() => {});
    if (this.free.length < this.slots.length) {
      const idle = new Promise<void>((resolve) => (this.drained = resolve));
      for (const slot of this.slots) {
        if (this.free.includes(slot)) continue;
        slot.sandbox.interrupt();
        slot.exporter?.interrupt();
      }
      await idle;
    }
    for (const slot of this.slots) {
      slot.sandbox.closeSync();
      slot.exporter?.closeSync();
    }
    this.slots = [];
    this.free = [];
    this.sandbox?.close();
    this.exporter?.closeSync();
    if (this.exportDir) rmSync(this.exportDir, { recursive: true, force: true });
  }
}
