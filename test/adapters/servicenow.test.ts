import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../core/db.ts';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, realdata, rejectedRows } from './harness.ts';

const event = (values: Record<string, string | null>) => blank('tickets', values);
const inc101 = { ticket_id: 'INC0000101', channel: 'voice', customer_id: 'Caller 17', priority: '2 - High', group_name: 'Group 9', assignee: 'Resolver 8' };

describe('servicenow fixture', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('servicenow_incidents.csv'), 'servicenow', 'UTC');
  });
  afterAll(() => t.close());

  test('one event per update row; same-minute updates are numbered in the seconds; ? is empty', async () => {
    expect(await loadedRows(t.db, 'tickets')).toEqual([
      event({ ...inc101, event_at: '2016-03-01 09:05:00', event_type: 'created', status: 'new', priority: '3 - Moderate', group_name: 'Group 7', assignee: null, _line: '2' }),
      event({ ...inc101, event_at: '2016-03-01 09:30:00', event_type: 'status_change', status: 'open', priority: '3 - Moderate', group_name: 'Group 7', assignee: 'Resolver 4', _line: '3' }),
      event({ ...inc101, event_at: '2016-03-01 09:30:01', event_type: 'assignment', status: 'open', priority: '3 - Moderate', assignee: null, _line: '4' }),
      event({ ...inc101, event_at: '2016-03-01 09:30:02', event_type: 'assignment', status: 'open', priority: '3 - Moderate', _line: '5' }),
      event({ ...inc101, event_at: '2016-03-01 10:15:00', event_type: 'update', status: 'open', _line: '6' }),
      event({ ...inc101, event_at: '2016-03-02 14:00:00', event_type: 'status_change', status: 'resolved', _line: '7' }),
      // reopen_count rises from 0 to 1.
      event({ ...inc101, event_at: '2016-03-03 08:10:00', event_type: 'status_change', status: 'reopened', _line: '8' }),
      event({ ...inc101, event_at: '2016-03-03 16:45:00', event_type: 'status_change', status: 'resolved', _line: '9' }),
      event({ ...inc101, event_at: '2016-03-08 17:00:00', event_type: 'status_change', status: 'closed', _line: '10' }),
      event({ ticket_id: 'INC0000102', event_at: '2016-02-29 23:55:00', event_type: 'created', status: 'open', channel: 'email', priority: '4 - Low', _line: '11' }),
      event({ ticket_id: 'INC0000102', event_at: '2016-03-01 00:20:00', event_type: 'status_change', status: 'pending', channel: 'email', priority: '4 - Low', _line: '12' }),
      event({ ticket_id: 'INC0000103', event_at: '2016-03-02 10:01:00', event_type: 'created', status: 'new', channel: 'voice', customer_id: 'Caller 5', group_name: 'Group 1', priority: '3 - Moderate', _line: '13' }),
      event({ ticket_id: 'INC0000103', event_at: '2016-03-02 12:30:00', event_type: 'status_change', status: 'on_hold', channel: 'voice', customer_id: 'Caller 5', group_name: 'Group 1', assignee: 'Resolver 2', priority: '3 - Moderate', _line: '16' }),
    ]);
  });

  test('unknown states and impossible dates are rejected with the line', async () => {
    expect((await rejectedRows(t.db)).map(({ line, field, reason }) => ({ line, field, reason }))).toEqual([
      { line: 14, field: 'status', reason: 'incident_state "-100" is not a known incident state' },
      { line: 15, field: 'event_at', reason: 'sys_updated_at "31/2/2016 12:00" is not a D/M/YYYY HH:MM time' },
    ]);
    await expectReconciled(t.db, results);
  });
});

describe('servicenow on the real incident event log (UCI #498)', () => {
  let t: TestDb;
  let results: FileResult[];
  let rows: string[][];
  let header: string[];
  beforeAll(async () => {
    const path = realdata('tickets-servicenow-2016', 'incident_event_log.csv.gz');
    const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
    header = lines[0]!.split(',');
    rows = lines.slice(1).map((l) => l.split(','));
    t = await openTestDb();
    results = await ingest(t.db, path, 'servicenow', 'UTC');
  });
  afterAll(() => t.close());

  test('20,769 incidents come out, each with exactly one created event', async () => {
    const incidents = new Set(rows.map((r) => r[0]));
    expect(incidents.size).toBe(20_769);
    const [got] = await queryRows<{ tickets: number; created: number; created_tickets: number }>(
      t.db.conn,
      `SELECT count(DISTINCT ticket_id) AS tickets, count(*) FILTER (WHERE event_type = 'created') AS created,
              count(DISTINCT ticket_id) FILTER (WHERE event_type = 'created') AS created_tickets FROM raw_ticket_events`,
    );
    expect(got).toEqual({ tickets: 20_769, created: 20_769, created_tickets: 20_769 });
  });

  test('reconciles: 119,998 update rows = loaded + rejected + duplicates; per incident, rows = events + rejected rows', async () => {
    expect(rows.length).toBe(119_998);
    expect(results[0]!.rowsRead).toBe(119_998);
    await expectReconciled(t.db, results);
    const fromFile = new Map<string, number>();
    for (const r of rows) fromFile.set(r[0]!, (fromFile.get(r[0]!) ?? 0) + 1);
    const counted = new Map<string, number>();
    for (const r of await queryRows<{ id: string; n: number }>(t.db.conn, 'SELECT ticket_id AS id, count(*) AS n FROM raw_ticket_events GROUP BY 1')) counted.set(r.id, r.n);
    for (const r of await rejectedRows(t.db)) {
      const id = r.raw!.split(',')[0]!;
      counted.set(id, (counted.get(id) ?? 0) + 1);
    }
    expect([...counted].sort()).toEqual([...fromFile].sort());
  });

  test('statuses follow incident_state: New, Resolved and Closed one to one', async () => {
    const state = header.indexOf('incident_state');
    const tally = (s: string) => rows.filter((r) => r[state] === s).length;
    const loaded = new Map((await queryRows<{ status: string; n: number }>(t.db.conn, 'SELECT status, count(*) AS n FROM raw_ticket_events GROUP BY 1')).map((r) => [r.status, r.n]));
    expect(loaded.get('new')).toBe(tally('New'));
    expect(loaded.get('resolved')).toBe(tally('Resolved'));
    expect(loaded.get('closed')).toBe(tally('Closed'));
    const rest = ['Active', 'Awaiting User Info', 'Awaiting Vendor', 'Awaiting Problem', 'Awaiting Evidence'].reduce((s, x) => s + tally(x), 0);
    expect((loaded.get('open') ?? 0) + (loaded.get('reopened') ?? 0) + (loaded.get('pending') ?? 0) + (loaded.get('on_hold') ?? 0)).toBe(rest);
    expect(loaded.get('reopened')).toBeGreaterThan(0);
  });
});
