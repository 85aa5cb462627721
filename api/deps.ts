/** What the route handlers need: the marts (read-only pool), the analysts' SQL runner, a memo of results. */
import type { AnalystSql } from './analyst.ts';
import type { Memo } from './cache.ts';
import type { MartDb } from './db/marts.ts';
import type { OptionalTable } from './db/tables.ts';
import { tableExists } from './queries/meta.ts';

export interface Deps {
  db: MartDb;
  analyst: AnalystSql;
  /** Results that cannot change while the database is open (it is read-only); off with the answer cache. */
  memo: Memo;
  /** What the server holds of each build whatever the cache size: kpi_daily in memory (queries/daily.ts). */
  held: Memo;
}

/** Whether a table of a later feature is in the database (asked once). */
export function hasTable(deps: Deps, table: OptionalTable | 'build_history'): Promise<boolean> {
  return deps.memo.get(`table:${table}`, () => tableExists(deps.db, table));
}
