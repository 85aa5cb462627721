/**
 * The column description the API's Kysely types come from (api/db/tables.ts) against a real build: every
 * column it names exists in the database with a type of the declared kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../core/db.ts';
import { defaultConfig } from '../../core/config.ts';
import { planFromMarts } from '../../workforce/plan.ts';
import { kindMatches, optionalTables, tables } from '../../api/db/tables.ts';
import { buildFixtureDb, cleanup, tempDir } from './helpers.ts';

let dir: string;
let db: Database;

beforeAll(async () => {
  dir = tempDir();
  const path = await buildFixtureDb(dir, 'marts.duckdb', async (w) => {
    await planFromMarts(w.conn, defaultConfig, { horizonDays: 7, holdoutDays: 0, defaultShrinkage: 0.3 });
  });
  db = await openDatabase(path, { readOnly: true });
});

afterAll(() => {
  db?.close();
  cleanup(dir);
});

describe('api/db/tables.ts', () => {
  it('names only existing columns, each of a matching DuckDB type', async () => {
    const columns = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
      db.conn,
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main'`,
    );
    const types = new Map(columns.map((c) => [`${c.table_name}.${c.column_name}`, c.data_type]));
    // fct_coverage comes with scheduling, not built yet: its columns follow the API contract
    const built = Object.keys(tables).filter((t) => t !== 'fct_coverage' && !t.includes('.'));
    let checked = 0;
    for (const table of built) {
      for (const [column, spec] of Object.entries((tables as Record<string, Record<string, string>>)[table]!)) {
        const type = types.get(`${table}.${column}`);
        expect(type, `${table}.${column} is missing from the build`).toBeDefined();
        expect(kindMatches(spec as never, type!), `${table}.${column}: ${spec} vs ${type}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('lists every column of the KPI tables the dashboards read', async () => {
    for (const table of ['kpi_daily', 'kpi_interval', 'kpi_breakpoint_daily', 'kpi_node_flow'] as const) {
      const cols = await queryRows<{ column_name: string }>(db.conn, `SELECT column_name FROM information_schema.columns WHERE table_name = $t AND table_schema = 'main'`, { t: table });
      expect(Object.keys(tables[table]).sort(), table).toEqual(cols.map((c) => c.column_name).sort());
    }
  });

  it('the optional tables are the later features', () => {
    expect([...optionalTables].sort()).toEqual(['fct_coverage', 'fct_forecast', 'fct_staffing']);
  });

  it('kindMatches tells types apart', () => {
    expect(kindMatches('int', 'BIGINT')).toBe(true);
    expect(kindMatches('int', 'DOUBLE')).toBe(false);
    expect(kindMatches('num?', 'DECIMAL(18,3)')).toBe(true);
    expect(kindMatches('date', 'TIMESTAMP')).toBe(false);
    expect(kindMatches('map?', 'MAP(VARCHAR, DOUBLE)')).toBe(true);
  });
});
