/**
 * A file that fails part-way through its load leaves the database as it was: the raw rows, rejected rows and
 * audit row of one file are written in one transaction. The failures are real ones: the database's tables carry
 * a CHECK constraint (as a site may add) that one row of the file breaks, once in the raw-table insert (the first
 * write) and once in the rejected_rows insert (after the raw rows were written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../core/db.ts';
import { storedColumns, contracts } from '../../pipelines/contracts.ts';
import { rejectedColumns } from '../../pipelines/schema.ts';
import { ACD_HEADER, type Workspace, acdRow, reconcile, snapshot, workspace } from './helpers.ts';

describe('a file that fails part-way', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
    // The tables exist before the first ingest, with one constraint each; ensureSchema keeps existing tables.
    const raw = storedColumns(contracts.acd).map((c) => `"${c.name}" ${c.type}`);
    await ws.db.conn.run(`CREATE TABLE raw_acd_contacts (${raw.join(', ')}, CHECK (queue IS DISTINCT FROM 'forbidden'))`);
    const rej = rejectedColumns.map(([n, t]) => `${n} ${t}`);
    await ws.db.conn.run(`CREATE TABLE rejected_rows (${rej.join(', ')}, CHECK (raw IS NULL OR NOT contains(raw, 'forbidden')))`);
    const good = await ws.ingest(ws.file('good.csv', `${[ACD_HEADER, acdRow('g1'), acdRow('g2', 1), 'g3,sales,a1,late,,2024-03-01 09:05:00,'].join('\n')}\n`));
    await reconcile(ws.db, good, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
  });
  afterAll(() => ws.close());

  const audits = () => queryRows<{ status: string; rows_read: number; rows_loaded: number; message: string }>(ws.db.conn, 'SELECT status, rows_read, rows_loaded, message FROM ingest_audit ORDER BY ingest_id');

  it('the raw-table insert fails: nothing of the file is kept, the audit says why, the file can be loaded once fixed', async () => {
    const before = await snapshot(ws.db);
    const path = ws.file('breaks-raw.csv', `${[ACD_HEADER, acdRow('f1', 2), acdRow('f2', 3, { queue: 'forbidden' }), 'f3,sales,a1,soon,,2024-03-01 09:05:00,'].join('\n')}\n`);
    const r = await ws.ingest(path);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(new RegExp(`^${path}: load failed, nothing of this file was loaded: Constraint Error: CHECK constraint failed`));
    await reconcile(ws.db, r, { read: 0, loaded: 0, rejected: 0, duplicate: 0 });
    expect(await snapshot(ws.db)).toBe(before);
    expect((await audits()).map((a) => a.status)).toEqual(['loaded', 'failed']);
    // A failed file is not "already loaded": once the table is rebuilt without the constraint, the same file loads.
    await ws.db.conn.run('CREATE TABLE rebuilt AS SELECT * FROM raw_acd_contacts; DROP TABLE raw_acd_contacts; ALTER TABLE rebuilt RENAME TO raw_acd_contacts');
    const retried = await ws.ingest(path);
    await reconcile(ws.db, retried, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
  });

  it('the rejected_rows insert fails after the raw rows were written: the raw rows are rolled back too', async () => {
    const before = await snapshot(ws.db);
    const r = await ws.ingest(ws.file('breaks-rejects.csv', `${[ACD_HEADER, acdRow('k1', 4), acdRow('k2', 5), 'k3,forbidden,a1,soon,,2024-03-01 09:05:00,'].join('\n')}\n`));
    expect(r.status).toBe('failed');
    expect(r.message).toContain('load failed, nothing of this file was loaded: Constraint Error: CHECK constraint failed');
    expect(await snapshot(ws.db)).toBe(before);
    const ids = await queryRows<{ contact_id: string }>(ws.db.conn, 'SELECT contact_id FROM raw_acd_contacts ORDER BY contact_id');
    expect(ids.map((x) => x.contact_id)).toEqual(['f1', 'f2', 'g1', 'g2']);
    expect((await audits()).map((a) => [a.status, a.rows_read, a.rows_loaded])).toEqual([
      ['loaded', 3, 2],
      ['failed', 0, 0],
      ['loaded', 3, 2],
      ['failed', 0, 0],
    ]);
  });
});
