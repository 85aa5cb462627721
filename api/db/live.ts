/**
 * The database file as the server sees it over time. `ccmart refresh` never writes the served file: it builds a
 * copy and renames it over the original, so the file at the path is always a complete build. The server keeps
 * reading the file it opened (its old inode stays valid after the rename) and, when it notices a new file at the
 * path, opens it beside the old one and sends new requests there. A request is pinned to one generation from its
 * first query to its last, so no answer mixes two builds; a generation is closed once its last request ends.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { stat } from 'node:fs/promises';
import { latestBuildId } from '../../core/builds.ts';
import { AnalystSql, type AnalystOptions } from '../analyst.ts';
import { ConnectionPool, type ConnectionSource, type PoolOptions, type PooledConnection } from './pool.ts';

export interface Generation {
  /** 1 for the file opened at start, then one more per switch. */
  readonly id: number;
  /** The published build ('schema@finished', core/builds.ts), or null for a database without marts. */
  readonly build: string | null;
  readonly pool: ConnectionPool;
  readonly analyst: AnalystSql;
}

interface Held {
  gen: Generation;
  identity: string;
  requests: number;
  retired: boolean;
}

export interface LiveOptions {
  pool?: PoolOptions;
  analyst?: AnalystOptions;
  /** How often requests look for a new file at the path (default 1000 ms). */
  checkIntervalMs?: number;
  /** Called after requests have moved to a new generation. */
  onSwitch?: (gen: Generation) => void;
  logError?: (err: unknown) => void;
}

/** dev, inode, size and mtime: a rename over the path changes the inode. */
async function fileIdentity(path: string): Promise<string> {
  const s = await stat(path);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
}

export class LiveDatabase implements ConnectionSource {
  private held: Held | undefined;
  private readonly retiring = new Set<Held>();
  private readonly pinned = new AsyncLocalStorage<Held>();
  private readonly origin = new WeakMap<PooledConnection, ConnectionPool>();
  private opening: Promise<void> | undefined;
  private checking: Promise<boolean> | undefined;
  private lastCheck = 0;
  private failedIdentity: string | undefined;
  private serial = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly opts: LiveOptions = {},
  ) {}

  open(): Promise<void> {
    this.opening ??= (async () => {
      const identity = await fileIdentity(this.path);
      this.held = { gen: await this.openGeneration(), identity, requests: 0, retired: false };
    })();
    return this.opening;
  }

  private async openGeneration(): Promise<Generation> {
    const pool = new ConnectionPool(this.path, this.opts.pool);
    const analyst = new AnalystSql(this.path, this.opts.analyst);
    try {
      await pool.open();
      await analyst.open();
      return { id: ++this.serial, build: await publishedBuild(pool), pool, analyst };
    } catch (err) {
      await Promise.allSettled([pool.close(), analyst.close()]);
      throw err;
    }
  }

  /** The generation of the running request (or the current one outside a request). */
  generation(): Generation {
    const held = this.pinned.getStore() ?? this.held;
    if (!held) throw new Error('the database is not open yet');
    return held.gen;
  }

  /** Runs one request on the current generation from start to end; looks for a new file now and then. */
  async request<T>(run: () => Promise<T>): Promise<T> {
    await this.open();
    if (!this.closed && Date.now() - this.lastCheck >= (this.opts.checkIntervalMs ?? 1000)) void this.checkNow();
    const held = this.held!;
    held.requests++;
    try {
      return await this.pinned.run(held, run);
    } finally {
      held.requests--;
      if (held.retired && held.requests === 0) void this.dispose(held);
    }
  }

  /**
   * Switches to the file now at the path if it is a different one. Resolves true when requests moved to a new
   * generation. A file that cannot be opened is reported once and the current generation keeps serving.
   */
  checkNow(): Promise<boolean> {
    this.checking ??= this.switchIfChanged().finally(() => {
      this.lastCheck = Date.now();
      this.checking = undefined;
    });
    return this.checking;
  }

  private async switchIfChanged(): Promise<boolean> {
    await this.open();
    let identity: string;
    try {
      identity = await fileIdentity(this.path);
    } catch {
      return false; // between a rename's unlink and link there is no gap, but a removed file keeps the old one serving
    }
    if (this.closed || identity === this.held!.identity) return false;
    let gen: Generation;
    try {
      gen = await this.openGeneration();
    } catch (err) {
      if (identity !== this.failedIdentity) this.opts.logError?.(err);
      this.failedIdentity = identity;
      return false;
    }
    if (this.closed) {
      await Promise.allSettled([gen.pool.close(), gen.analyst.close()]);
      return false;
    }
    const old = this.held!;
    this.held = { gen, identity, requests: 0, retired: false };
    old.retired = true;
    this.retiring.add(old);
    if (old.requests === 0) void this.dispose(old);
    this.opts.onSwitch?.(gen);
    return true;
  }

  private async dispose(held: Held): Promise<void> {
    if (!this.retiring.delete(held)) return;
    await Promise.allSettled([held.gen.pool.close(), held.gen.analyst.close()]);
  }

  async acquire(): Promise<PooledConnection> {
    const pool = this.generation().pool;
    const conn = await pool.acquire();
    this.origin.set(conn, pool);
    return conn;
  }

  release(conn: PooledConnection): void {
    this.origin.get(conn)?.release(conn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opening?.catch(() => {});
    await this.checking?.catch(() => {});
    const all = [...this.retiring, ...(this.held ? [this.held] : [])];
    this.retiring.clear();
    await Promise.allSettled(all.flatMap((h) => [h.gen.pool.close(), h.gen.analyst.close()]));
  }
}

/** The identity of the newest build recorded in build_history (core/builds.ts). */
async function publishedBuild(pool: ConnectionPool): Promise<string | null> {
  const conn = await pool.acquire();
  try {
    return await latestBuildId(conn.conn);
  } finally {
    pool.release(conn);
  }
}
