/**
 * A small pool of connections on one read-only DuckDB instance: the dashboards' queries run side by side
 * on 2–4 connections, and a request waits for a free one instead of opening anything. Each connection keeps
 * its prepared statements by SQL text, so a query shape is parsed and planned once.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';

export interface PoolOptions {
  /** Connections kept open (default 3). */
  size?: number;
  /** DuckDB threads of the instance (default 1: the KPI queries are small, requests run in parallel instead). */
  threads?: number;
  memoryLimit?: string;
  /** Prepared statements kept per connection (default 200). */
  statements?: number;
}

export interface PooledConnection {
  conn: DuckDBConnection;
  /** The statement for `sql`, prepared on first use. */
  prepared(sql: string): Promise<DuckDBPreparedStatement>;
}

class Pooled implements PooledConnection {
  private readonly statements = new Map<string, DuckDBPreparedStatement>();

  constructor(
    readonly conn: DuckDBConnection,
    private readonly limit: number,
  ) {}

  async prepared(sql: string): Promise<DuckDBPreparedStatement> {
    const known = this.statements.get(sql);
    if (known) {
      // most recently used last
      this.statements.delete(sql);
      this.statements.set(sql, known);
      return known;
    }
    const statement = await this.conn.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > this.limit) {
      const [oldest, old] = this.statements.entries().next().value!;
      this.statements.delete(oldest);
      old.destroySync();
    }
    return statement;
  }

  close(): void {
    for (const s of this.statements.values()) s.destroySync();
    this.statements.clear();
    this.conn.closeSync();
  }
}

/** What the Kysely driver draws connections from: one pool, or the live database's current one. */
export interface ConnectionSource {
  open(): Promise<void>;
  acquire(): Promise<PooledConnection>;
  release(conn: PooledConnection): void;
  close(): Promise<void>;
}

export class ConnectionPool implements ConnectionSource {
  private instance: DuckDBInstance | undefined;
  private opening: Promise<void> | undefined;
  private free: Pooled[] = [];
  private all: Pooled[] = [];
  private waiting: { resolve: (conn: Pooled) => void; reject: (err: Error) => void }[] = [];
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(
    readonly path: string,
    private readonly opts: PoolOptions = {},
  ) {}

  /** Opens the instance and its connections once; later calls wait for the same opening. */
  open(): Promise<void> {
    this.opening ??= this.openOnce();
    return this.opening;
  }

  private async openOnce(): Promise<void> {
    this.instance = await DuckDBInstance.create(this.path, {
      access_mode: 'READ_ONLY',
      threads: String(this.opts.threads ?? 1),
      memory_limit: this.opts.memoryLimit ?? '1GB',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    for (let i = 0; i < (this.opts.size ?? 3); i++) {
      const conn = new Pooled(await this.instance.connect(), this.opts.statements ?? 200);
      this.all.push(conn);
      this.free.push(conn);
    }
  }

  async acquire(): Promise<PooledConnection> {
    if (this.closed) throw new Error('connection pool is closed');
    await this.open();
    const conn = this.free.pop();
    if (conn) return conn;
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(conn: PooledConnection): void {
    const pooled = conn as Pooled;
    const next = this.closed ? undefined : this.waiting.shift();
    if (next) next.resolve(pooled);
    else this.free.push(pooled);
    if (this.closed && this.free.length === this.all.length) this.drained?.();
  }

  /**
   * Interrupts queries still running (a request whose other queries failed may leave some), waits for their
   * connections to come back, then closes: closing a connection under a running query would crash DuckDB.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('connection pool is closed'));
    await this.opening?.catch(() => {});
    if (this.free.length < this.all.length) {
      const idle = new Promise<void>((resolve) => (this.drained = resolve));
      for (const c of this.all) if (!this.free.includes(c)) c.conn.interrupt();
      await idle;
    }
    for (const c of this.all) c.close();
    this.instance?.closeSync();
    this.all = [];
    this.free = [];
  }
}
