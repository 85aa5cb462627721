/**
 * A Kysely dialect for DuckDB: Kysely's PostgreSQL compiler (DuckDB speaks the same `$1` placeholders and
 * double-quoted identifiers) with a driver that runs each compiled query on a pooled @duckdb/node-api
 * connection (as a prepared statement kept by the connection). Values come back ready for JSON: BIGINT/HUGEINT as numbers, DATE as 'YYYY-MM-DD', TIMESTAMP as
 * 'YYYY-MM-DD HH:MM:SS' wall clock, MAP as a plain object.
 */
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { jsonValue } from '../../core/db.ts';
import type { ConnectionSource, PooledConnection } from './pool.ts';

export class DuckDbDialect implements Dialect {
  constructor(private readonly pool: ConnectionSource) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new DuckDbDriver(this.pool);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class DuckDbDriver implements Driver {
  private readonly leased = new Map<DuckDbConnection, PooledConnection>();

  constructor(private readonly pool: ConnectionSource) {}

  async init(): Promise<void> {
    await this.pool.open();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const pooled = await this.pool.acquire();
    const conn = new DuckDbConnection(pooled);
    this.leased.set(conn, pooled);
    return conn;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const pooled = this.leased.get(connection as DuckDbConnection);
    if (!pooled) return;
    this.leased.delete(connection as DuckDbConnection);
    this.pool.release(pooled);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN TRANSACTION'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async destroy(): Promise<void> {
    await this.pool.close();
  }
}

/** A parameter as DuckDB takes it. Dates must travel as 'YYYY-MM-DD' strings cast in SQL. */
function parameter(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TypeError(`unsupported query parameter of type ${value instanceof Date ? 'Date' : typeof value}: pass dates as strings and cast them in SQL`);
}

type Converter = (value: unknown) => unknown;

const asIs: Converter = (v) => v;

/** How a value of a DuckDB type becomes a JSON value (chosen once per column, not per value). */
function converter(type: string): Converter {
  if (type === 'DOUBLE' || type === 'FLOAT' || type === 'INTEGER' || type === 'SMALLINT' || type === 'TINYINT' || type === 'VARCHAR' || type === 'BOOLEAN') return asIs;
  if (type === 'BIGINT' || type === 'HUGEINT' || type === 'UBIGINT' || type === 'UINTEGER') return (v) => (typeof v === 'bigint' ? Number(v) : v);
  // A MAP arrives as [{ key, value }, …]; JSON wants an object.
  if (type.startsWith('MAP(')) {
    return (v) => (Array.isArray(v) ? Object.fromEntries((v as { key: unknown; value: unknown }[]).map((e) => [String(e.key), jsonValue(e.value, '')])) : v);
  }
  return (v) => jsonValue(v, type);
}

class DuckDbConnection implements DatabaseConnection {
  constructor(private readonly pooled: PooledConnection) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = await this.pooled.prepared(compiled.sql);
    if (compiled.parameters.length) statement.bind(compiled.parameters.map(parameter));
    else statement.clearBindings();
    const reader = await statement.runAndReadAll();
    const names = reader.columnNames();
    const convert = reader.columnTypes().map((t) => converter(t.toString()));
    const rows = reader.getRowsJS().map((values) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) out[names[i]!] = convert[i]!(values[i]);
      return out as R;
    });
    return { rows };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiled);
  }
}
