import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { UserError } from './errors.ts';

export type { DuckDBConnection };
export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

export interface Database {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

/** Opens (or creates) a DuckDB file. `readOnly` opens it with access_mode READ_ONLY. */
export async function openDatabase(path: string, opts: { readOnly?: boolean; threads?: number } = {}): Promise<Database> {
  const options: Record<string, string> = {};
  if (opts.readOnly) options.access_mode = 'READ_ONLY';
  if (opts.threads) options.threads = String(opts.threads);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, options);
  } catch (err) {
    const held = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec((err as Error).message);
    if (!held) throw err;
    throw new UserError(
      `${path} is open in another process (PID ${held[2]}, ${held[1]}): DuckDB lets one process write a file or several read it.` +
        (opts.readOnly ? '' : ' To update a database that ccmart serve is reading, use ccmart refresh.'),
    );
  }
  const conn = await instance.connect();
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** BIGINT and HUGEINT arrive as bigint; JSON and arithmetic want numbers. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/**
 * A value ready for JSON and text output: DATE as 'YYYY-MM-DD', TIMESTAMP as 'YYYY-MM-DD HH:MM:SS[.ffffff]'
 * (wall clock as stored, never shifted by a time zone), bigint as number.
 */
export function jsonValue(value: unknown, type: string): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    if (type === 'DATE') return iso.slice(0, 10);
    const ms = iso.slice(19, 23);
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '.000' ? '' : ms}`;
  }
  return toPlain(value);
}

/** Runs a query and returns its rows as plain objects (bigint → number). */
export async function queryRows<T = Row>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJS().map((r) => toPlain(r) as T);
}

/** Runs a query and returns its only row (or undefined). */
export async function queryOne<T = Row>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T | undefined> {
  return (await queryRows<T>(conn, sql, params))[0];
}

/** Runs a statement for its effect. */
export async function exec(conn: DuckDBConnection, sql: string, params?: Params): Promise<void> {
  await conn.run(sql, params as never);
}

/** Sets DuckDB's memory limit of the connection's database (a size such as 8GB; memorySizeFlag checks one). */
export async function setMemoryLimit(conn: DuckDBConnection, size: string): Promise<void> {
  await conn.run(`SET memory_limit = ${literal(size)}`);
}

/** Quotes an identifier for SQL built from trusted names (contract fields, model names). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL built from trusted values (file paths chosen by the operator). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
