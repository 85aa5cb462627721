/** How named formats meet the pipeline: configuration defaults, files without records, folders loaded twice. */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPath } from '../../pipelines/ingest.ts';
import { loadConfig } from '../../core/config.ts';
import { queryRows } from '../../core/db.ts';
import { fixture, loadedRows, openTestDb } from './harness.ts';

describe('named formats in the pipeline', () => {
  test('the configuration sets the IVR self-service rule of the technion format', async () => {
    for (const [seconds, outcome] of [[20, 'self_service'], [91, 'ivr_abandon']] as const) {
      const t = await openTestDb();
      try {
        const config = loadConfig(undefined, { ivrSelfServiceMinSeconds: seconds });
        await ingestPath(t.db.conn, fixture('technion_calls.txt'), { format: 'technion', timezone: 'Asia/Jerusalem', dayFirst: false, config });
        const rows = await loadedRows(t.db, 'acd', `contact_id IN ('AA0102-10004', 'AA0103-10005')`);
        expect(rows.map((r) => r.outcome)).toEqual([outcome, outcome]);
      } finally {
        t.close();
      }
    }
  });

  test('a file with a header and no records leaves an empty audit row', async () => {
    const t = await openTestDb();
    const dir = mkdtempSync(join(tmpdir(), 'ccmart-empty-'));
    try {
      const file = join(dir, 'header.txt');
      writeFileSync(file, 'vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n');
      const [r] = await ingestPath(t.db.conn, file, { format: 'technion', timezone: 'Asia/Jerusalem', dayFirst: false });
      expect(r).toMatchObject({ status: 'empty', rowsRead: 0 });
      const audit = await queryRows(t.db.conn, `SELECT status, rows_read, rows_loaded FROM ingest_audit`);
      expect(audit).toEqual([{ status: 'empty', rows_read: 0, rows_loaded: 0 }]);
    } finally {
      t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a folder format loaded twice adds nothing the second time', async () => {
    const t = await openTestDb();
    try {
      const opts = { format: 'getgoing', timezone: 'America/New_York', dayFirst: false } as const;
      const first = await ingestPath(t.db.conn, fixture('getgoing_logs'), opts);
      expect(first.every((r) => r.status === 'loaded')).toBe(true);
      const count = async () => (await queryRows<{ rows: number; rejects: number }>(t.db.conn, `SELECT (SELECT count(*) FROM raw_bot_turns) AS rows, (SELECT count(*) FROM rejected_rows) AS rejects`))[0]!;
      const before = await count();
      const second = await ingestPath(t.db.conn, fixture('getgoing_logs'), opts);
      expect(second.map((r) => r.status)).toEqual(['skipped']);
      expect(await count()).toEqual(before);
    } finally {
      t.close();
    }
  });
});
