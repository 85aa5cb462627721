/**
 * Duplicate candidates are fetched by position when few and by a join when many (over 4,096): the second way is
 * checked here on a file where every other row repeats an earlier key, half as exact copies, half with another
 * agent. The counts and each conflict's reason and text follow from how the test wrote the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../core/db.ts';
import { ACD_HEADER, type Workspace, acdRow, reconcile, workspace } from './helpers.ts';

describe('a file with thousands of repeated keys', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.close());

  it('removes the exact copies, rejects the conflicts with their first line, loads the rest', async () => {
    const n = 6000;
    const records: string[] = [];
    const conflicts: { line: number; first: number; text: string }[] = [];
    for (let i = 0; i < n; i++) {
      const row = acdRow(`k${i}`, i % 50);
      records.push(row);
      const firstLine = records.length + 1;
      // Each repeat follows its original: pair i is on lines 2i + 2 and 2i + 3 (record 1 is the header).
      if (i % 2 === 0) records.push(row);
      else {
        const other = acdRow(`k${i}`, i % 50, { agent: 'a9' });
        records.push(other);
        conflicts.push({ line: records.length + 1, first: firstLine, text: other });
      }
    }
    const r = await ws.ingest(ws.file('repeats.csv', `${[ACD_HEADER, ...records].join('\n')}\n`));
    await reconcile(ws.db, r, { read: 2 * n, loaded: n, rejected: n / 2, duplicate: n / 2 });
    const rejected = await queryRows<{ line: number; reason: string; raw: string }>(ws.db.conn, 'SELECT line, reason, raw FROM rejected_rows WHERE ingest_id = $id ORDER BY line', {
      id: r.ingestId,
    } as never);
    expect(rejected).toEqual(
      conflicts.map((c) => ({ line: c.line, reason: `conflicting duplicate: same contact_id, leg_seq as line ${c.first} but different agent`, raw: c.text })),
    );
    // The originals are the rows loaded, each with its own line.
    const loaded = await queryRows<{ contact_id: string; agent: string; _line: number }>(ws.db.conn, 'SELECT contact_id, agent, _line FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line', {
      id: r.ingestId,
    } as never);
    expect(loaded.map((x) => x.agent)).toEqual(Array(n).fill('a1'));
    expect(loaded.map((x) => x._line)).toEqual(Array.from({ length: n }, (_, i) => 2 * i + 2));
  });
});
