/**
 * Line numbers of rejected and loaded rows. A CSV `line` is the record number (1 = the header): a record whose
 * quoted field holds newlines counts once, the way DuckDB's reader numbers its rejects. Validation rejects get
 * their line from the row's position and the CSV-level rejects before it; both must agree with the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../core/db.ts';
import { ACD_HEADER, type Workspace, acdRow, reconcile, rejectsOf, workspace } from './helpers.ts';

describe('line numbers', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.close());

  const loadedLines = async (id: number | null) =>
    queryRows<{ contact_id: string; _line: number }>(ws.db.conn, 'SELECT contact_id, _line FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line', { id } as never);

  it('quoted commas and newlines, CSV-level rejects and validation rejects: every line is the record number', async () => {
    // [record text, what happens]; the record number is the index + 2 (record 1 is the header).
    const records: [string, 'ok' | 'csv' | 'bad' | 'conflict'][] = [
      ['r2,sales,a1', 'csv'], // too few fields, first data record
      [acdRow('r3', 0, { ivrPath: '"main,balance\nagent"' }), 'ok'], // a record over two physical lines
      [acdRow('r4', 1), 'ok'],
      [`${acdRow('r5', 2)},extra`, 'csv'], // too many fields
      ['r6,sales', 'csv'], // two CSV-level rejects in a row
      [acdRow('r7', 3, { ivrPath: '"x\n\ny,z"' }), 'ok'], // three physical lines
      ['r8,sales,a1,2024-03-01 09:04:00,2024-03-01 09:03:00,2024-03-01 09:09:00,', 'bad'], // answered before arrival
      [acdRow('r9', 5), 'ok'],
      ['r10,"sa"les,a1,2024-03-01 09:06:00,,2024-03-01 09:07:00,', 'csv'], // text after a closing quote
      ['r11,sa"les,a1,2024-03-01 09:06:00,,2024-03-01 09:07:00,', 'ok'], // a quote inside an unquoted field is a plain character
      ['r12,sales,a1,not a time,,2024-03-01 09:07:00,', 'bad'],
      [acdRow('r4', 1, { agent: 'a2' }), 'conflict'], // same key as record 4
      [acdRow('r14', 8, { ivrPath: '"q,\n"' }), 'ok'],
      ['r15,sales', 'csv'],
      [acdRow('r16', 9, { ivrPath: '"say ""hi"", then\nagent"' }), 'ok'],
    ];
    const text = `${[ACD_HEADER, ...records.map(([t]) => t)].join('\n')}\n`;
    const r = await ws.ingest(ws.file('lines.csv', text));
    const at = (kind: string) => records.flatMap(([, k], i) => (k === kind ? [i + 2] : []));
    const ok = at('ok');
    const rejectedLines = [...at('csv'), ...at('bad'), ...at('conflict')].sort((a, b) => a - b);
    await reconcile(ws.db, r, { read: records.length, loaded: ok.length, rejected: rejectedLines.length, duplicate: 0 });
    // Loaded rows: the id names the record number.
    expect((await loadedLines(r.ingestId)).map((x) => [x.contact_id, x._line])).toEqual(ok.map((n) => [`r${n}`, n]));
    const values = await queryRows(ws.db.conn, "SELECT queue, ivr_path FROM raw_acd_contacts WHERE contact_id IN ('r11', 'r16') ORDER BY _line");
    expect(values).toEqual([
      { queue: 'sa"les', ivr_path: null },
      { queue: 'sales', ivr_path: 'say "hi", then\nagent' },
    ]);
    const rej = await rejectsOf(ws.db, r.ingestId);
    expect(rej.map((x) => x.line)).toEqual(rejectedLines);
    // Each reject's raw text is its own record.
    for (const x of rej) expect(x.raw).toBe(records[x.line - 2]![0]);
    expect(rej.map((x) => [x.line, x.field, x.reason])).toEqual([
      [2, 'arrival_at', 'too few fields: expected 7, found 3'], // the field is the first one missing
      [5, null, 'too many fields: expected 7, found 8'],
      [6, 'agent', 'too few fields: expected 7, found 2'],
      [8, 'answer_at', 'answer_at: answer_at is before arrival_at'],
      [10, 'queue', 'text after the closing quote of a quoted field'],
      [12, 'arrival_at', 'arrival_at: unparseable time "not a time"'],
      [13, null, 'conflicting duplicate: same contact_id, leg_seq as line 4 but different agent'],
      [15, 'agent', 'too few fields: expected 7, found 2'],
    ]);
  });

  it('rejects around the buckets of the line-offset table (64 and 1,024 positions): every row keeps its record number', async () => {
    // Positions 1024/1025 and 2048/2049 sit on bucket edges (of 64 or 1,024); the rejects around them shift every later row.
    const badLines = new Set([2, 3, 1025, 1026, 1027, 1028, 2050, 2051, 2052, 3001]);
    const parts = [ACD_HEADER];
    for (let rec = 2; rec <= 3200; rec++) parts.push(badLines.has(rec) ? `B${rec},sales` : `K${rec},sales,a1,2024-03-01 09:00:00,,2024-03-01 09:05:00,`);
    const r = await ws.ingest(ws.file('buckets.csv', `${parts.join('\n')}\n`));
    await reconcile(ws.db, r, { read: 3199, loaded: 3199 - badLines.size, rejected: badLines.size, duplicate: 0 });
    const wrong = await queryRows(ws.db.conn, "SELECT contact_id, _line FROM raw_acd_contacts WHERE _ingest_id = $id AND contact_id <> 'K' || _line", { id: r.ingestId } as never);
    expect(wrong).toEqual([]);
    expect((await rejectsOf(ws.db, r.ingestId)).map((x) => x.line)).toEqual([...badLines]);
  });

  it('a 20 MB file of 250,000 records: every loaded row and every reject keeps its exact record number', async () => {
    // Deterministic pseudo-random mix: ~0.3% short records, ~0.3% bad times, ~1% quoted newlines; 250,000 records.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const parts: string[] = [ACD_HEADER];
    let csvRejects = 0;
    let badRows = 0;
    const n = 250_000;
    for (let rec = 2; rec < n + 2; rec++) {
      const x = rnd();
      if (x < 0.003) {
        parts.push(`L${rec},sales,a1`);
        csvRejects++;
      } else if (x < 0.006) {
        parts.push(`L${rec},sales,a1,never,,2024-03-01 09:05:00,`);
        badRows++;
      } else if (x < 0.016) parts.push(`L${rec},sales,a1,2024-03-01 09:00:00,2024-03-01 09:00:10,2024-03-01 09:05:00,"main,\nagent"`);
      else parts.push(`L${rec},sales,a1,2024-03-01 09:00:00,2024-03-01 09:00:10,2024-03-01 09:05:00,main>agent`);
    }
    const r = await ws.ingest(ws.file('large.csv', `${parts.join('\n')}\n`));
    await reconcile(ws.db, r, { read: n, loaded: n - csvRejects - badRows, rejected: csvRejects + badRows, duplicate: 0 });
    const wrong = await queryRows(ws.db.conn, "SELECT contact_id, _line FROM raw_acd_contacts WHERE _ingest_id = $id AND contact_id <> 'L' || _line LIMIT 5", { id: r.ingestId } as never);
    expect(wrong).toEqual([]);
    const wrongRejects = await queryRows(
      ws.db.conn,
      "SELECT line, raw FROM rejected_rows WHERE ingest_id = $id AND NOT starts_with(raw, 'L' || line || ',') LIMIT 5",
      { id: r.ingestId } as never,
    );
    expect(wrongRejects).toEqual([]);
  });
});
