import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../core/db.ts';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, realdata, rejectedRows } from './harness.ts';

const call = (values: Record<string, string | null>) =>
  blank('acd', { leg_seq: '1', channel: 'voice', direction: 'inbound', ivr_path: 'vru', hold_seconds: '0.0', acw_seconds: '0.0', ...values });

describe('technion fixture', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('technion_calls.txt'), 'technion', 'Asia/Jerusalem');
  });
  afterAll(() => t.close());

  test('loads each call as one contact, field by field', async () => {
    expect(await loadedRows(t.db, 'acd')).toEqual([
      call({ contact_id: 'AA0101-10001', customer_id: '27997683', queue: 'PS', agent: 'MICHAL', priority: '2', arrival_at: '1999-01-04 09:00:00', ivr_entry_at: '1999-01-04 09:00:00', ivr_exit_at: '1999-01-04 09:00:06', queue_entry_at: '1999-01-04 09:00:06', answer_at: '1999-01-04 09:01:00', end_at: '1999-01-04 09:05:10', outcome: 'answered', _line: '2' }),
      // Straight from the VRU to an agent: no queue entry.
      call({ contact_id: 'AA0101-10002', queue: 'NW', agent: 'AVNI', priority: '0', arrival_at: '1999-01-04 09:10:00', ivr_entry_at: '1999-01-04 09:10:00', ivr_exit_at: '1999-01-04 09:10:09', answer_at: '1999-01-04 09:10:08', end_at: '1999-01-04 09:12:08', outcome: 'answered', _line: '3' }),
      call({ contact_id: 'AA0102-10003', customer_id: '55279970', queue: 'PE', priority: '1', arrival_at: '1999-01-04 09:20:00', ivr_entry_at: '1999-01-04 09:20:00', ivr_exit_at: '1999-01-04 09:20:05', queue_entry_at: '1999-01-04 09:20:05', end_at: '1999-01-04 09:22:05', outcome: 'abandoned', _line: '4' }),
      // Hung up in the VRU (never queued, so no queue) after 20 s (< 60 s): gave up there; after 90 s: self-served.
      call({ contact_id: 'AA0102-10004', priority: '0', arrival_at: '1999-01-04 09:30:00', ivr_entry_at: '1999-01-04 09:30:00', ivr_exit_at: '1999-01-04 09:30:20', end_at: '1999-01-04 09:30:20', outcome: 'ivr_abandon', _line: '5' }),
      call({ contact_id: 'AA0103-10005', priority: '0', arrival_at: '1999-01-04 09:40:00', ivr_entry_at: '1999-01-04 09:40:00', ivr_exit_at: '1999-01-04 09:41:30', end_at: '1999-01-04 09:41:30', outcome: 'self_service', _line: '6' }),
      call({ contact_id: 'AA0103-10006', customer_id: '30164461', queue: 'PS', priority: '2', arrival_at: '1999-01-04 09:50:00', ivr_entry_at: '1999-01-04 09:50:00', ivr_exit_at: '1999-01-04 09:50:06', queue_entry_at: '1999-01-04 09:50:06', end_at: '1999-01-04 09:51:35', outcome: 'phantom', _line: '7' }),
      // Service crossing midnight ends on the next day.
      call({ contact_id: 'AA0104-10007', queue: 'PS', agent: 'BENSION', priority: '0', arrival_at: '1999-01-05 23:58:00', ivr_entry_at: '1999-01-05 23:58:00', ivr_exit_at: '1999-01-05 23:58:10', answer_at: '1999-01-05 23:58:10', end_at: '1999-01-06 00:02:20', outcome: 'answered', _line: '8' }),
      // Queued at exactly 0:00:00 (a real time here: q_exit and q_time are set).
      call({ contact_id: 'AA0104-10008', customer_id: '15696776', queue: 'PS', agent: 'AVNI', priority: '2', arrival_at: '1999-01-05 23:59:54', ivr_entry_at: '1999-01-05 23:59:54', ivr_exit_at: '1999-01-05 23:59:54', queue_entry_at: '1999-01-06 00:00:00', answer_at: '1999-01-06 00:00:26', end_at: '1999-01-06 00:01:33', outcome: 'answered', _line: '9' }),
      // Hung up while being connected (service times but NO_SERVER): abandoned, ending at ser_exit.
      call({ contact_id: 'AA0108-10015', queue: 'PS', priority: '0', arrival_at: '1999-01-06 10:00:00', ivr_entry_at: '1999-01-06 10:00:00', ivr_exit_at: '1999-01-06 10:00:10', queue_entry_at: '1999-01-06 10:00:10', end_at: '1999-01-06 10:00:50', outcome: 'abandoned', _line: '16' }),
    ]);
  });

  test('rejects impossible rows with a reason and the line, never fixes them', async () => {
    expect((await rejectedRows(t.db)).map(({ line, field, reason }) => ({ line, field, reason }))).toEqual([
      { line: 10, field: 'ivr_exit_at', reason: 'negative vru_time (-37 s): vru_exit 15:45:24 is before vru_entry 15:46:01' },
      { line: 11, field: 'answer_at', reason: 'outcome AGENT without service times (ser_start 0:00:00): when the call was answered and when it ended are unknown' },
      { line: 12, field: 'agent', reason: 'agent: answered contact without an agent' },
      { line: 13, field: 'answer_at', reason: 'answer_at: answer_at is before queue_entry_at' },
      { line: 14, field: 'agent', reason: 'outcome HANG but server DARMON is recorded' },
      { line: 15, field: 'contact_id', reason: 'expected 17 tab-separated fields, found 8' },
      { line: 17, field: 'ivr_exit_at', reason: 'vru_time 12 s does not match vru_exit − vru_entry (10 s)' },
      { line: 18, field: 'customer_id', reason: 'customer_id "3.27E+11" is not a whole number (rounded by a spreadsheet?): the caller cannot be identified' },
    ]);
    await expectReconciled(t.db, results);
    expect(results[0]!.rowsRead).toBe(17);
  });
});

