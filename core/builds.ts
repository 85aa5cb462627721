/**
 * The identity of the build a database file holds: its schema and when it finished. An incremental build
 * updates the published schema in place, so the schema name alone does not tell two builds apart.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** One row, column `build`: 'build_<ts>@YYYY-MM-DDTHH:MM:SS.ffffff' of the newest build; no row before the first. */
export const LATEST_BUILD_SQL = `SELECT schema_name || '@' || strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%f') AS build
  FROM main.build_history ORDER BY finished_at DESC LIMIT 1`;

const HISTORY_EXISTS_SQL = `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'build_history'`;

/** The newest build's identity, or null for a database without builds. */
export async function latestBuildId(conn: DuckDBConnection): Promise<string | null> {
  const exists = (await conn.runAndReadAll(HISTORY_EXISTS_SQL)).getRows()[0]![0];
  if (Number(exists) === 0) return null;
  const rows = (await conn.runAndReadAll(LATEST_BUILD_SQL)).getRows();
  return rows.length ? String(rows[0]![0]) : null;
}
