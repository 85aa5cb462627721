/** Loads the reference CSVs in seeds/ as tables `seed_<name>` (queues, calendar, KPI targets, code mappings, …). */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, ident, literal } from '../core/db.ts';

export const seedsDir = fileURLToPath(new URL('../seeds/', import.meta.url));

export function seedFiles(dir = seedsDir): { table: string; path: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => ({ table: `seed_${basename(f, '.csv')}`, path: join(dir, f) }));
}

/** (Re)creates every seed table in `schema`; types are detected by DuckDB from the CSV. */
export async function loadSeeds(conn: DuckDBConnection, schema = 'main', dir = seedsDir): Promise<string[]> {
  const tables: string[] = [];
  for (const { table, path } of seedFiles(dir)) {
    await exec(conn, `CREATE OR REPLACE TABLE ${ident(schema)}.${ident(table)} AS SELECT * FROM read_csv(${literal(path)}, header = true, auto_detect = true)`);
    tables.push(table);
  }
  return tables;
}