describe('technion options', () => {
  test('ivr-self-service-min-seconds moves the line between self-service and IVR abandon', async () => {
    const t = await openTestDb();
    try {
      await ingest(t.db, fixture('technion_calls.txt'), 'technion', 'Asia/Jerusalem', { 'ivr-self-service-min-seconds': '20' });
      const rows = await loadedRows(t.db, 'acd', `contact_id IN ('AA0102-10004', 'AA0103-10005')`);
      expect(rows.map((r) => r.outcome)).toEqual(['self_service', 'self_service']);
    } finally {
      t.close();
    }
    const u = await openTestDb();
    try {
      await ingest(u.db, fixture('technion_calls.txt'), 'technion', 'Asia/Jerusalem', { 'ivr-self-service-min-seconds': '91' });
      const rows = await loadedRows(u.db, 'acd', `contact_id IN ('AA0102-10004', 'AA0103-10005')`);
      expect(rows.map((r) => r.outcome)).toEqual(['ivr_abandon', 'ivr_abandon']);
    } finally {
      u.close();
    }
    const v = await openTestDb();
    try {
      const [bad] = await ingest(v.db, fixture('technion_calls.txt'), 'technion', 'Asia/Jerusalem', { 'ivr-min': '5' });
      expect(bad!.status).toBe('failed');
      expect(bad!.message).toContain('--option ivr-min: not a setting of format technion');
    } finally {
      v.close();
    }
  });
});

/** Outcome class of a raw call line, by the documented rule, computed here without the adapter. */
function rawCall(line: string): { day: string; outcome: string } {
  const c = line.split('\t');
  const day = `19${c[5]!.slice(0, 2)}-${c[5]!.slice(2, 4)}-${c[5]!.slice(4, 6)}`;
  const outcome =
    c[12] === 'AGENT' ? 'answered'
    : c[12] === 'PHANTOM' ? 'phantom'
    : c[9] !== '0:00:00' ? 'abandoned'
    : Number(c[8]) >= 60 ? 'self_service'
    : 'ivr_abandon';
  return { day, outcome };
}

const months = ['01_January.txt', '02_February.txt', '03_March.txt'];

describe('technion on the real Anonymous Bank log, January–March 1999', () => {
  let t: TestDb;
  const results: FileResult[] = [];
  const fileLines = new Map<string, string[]>();
  beforeAll(async () => {
    t = await openTestDb();
    for (const m of months) {
      const path = realdata('acd-anonymous-bank-1999', m);
      fileLines.set(m, readFileSync(path, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== ''));
      results.push(...(await ingest(t.db, path, 'technion', 'Asia/Jerusalem')));
    }
  });
  afterAll(() => t.close());

  test('every call line is read: January 31,599, February 33,344, March 38,801', () => {
    expect(months.map((m) => fileLines.get(m)!.length)).toEqual([31_599, 33_344, 38_801]);
    expect(results.map((r) => r.rowsRead)).toEqual([31_599, 33_344, 38_801]);
  });

  test('reconciles: read = loaded + rejected + duplicates, in the audit and in the tables', async () => {
    await expectReconciled(t.db, results);
    expect(results.every((r) => r.rowsDuplicate === 0)).toBe(true);
  });

  test('per day, calls by outcome in the file = loaded contacts + rejected lines', async () => {
    const fromFile = new Map<string, number>();
    for (const lines of fileLines.values()) {
      for (const l of lines) {
        const { day, outcome } = rawCall(l);
        fromFile.set(`${day} ${outcome}`, (fromFile.get(`${day} ${outcome}`) ?? 0) + 1);
      }
    }
    const counted = new Map<string, number>();
    const loaded = await queryRows<{ day: string; outcome: string; n: number }>(
      t.db.conn,
      `SELECT strftime(arrival_at, '%Y-%m-%d') AS day, outcome, count(*) AS n FROM raw_acd_contacts GROUP BY ALL`,
    );
    for (const r of loaded) counted.set(`${r.day} ${r.outcome}`, r.n);
    for (const r of await rejectedRows(t.db)) {
      const { day, outcome } = rawCall(r.raw!);
      counted.set(`${day} ${outcome}`, (counted.get(`${day} ${outcome}`) ?? 0) + 1);
    }
    const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));
    expect(sorted(counted)).toEqual(sorted(fromFile));
    const january = [...fromFile].filter(([k]) => k.startsWith('1999-01')).reduce((s, [, n]) => s + n, 0);
    expect(january).toBe(31_599);
  });

  test('rejected lines are under 2.5 % and each names a fault of the row', async () => {
    const rejected = await rejectedRows(t.db);
    const read = results.reduce((s, r) => s + r.rowsRead, 0);
    expect(rejected.length / read).toBeLessThan(0.025);
    const kinds = new Set(rejected.map((r) => r.reason.replace(/-?\d[\d:]*/g, 'N').replace(/server \S+/, 'server X')));
    expect([...kinds].sort()).toEqual(
      [
        'agent: answered contact without an agent',
        'customer_id "N.NE+N" is not a whole number (rounded by a spreadsheet?): the caller cannot be identified',
        'answer_at: answer_at is before queue_entry_at',
        'end_at: end_at is before arrival_at; queue_entry_at: queue_entry_at is before arrival_at',
        'negative vru_time (N s): vru_exit N is before vru_entry N',
        'outcome AGENT without service times (ser_start N): when the call was answered and when it ended are unknown',
        'outcome HANG but server X is recorded',
      ].sort(),
    );
  });
});
