/**
 * The conditions an incremental build reads an input's rows with (marts/incremental.ts neededRows), on a real
 * DuckDB table: exactly the rows of the affected partitions, and bounded so that DuckDB skips the row groups of
 * other days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, openDatabase, queryOne, queryRows, type Database } from '../../core/db.ts';
import { neededRows } from '../../marts/incremental.ts';

let db: Database;

beforeAll(async () => {
  db = await openDatabase(':memory:');
  // 20 days of one row a minute, in time order as logs arrive: about 2 row groups a day
  await exec(db.conn, `CREATE TABLE states AS SELECT TIMESTAMP '2026-03-01 00:00:00' + to_minutes(i) AS started_at, 'c' || i AS contact_id FROM range(20 * 1440) t(i)`);
  await exec(db.conn, `CREATE TABLE affected AS SELECT * FROM (VALUES (DATE '2026-03-05'), (DATE '2026-03-07')) t(key)`);
});

afterAll(() => db?.close());

interface PlanNode {
  operator_name?: string;
  operator_cardinality?: number;
  extra_info?: { Table?: string };
  children?: PlanNode[];
}

/** Rows the condition selects, and rows the scan of `states` produced (after skipping row groups). */
async function select(condition: string): Promise<{ rows: number; scanned: number }> {
  const rows = (await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM states WHERE ${condition}`))!.n;
  const plan = await queryRows<{ explain_value: string }>(db.conn, `EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM states WHERE ${condition}`);
  let scanned = 0;
  const walk = (node: PlanNode) => {
    if (node.extra_info?.Table?.endsWith('states')) scanned += node.operator_cardinality ?? 0;
    for (const c of node.children ?? []) walk(c);
  };
  const root = JSON.parse(plan[0]!.explain_value) as PlanNode | PlanNode[];
  for (const node of Array.isArray(root) ? root : [root]) walk(node);
  return { rows: Number(rows), scanned };
}

describe('neededRows', () => {
  it('a key on a time column\'s day: the rows of the affected days, other days\' row groups skipped', async () => {
    const condition = neededRows({ input: 'states', kind: 'key', exprs: ['started_at::date'] }, 'affected');
    const { rows, scanned } = await select(condition);
    // 5 and 7 March, not 6 March in between: the day test stays exact inside the bounds
    expect(rows).toBe(2 * 1440);
    expect(scanned).toBeLessThan(5 * 1440);
    // the same key without the bounds reads every row
    expect((await select(`(started_at::date) IN (SELECT key FROM affected)`)).scanned).toBe(20 * 1440);
  });

  it('a key written as a prefix and a column is compared on the column', async () => {
    await exec(db.conn, `CREATE OR REPLACE TABLE ids AS SELECT * FROM (VALUES ('acd:c10'), ('acd:c20'), ('bot:c30')) t(key)`);
    const condition = neededRows({ input: 'states', kind: 'key', exprs: [`'acd:' || contact_id`] }, 'ids');
    expect(condition).not.toContain('||');
    expect(await select(condition)).toMatchObject({ rows: 2 });
  });
});
