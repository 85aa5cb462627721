import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../core/db.ts';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, realdata, rejectedRows } from './harness.ts';

const event = (values: Record<string, string | null>) => blank('tickets', values);

describe('socrata-311 fixture', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('nyc311_requests.csv'), 'socrata-311', 'America/New_York');
  });
  afterAll(() => t.close());

  test('a created event per request and a status event at its Closed Date when it has one', async () => {
    const r1 = { ticket_id: '41000001', channel: 'voice', group_name: 'DSNY', due_at: '2019-03-07 08:15:30', subject: 'Missed Collection: Recycling - Paper', _line: '2' };
    const r4 = { ticket_id: '41000004', channel: 'app', group_name: 'NYPD', due_at: '2019-03-05 20:00:00', subject: 'Noise - Street/Sidewalk', _line: '5' };
    const r5 = { ticket_id: '41000005', group_name: 'DEP', subject: 'Water System: Leak (Use Comments) (WA2)', _line: '6' };
    const r7 = { ticket_id: '41000007', channel: 'voice', group_name: 'DPR', subject: 'Damaged Tree: Branch Cracked and Will Fall', _line: '8' };
    expect(await loadedRows(t.db, 'tickets')).toEqual([
      event({ ...r1, event_at: '2019-03-04 08:15:30', event_type: 'created', status: 'new' }),
      event({ ...r1, event_at: '2019-03-04 14:40:00', event_type: 'status_change', status: 'closed' }),
      // No Closed Date: only the created event.
      event({ ticket_id: '41000002', channel: 'web', group_name: 'HPD', subject: 'HEAT/HOT WATER: ENTIRE BUILDING', event_at: '2019-03-04 23:59:59', event_type: 'created', status: 'new', _line: '3' }),
      // Its Closed Date is before its Created Date: the closing event is rejected, the request still loads.
      event({ ticket_id: '41000003', channel: 'voice', group_name: 'DOT', subject: 'Street Condition: Pothole', event_at: '2019-01-31 10:18:00', event_type: 'created', status: 'new', _line: '4' }),
      event({ ...r4, event_at: '2019-03-05 12:00:00', event_type: 'created', status: 'new' }),
      event({ ...r4, event_at: '2019-03-05 12:00:00', event_type: 'status_change', status: 'closed' }),
      // Channel UNKNOWN names none; Status Assigned at the Closed Date is open.
      event({ ...r5, event_at: '2019-03-06 00:30:00', event_type: 'created', status: 'new' }),
      event({ ...r5, event_at: '2019-03-08 09:00:00', event_type: 'status_change', status: 'open' }),
      // A quoted Resolution Description spanning two lines.
      event({ ...r7, event_at: '2019-03-07 21:05:00', event_type: 'created', status: 'new' }),
      event({ ...r7, event_at: '2019-03-09 10:10:10', event_type: 'status_change', status: 'closed' }),
    ]);
  });

  test('bad dates are rejected with the line', async () => {
    expect((await rejectedRows(t.db)).map(({ line, field, reason }) => ({ line, field, reason }))).toEqual([
      { line: 4, field: 'event_at', reason: 'Closed Date 01/29/2019 10:17:00 AM is before Created Date 01/31/2019 10:18:00 AM (status Pending): the closing event is not loaded' },
      { line: 7, field: 'event_at', reason: 'Created Date "13/45/2019 10:00:00 AM" is not a MM/DD/YYYY hh:mm:ss AM/PM time' },
    ]);
    await expectReconciled(t.db, results);
    expect(results[0]!.rowsRead).toBe(12);
  });
});

describe('socrata-311 on the real NYC 311 sample', () => {
  let t: TestDb;
  let results: FileResult[];
  const path = realdata('tickets-nyc311-sample', '311_Service_Requests.csv');
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, path, 'socrata-311', 'America/New_York');
  });
  afterAll(() => t.close());

  test('1,000 requests, each created once; every Closed Date gives a loaded or a rejected closing event', async () => {
    // Tallied by DuckDB's own CSV reader, independently of the adapter.
    const [file] = await queryRows<{ requests: number; closed: number }>(
      t.db.conn,
      `SELECT count(*) AS requests, count("Closed Date") AS closed FROM read_csv('${path}', all_varchar = true, header = true)`,
    );
    expect(file!.requests).toBe(1_000);
    const [got] = await queryRows<{ requests: number; created: number; closing: number }>(
      t.db.conn,
      `SELECT count(DISTINCT ticket_id) AS requests, count(*) FILTER (WHERE event_type = 'created') AS created,
              count(*) FILTER (WHERE event_type = 'status_change') AS closing FROM raw_ticket_events`,
    );
    const rejected = await rejectedRows(t.db);
    expect(got!.requests).toBe(1_000);
    expect(got!.created).toBe(1_000);
    expect(got!.closing + rejected.length).toBe(file!.closed);
    expect(rejected.every((r) => r.reason.startsWith('Closed Date') && r.reason.includes('is before Created Date'))).toBe(true);
    expect(results[0]!.rowsRead).toBe(file!.requests + file!.closed);
    await expectReconciled(t.db, results);
  });

  test('requests without a Closed Date stay open (created event only)', async () => {
    const [file] = await queryRows<{ open: number }>(t.db.conn, `SELECT count(*) AS open FROM read_csv('${path}', all_varchar = true, header = true) WHERE "Closed Date" IS NULL`);
    const [got] = await queryRows<{ open: number }>(
      t.db.conn,
      `SELECT count(*) AS open FROM (SELECT ticket_id FROM raw_ticket_events GROUP BY 1 HAVING count(*) = 1) x`,
    );
    const rejectedClosing = (await rejectedRows(t.db)).length;
    expect(file!.open).toBe(14);
    expect(got!.open).toBe(file!.open + rejectedClosing);
  });
});
