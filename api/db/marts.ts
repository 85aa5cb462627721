/** The marts as the API reads them: one Kysely handle on the live database's read-only connection pools. */
import { Kysely } from 'kysely';
import { DuckDbDialect } from './dialect.ts';
import { LiveDatabase, type LiveOptions } from './live.ts';
import type { Database } from './tables.ts';

export type MartDb = Kysely<Database>;

export interface Marts {
  db: MartDb;
  /** The file over time: generations, request pinning, the analysts' SQL of the current generation. */
  live: LiveDatabase;
  /** Opens the database now (otherwise the first request does). */
  open(): Promise<void>;
  close(): Promise<void>;
}

export function openMarts(path: string, opts: LiveOptions = {}): Marts {
  const live = new LiveDatabase(path, opts);
  const db = new Kysely<Database>({ dialect: new DuckDbDialect(live) });
  return {
    db,
    live,
    open: () => live.open(),
    close: () => db.destroy(),
  };
}
