/** The marts as the API reads them: one Kysely handle on a pool of read-only connections. */
import { Kysely } from 'kysely';
import { DuckDbDialect } from './dialect.ts';
import { ConnectionPool, type PoolOptions } from './pool.ts';
import type { Database } from './tables.ts';

export type MartDb = Kysely<Database>;

export interface Marts {
  db: MartDb;
  /** Opens the database now (otherwise the first query does). */
  open(): Promise<void>;
  close(): Promise<void>;
}

export function openMarts(path: string, opts: PoolOptions = {}): Marts {
  const pool = new ConnectionPool(path, opts);
  const db = new Kysely<Database>({ dialect: new DuckDbDialect(pool) });
  return {
    db,
    open: () => pool.open(),
    close: () => db.destroy(),
  };
}
