/**
 * The bad-input corpus: a good file is loaded first, then each bad file. Every bad file must give a clear
 * message naming the file, line and field, load its own good rows (or nothing, for a file that cannot be read),
 * reconcile (read = loaded + rejected + duplicates), and leave the rows loaded before exactly as they were.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOne, queryRows } from '../../core/db.ts';
import type { FileResult } from '../../pipelines/ingest.ts';
import { ACD_HEADER, type Workspace, acdRow, gb18030, reconcile, rejectsOf, snapshot, workspace } from './helpers.ts';

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('bad-input corpus', () => {
  let ws: Workspace;
  let good: FileResult;
  let goodSnapshot: string;

  beforeAll(async () => {
    ws = await workspace();
    good = await ws.ingest(ws.file('good.csv', lines(ACD_HEADER, ...[0, 1, 2, 3, 4].map((m) => acdRow(`g${m}`, m)))));
    await reconcile(ws.db, good, { read: 5, loaded: 5, rejected: 0, duplicate: 0 });
    goodSnapshot = await snapshot(ws.db, good.ingestId);
  });

  afterAll(async () => {
    // Whatever came after, the good file's rows are untouched.
    expect(await snapshot(ws.db, good.ingestId)).toBe(goodSnapshot);
    ws.close();
  });

  /** Loaded contact ids of one ingest, in line order. */
  const loadedIds = async (r: FileResult) =>
    (await queryRows<{ contact_id: string }>(ws.db.conn, 'SELECT contact_id FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line', { id: r.ingestId } as never)).map((x) => x.contact_id);

  const auditOf = async (r: FileResult) =>
    queryOne<{ status: string; message: string; encoding: string }>(ws.db.conn, 'SELECT status, message, encoding FROM ingest_audit WHERE ingest_id = $id', { id: r.ingestId } as never);

  it('truncated last line cut mid-row: the cut row is rejected with its line and the missing field, the rest loads', async () => {
    const path = ws.file('cut-mid-row.csv', `${lines(ACD_HEADER, acdRow('m1'), acdRow('m2'))}m3,sales,a1,2024-03-01 09:0`);
    const r = await ws.ingest(path);
    await reconcile(ws.db, r, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
    expect(await loadedIds(r)).toEqual(['m1', 'm2']);
    const [rej] = await rejectsOf(ws.db, r.ingestId);
    expect(rej).toMatchObject({ line: 4, field: 'answer_at', raw: 'm3,sales,a1,2024-03-01 09:0' });
    expect(rej!.reason).toBe('too few fields: expected 7, found 4');
    const file = await queryOne<{ file: string }>(ws.db.conn, 'SELECT file FROM rejected_rows WHERE ingest_id = $id', { id: r.ingestId } as never);
    expect(file!.file).toBe(path);
  });

  it('truncated last line cut inside a quoted field: rejected as an unterminated quote', async () => {
    const cut = 'q3,sales,a1,2024-03-01 09:00:00,2024-03-01 09:00:10,2024-03-01 09:05:00,"main>bal';
    const r = await ws.ingest(ws.file('cut-in-quote.csv', `${lines(ACD_HEADER, acdRow('q1'), acdRow('q2', 1, { ivrPath: '"main>balance, then agent"' }))}${cut}`));
    await reconcile(ws.db, r, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
    expect(await loadedIds(r)).toEqual(['q1', 'q2']);
    const path = await queryOne<{ p: string }>(ws.db.conn, "SELECT ivr_path AS p FROM raw_acd_contacts WHERE contact_id = 'q2'");
    expect(path!.p).toBe('main>balance, then agent');
    expect(await rejectsOf(ws.db, r.ingestId)).toEqual([{ line: 4, field: 'ivr_path', reason: 'unterminated quoted field (truncated line?)', raw: cut }]);
  });

  it('wrong delimiter: a clear file-level error about the header; the right --delimiter loads it; a detectable one loads without', async () => {
    const semicolon = lines(ACD_HEADER, acdRow('s1'), acdRow('s2', 1)).replaceAll(',', ';');
    const path = ws.file('semicolon.csv', semicolon);
    const before = await snapshot(ws.db);
    const failed = await ws.ingest(path, { delimiter: ',' });
    expect(failed.status).toBe('failed');
    expect(failed.message).toContain(path);
    expect(failed.message).toContain('line 1, field contact_id: missing required column "contact_id", "arrival_at", "end_at"');
    expect(failed.message).toContain('the header has one column "contact_id;queue;agent;');
    expect(failed.message).toContain('is the delimiter right? pass --delimiter');
    await reconcile(ws.db, failed, { read: 0, loaded: 0, rejected: 0, duplicate: 0 });
    expect(await snapshot(ws.db)).toBe(before);
    expect((await auditOf(failed))!.status).toBe('failed');

    const loaded = await ws.ingest(path, { delimiter: ';' });
    await reconcile(ws.db, loaded, { read: 2, loaded: 2, rejected: 0, duplicate: 0 });
    expect(await loadedIds(loaded)).toEqual(['s1', 's2']);
    // Without --delimiter the header decides: semicolons split it into more columns than commas do.
    const detected = await ws.ingest(ws.file('semicolon2.csv', lines(ACD_HEADER, acdRow('s3')).replaceAll(',', ';')));
    await reconcile(ws.db, detected, { read: 1, loaded: 1, rejected: 0, duplicate: 0 });
  });

  it('binary garbage: the whole file is one rejected record naming the first NUL byte; nothing loads', async () => {
    const bytes = randomBytes(64 * 1024);
    bytes[100] = 0;
    const nulAt = bytes.indexOf(0);
    const before = await snapshot(ws.db);
    const r = await ws.ingest(ws.file('garbage.csv', bytes));
    expect(r.status).toBe('failed');
    expect(r.message).toContain(`garbage.csv: line 1: binary data, not text (NUL byte at byte ${nulAt})`);
    await reconcile(ws.db, r, { read: 1, loaded: 0, rejected: 1, duplicate: 0 });
    expect((await rejectsOf(ws.db, r.ingestId))[0]).toMatchObject({ line: 1, reason: `binary data, not text (NUL byte at byte ${nulAt}); nothing loaded from this file` });
    expect(await snapshot(ws.db)).not.toBe(before); // the one rejected record
    expect(JSON.parse(await snapshot(ws.db)).raw_n).toBe(JSON.parse(before).raw_n);
  });

  describe('GB18030 file with Chinese queue names', () => {
    const rows = [
      acdRow('gb1', 0, { queue: '信用卡', agent: '张伟' }),
      acdRow('gb2', 1, { queue: '贷款咨询', agent: '李娜' }),
      acdRow('gb3', 2, { queue: 'sales', agent: 'a9' }),
      acdRow('gb4', 3, { queue: '投诉', agent: '王芳' }),
    ];
    const bytes = () => gb18030(lines(ACD_HEADER, ...rows));

    it('is detected and transcoded: the names arrive intact', async () => {
      const r = await ws.ingest(ws.file('gb18030.csv', bytes()));
      await reconcile(ws.db, r, { read: 4, loaded: 4, rejected: 0, duplicate: 0 });
      expect((await auditOf(r))!.encoding).toBe('gb18030');
      const got = await queryRows<{ contact_id: string; queue: string; agent: string }>(
        ws.db.conn,
        'SELECT contact_id, queue, agent FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line',
        { id: r.ingestId } as never,
      );
      expect(got).toEqual([
        { contact_id: 'gb1', queue: '信用卡', agent: '张伟' },
        { contact_id: 'gb2', queue: '贷款咨询', agent: '李娜' },
        { contact_id: 'gb3', queue: 'sales', agent: 'a9' },
        { contact_id: 'gb4', queue: '投诉', agent: '王芳' },
      ]);
    });

    it('forced as UTF-8: its non-ASCII rows are rejected as invalid UTF-8 pointing at --encoding gb18030', async () => {
      // Different bytes from the file above (one more row), so it is not skipped as already loaded.
      const r = await ws.ingest(ws.file('gb18030-forced.csv', Buffer.concat([bytes(), Buffer.from(`${acdRow('gb5', 4)}\n`)])), { encoding: 'utf-8' });
      // gb3 is plain ASCII and was loaded from the file above: an exact duplicate, counted and not loaded again.
      await reconcile(ws.db, r, { read: 5, loaded: 1, rejected: 3, duplicate: 1 });
      expect(await loadedIds(r)).toEqual(['gb5']);
      const rej = await rejectsOf(ws.db, r.ingestId);
      expect(rej.map((x) => x.line)).toEqual([2, 3, 5]);
      for (const x of rej) expect(x).toMatchObject({ field: 'queue', reason: 'invalid UTF-8 bytes (if the file is GB18030, pass --encoding gb18030)' });
      expect((await auditOf(r))!.encoding).toBe('utf-8');
    });
  });

  it('empty file: recorded as empty, nothing loaded', async () => {
    const r = await ws.ingest(ws.file('empty.csv', ''));
    expect(r.status).toBe('empty');
    await reconcile(ws.db, r, { read: 0, loaded: 0, rejected: 0, duplicate: 0 });
    expect((await auditOf(r))!.message).toBe('empty file: no rows');
  });

  it('header only: loaded with no rows', async () => {
    const r = await ws.ingest(ws.file('header-only.csv', `${ACD_HEADER}\n`));
    expect(r.status).toBe('loaded');
    await reconcile(ws.db, r, { read: 0, loaded: 0, rejected: 0, duplicate: 0 });
  });

  it('a 10 MB field: rejected with a reason naming the field; the other rows load; the raw text is cut', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const r = await ws.ingest(ws.file('huge-field.csv', lines(ACD_HEADER, acdRow('h1'), acdRow('h2', 1, { ivrPath: huge }), acdRow('h3', 2))));
    await reconcile(ws.db, r, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
    expect(await loadedIds(r)).toEqual(['h1', 'h3']);
    const [rej] = await rejectsOf(ws.db, r.ingestId);
    expect(rej).toMatchObject({ line: 3, field: 'ivr_path', reason: `ivr_path: text longer than 65536 bytes (${huge.length} bytes)` });
    expect(rej!.raw!.startsWith('h2,sales,a1,')).toBe(true);
    expect(rej!.raw!.endsWith('… (cut)')).toBe(true);
    expect(rej!.raw!.length).toBe(4096 + '… (cut)'.length);
  });

  it('duplicated ids: an exact duplicate is removed and counted, a conflict is rejected naming the first line and the differing fields', async () => {
    const r = await ws.ingest(
      ws.file(
        'dups.csv',
        lines(
          ACD_HEADER,
          acdRow('d1'), // line 2
          acdRow('d2', 1), // line 3
          acdRow('d1'), // line 4: exact duplicate of line 2
          acdRow('d2', 1, { queue: 'billing', agent: 'a7' }), // line 5: same key as line 3, different content
          acdRow('g0', 9), // line 6: same key as a row of good.csv, different times
          acdRow('g1', 1), // line 7: exact copy of good.csv line 3
        ),
      ),
    );
    await reconcile(ws.db, r, { read: 6, loaded: 2, rejected: 2, duplicate: 2 });
    expect(await loadedIds(r)).toEqual(['d1', 'd2']);
    const rej = await rejectsOf(ws.db, r.ingestId);
    expect(rej).toEqual([
      { line: 5, field: null, reason: 'conflicting duplicate: same contact_id, leg_seq as line 3 but different queue, agent', raw: acdRow('d2', 1, { queue: 'billing', agent: 'a7' }) },
      {
        line: 6,
        field: null,
        reason: `conflicting duplicate: same contact_id, leg_seq as a row already loaded (ingest #${good.ingestId}, line 2) but different arrival_at, answer_at, end_at`,
        raw: acdRow('g0', 9),
      },
    ]);
  });

  it('re-ingest of the same file adds nothing and says so', async () => {
    const before = await snapshot(ws.db);
    const audits = await queryOne<{ n: number }>(ws.db.conn, 'SELECT count(*) AS n FROM ingest_audit');
    const messages: string[] = [];
    const r = await ws.ingest(`${ws.dir}/good.csv`, { log: (m) => messages.push(m) });
    expect(r).toMatchObject({ status: 'skipped', ingestId: good.ingestId, rowsRead: 0, rowsLoaded: 0, message: `already loaded by ingest #${good.ingestId}` });
    expect(messages).toEqual([`${ws.dir}/good.csv: already loaded (same content, ingest #${good.ingestId}); nothing added`]);
    expect(await snapshot(ws.db)).toBe(before);
    expect(await queryOne(ws.db.conn, 'SELECT count(*) AS n FROM ingest_audit')).toEqual(audits);
  });

  it('JSONL with a broken line: the broken line and a non-object are rejected with their lines, the rest loads', async () => {
    const obj = (id: string, m: number) =>
      JSON.stringify({ contact_id: id, queue: 'sales', agent: 'a1', arrival_at: `2024-03-01 09:0${m}:00`, answer_at: `2024-03-01 09:0${m}:10`, end_at: `2024-03-01 09:0${m + 5}:00` });
    const r = await ws.ingest(
      ws.file('contacts.jsonl', ['\uFEFF' + obj('j1', 0), obj('j2', 1), '{"contact_id": "j3", "queue": ', '', '[1, 2]', obj('j4', 3).replace('2024-03-01 09:03:00', 'soon'), obj('j5', 4)].join('\r\n')),
    );
    await reconcile(ws.db, r, { read: 6, loaded: 3, rejected: 3, duplicate: 0 });
    expect(await loadedIds(r)).toEqual(['j1', 'j2', 'j5']);
    const rej = await rejectsOf(ws.db, r.ingestId);
    expect(rej.map((x) => [x.line, x.field])).toEqual([
      [3, null],
      [5, null],
      [6, 'arrival_at'],
    ]);
    expect(rej[0]!.reason).toMatch(/^invalid JSON: /);
    expect(rej[1]!.reason).toBe('not a JSON object');
    expect(rej[2]!.reason).toBe('arrival_at: unparseable time "soon"');
    expect(rej[2]!.raw).toBe(obj('j4', 3).replace('2024-03-01 09:03:00', 'soon'));
  });

  it('Parquet input written by DuckDB: typed columns, instants and wall-clock times keep their meaning', async () => {
    const path = `${ws.dir}/contacts.parquet`;
    await ws.db.conn.run(`COPY (
      SELECT * FROM (VALUES
        ('p1', 'sales', 'a1', TIMESTAMP '2024-03-01 09:00:00', TIMESTAMPTZ '2024-03-01 01:00:10+00', TIMESTAMP '2024-03-01 09:05:00', 2),
        ('p2', 'sales', NULL, TIMESTAMP '2024-03-01 09:01:00', NULL, TIMESTAMP '2024-03-01 09:00:00', 1),
        ('p3', 'care', 'a2', TIMESTAMP '2024-03-01 09:02:00', TIMESTAMPTZ '2024-03-01 01:02:30+00', TIMESTAMP '2024-03-01 09:06:00', 1)
      ) AS t(contact_id, queue, agent, arrival_at, answer_at, end_at, priority)
    ) TO '${path}' (FORMAT parquet)`);
    const r = await ws.ingest(path);
    await reconcile(ws.db, r, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
    const got = await queryRows<{ contact_id: string; answer_at: Date | null; answer_at_utc: Date | null; priority: number }>(
      ws.db.conn,
      "SELECT contact_id, strftime(answer_at, '%Y-%m-%d %H:%M:%S') AS answer_at, strftime(answer_at_utc, '%Y-%m-%d %H:%M:%S') AS answer_at_utc, priority FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line",
      { id: r.ingestId } as never,
    );
    expect(got).toEqual([
      { contact_id: 'p1', answer_at: '2024-03-01 09:00:10', answer_at_utc: '2024-03-01 01:00:10', priority: 2 },
      { contact_id: 'p3', answer_at: '2024-03-01 09:02:30', answer_at_utc: '2024-03-01 01:02:30', priority: 1 },
    ]);
    expect(await rejectsOf(ws.db, r.ingestId)).toMatchObject([{ line: 2, field: 'end_at', reason: 'end_at: end_at is before arrival_at' }]);
  });

  it('UTF-8 BOM and CRLF line endings: the first column is found and no value keeps a carriage return', async () => {
    const text = `\uFEFF${lines(ACD_HEADER, acdRow('b1'), 'b2,sales,a1,yesterday,,2024-03-01 09:05:00,', acdRow('b3', 2, { ivrPath: '"main\r\nagent"' }))}`.replaceAll(/(?<!\r)\n/g, '\r\n');
    const r = await ws.ingest(ws.file('bom-crlf.csv', text));
    await reconcile(ws.db, r, { read: 3, loaded: 2, rejected: 1, duplicate: 0 });
    const got = await queryRows<{ contact_id: string; ivr_path: string | null }>(
      ws.db.conn,
      'SELECT contact_id, ivr_path FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line',
      { id: r.ingestId } as never,
    );
    expect(got).toEqual([
      { contact_id: 'b1', ivr_path: null },
      { contact_id: 'b3', ivr_path: 'main\r\nagent' },
    ]);
    expect(await rejectsOf(ws.db, r.ingestId)).toEqual([{ line: 3, field: 'arrival_at', reason: 'arrival_at: unparseable time "yesterday"', raw: 'b2,sales,a1,yesterday,,2024-03-01 09:05:00,' }]);
  });

  it('spaces around values are trimmed and empty, null, NULL and \\N mean no value', async () => {
    const r = await ws.ingest(
      ws.file(
        'spaces.csv',
        lines(
          ACD_HEADER,
          'sp1,  sales ,null,2024-03-01 09:00:00 , ,2024-03-01 09:05:00,\\N',
          ' sp2 ,NULL, a1 ,  2024-03-01 09:01:00,2024-03-01 09:01:10,2024-03-01 09:06:00, null ',
        ),
      ),
    );
    await reconcile(ws.db, r, { read: 2, loaded: 2, rejected: 0, duplicate: 0 });
    const got = await queryRows(
      ws.db.conn,
      "SELECT contact_id, queue, agent, strftime(arrival_at, '%H:%M:%S') AS arrival, answer_at, ivr_path FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line",
      { id: r.ingestId } as never,
    );
    expect(got).toEqual([
      { contact_id: 'sp1', queue: 'sales', agent: null, arrival: '09:00:00', answer_at: null, ivr_path: null },
      { contact_id: 'sp2', queue: null, agent: 'a1', arrival: '09:01:00', answer_at: new Date('2024-03-01T09:01:10Z'), ivr_path: null },
    ]);
  });

  it('a file of the same size as a loaded one but other content is loaded, not skipped', async () => {
    // good.csv with one digit changed: same byte count, different hash.
    const text = lines(ACD_HEADER, ...[0, 1, 2, 3, 4].map((m) => acdRow(`g${m}`, m))).replace('g4,', 'x4,');
    const r = await ws.ingest(ws.file('same-size.csv', text));
    await reconcile(ws.db, r, { read: 5, loaded: 1, rejected: 0, duplicate: 4 });
    expect(await loadedIds(r)).toEqual(['x4']);
    const audit = await queryOne<{ started_at: Date; bytes: number; content_hash: string }>(
      ws.db.conn,
      'SELECT started_at, bytes, content_hash FROM ingest_audit WHERE ingest_id = $id',
      { id: r.ingestId } as never,
    );
    const goodAudit = await queryOne<{ bytes: number; content_hash: string }>(ws.db.conn, 'SELECT bytes, content_hash FROM ingest_audit WHERE ingest_id = $id', { id: good.ingestId } as never);
    expect(audit!.bytes).toBe(goodAudit!.bytes);
    expect(audit!.content_hash).not.toBe(goodAudit!.content_hash);
    expect(audit!.content_hash).toBe(createHash('sha256').update(text).digest('hex'));
    // started_at is UTC: within a minute of now.
    expect(Math.abs(audit!.started_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('Chinese headers map through the contract aliases', async () => {
    const header = '呼叫编号,队列,坐席,来电时间,应答时间,结束时间,渠道,满意度';
    const r = await ws.ingest(
      ws.file(
        'chinese-headers.csv',
        lines(header, 'zh1,信用卡,张伟,2024-03-01 09:00:00,2024-03-01 09:00:10,2024-03-01 09:05:00,电话,5', 'zh2,投诉,,2024-03-01 09:01:00,,2024-03-01 09:02:00,微信,'),
      ),
    );
    await reconcile(ws.db, r, { read: 2, loaded: 2, rejected: 0, duplicate: 0 });
    const got = await queryRows(ws.db.conn, 'SELECT contact_id, queue, agent, channel, csat FROM raw_acd_contacts WHERE _ingest_id = $id ORDER BY _line', { id: r.ingestId } as never);
    expect(got).toEqual([
      { contact_id: 'zh1', queue: '信用卡', agent: '张伟', channel: 'voice', csat: 5 },
      { contact_id: 'zh2', queue: '投诉', agent: null, channel: 'messaging', csat: null },
    ]);
  });
});
