/**
 * Read-only SQL for analysts: a DuckDB instance opened READ_ONLY with external access off and its
 * configuration locked, one SELECT per request, a row limit and a time limit that interrupts the query.
 */
import { DuckDBInstance, type DuckDBConnection, StatementType } from '@duckdb/node-api';
import { jsonValue } from './db.ts';
import { UserError } from './errors.ts';

export interface SandboxOptions {
  memoryLimit?: string;
  threads?: number;
}

export interface Sandbox {
  instance: DuckDBInstance;
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

export async function openSandbox(path: string, opts: SandboxOptions = {}): Promise<Sandbox> {
  const instance = await DuckDBInstance.create(path, {
    access_mode: 'READ_ONLY',
    enable_external_access: 'false',
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
    allow_community_extensions: 'false',
    memory_limit: opts.memoryLimit ?? '2GB',
    threads: String(opts.threads ?? 2),
    lock_configuration: 'true',
  });
  return {
    instance,
    connect: () => instance.connect(),
    close: () => instance.closeSync(),
  };
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  /** More rows existed than the limit. */
  truncated: boolean;
  seconds: number;
}

const allowed = new Set([StatementType.SELECT, StatementType.EXPLAIN]);

/** Checks that `sql` is exactly one SELECT (or EXPLAIN) statement; returns it prepared. */
export async function prepareReadOnly(conn: DuckDBConnection, sql: string) {
  if (sql.trim() === '') throw new UserError('empty query');
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (err) {
    throw new UserError(`SQL error: ${firstLine(err)}`);
  }
  if (extracted.count !== 1) throw new UserError(`one statement per query, got ${extracted.count}`);
  let prepared;
  try {
    prepared = await extracted.prepare(0);
  } catch (err) {
    throw new UserError(`SQL error: ${firstLine(err)}`);
  }
  if (!allowed.has(prepared.statementType)) {
    const kind = StatementType[prepared.statementType] ?? 'this';
    prepared.destroySync();
    throw new UserError(`only SELECT queries are allowed (got a ${kind} statement)`);
  }
  return prepared;
}

/** Runs one read-only query with a row limit and a time limit (the query is interrupted when it runs out). */
export async function runReadOnly(conn: DuckDBConnection, sql: string, opts: { maxRows: number; timeoutMs: number }): Promise<QueryResult> {
  const t0 = performance.now();
  const prepared = await prepareReadOnly(conn, sql);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, opts.timeoutMs);
  try {
    const reader = await prepared.streamAndReadUntil(opts.maxRows + 1);
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.toString());
    const all = reader.getRowObjectsJS();
    const truncated = all.length > opts.maxRows || !reader.done;
    const rows = all.slice(0, opts.maxRows).map((r) => Object.fromEntries(names.map((n, i) => [n, jsonValue(r[n], types[i]!)])));
    return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows, truncated, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    if (timedOut) throw new UserError(`query stopped after the time limit of ${opts.timeoutMs / 1000} s`);
    throw new UserError(`SQL error: ${firstLine(err)}`);
  } finally {
    clearTimeout(timer);
    prepared.destroySync();
  }
}

function firstLine(err: unknown): string {
  return (err as Error).message.split('\n')[0] ?? String(err);
}
