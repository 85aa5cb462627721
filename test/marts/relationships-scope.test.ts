// An incremental build's relationships test: the rows referring to a value the target held and holds no more
// (marts/datatests.ts vanished), on a real DuckDB database and a two-model project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, openDatabase, type Database } from '../../core/db.ts';
import { runTests, type TestScope } from '../../marts/datatests.ts';
import { layers, loadProject } from '../../marts/project.ts';

let dir: string;
let db: Database;
let tests: ReturnType<typeof loadProject>['models'][number]['tests'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-rel-'));
  for (const layer of layers) mkdirSync(join(dir, 'models', layer), { recursive: true });
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'models', 'marts', 'parent.sql'), '-- Parents.\n-- columns:\n--   id: Parent.\n-- tests:\n--   unique: id\nselect 1\n');
  writeFileSync(join(dir, 'models', 'marts', 'child.sql'), '-- Children.\n-- columns:\n--   parent_id: Parent.\n-- tests:\n--   relationships: parent_id -> parent.id\nselect 1\n');
  tests = loadProject(dir).models.flatMap((m) => m.tests);
  db = await openDatabase(join(dir, 'rel.duckdb'));
  await exec(db.conn, `CREATE TABLE child AS SELECT * FROM (VALUES ('a'), ('b'), ('c')) t(parent_id)`);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The parent table now, its changed rows (id, _side) and the tests that failed last time; the child unchanged. */
async function relationships(parent: string[], changes: [string, number][], failedBefore: string[] = []) {
  await exec(db.conn, `CREATE OR REPLACE TABLE parent AS SELECT unnest(['${parent.join("','")}']) AS id`);
  await exec(db.conn, `CREATE OR REPLACE TABLE parent_changes AS SELECT * FROM (VALUES ${changes.map(([id, side]) => `('${id}', ${side})`).join(', ')}) t(id, _side)`);
  const scope: TestScope = {
    models: new Map([
      ['parent', { mode: 'partitions', key: ['id'], rebuilt: '(SELECT id FROM parent_changes WHERE _side = 1)', changes: 'parent_changes' }],
      ['child', { mode: 'unchanged' }],
    ]),
    failedBefore: new Set(failedBefore),
  };
  return (await runTests(db.conn, tests, scope)).find((t) => t.name.startsWith('child.relationships'))!;
}

describe('a relationships test when its target changed', () => {
  it('finds the rows referring to a value the target no longer holds', async () => {
    expect(await relationships(['a', 'c'], [['b', -1], ['c', 1]])).toMatchObject({ failures: 1, scope: 'rebuilt' });
  });

  it('has nothing to check when the value moved to a new version of a row', async () => {
    expect(await relationships(['a', 'b', 'c'], [['b', -1], ['b', 1], ['c', 1]])).toMatchObject({ failures: 0, scope: 'unchanged' });
  });

  it('reads the target table when its unique test failed last time (the value may sit in another row too)', async () => {
    const unique = tests.find((t) => t.kind === 'unique')!.name;
    // 'b' left a rebuilt row but another, untouched row still holds it
    expect(await relationships(['a', 'b', 'c'], [['b', -1]], [unique])).toMatchObject({ failures: 0, scope: 'unchanged' });
    // without that history the column is unique, so the value left with its row
    expect(await relationships(['a', 'c'], [['b', -1]])).toMatchObject({ failures: 1, scope: 'rebuilt' });
  });
});
