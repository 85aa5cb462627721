/**
 * Times: several formats in one file, each parsed to the right local wall clock and UTC instant; wall-clock
 * times in a zone with daylight saving (the spring-forward gap and the ambiguous fall-back hour).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../core/db.ts';
import { type Workspace, reconcile, rejectsOf, workspace } from './helpers.ts';

/** Wall clock of an instant in a zone, as YYYY-MM-DD HH:MM:SS(.fff), computed by the platform's time-zone data. */
function wallClock(instant: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const ms = instant.getUTCMilliseconds();
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}

const utcText = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '').replace(/\.000$/, '');

describe('time formats', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.close());

  async function timesOf(id: number | null): Promise<Record<string, { local: string; utc: string }>> {
    const rows = await queryRows<{ contact_id: string; local: string; utc: string }>(
      ws.db.conn,
      `SELECT contact_id, regexp_replace(strftime(arrival_at, '%Y-%m-%d %H:%M:%S.%g'), '\\.000$', '') AS local,
              regexp_replace(strftime(arrival_at_utc, '%Y-%m-%d %H:%M:%S.%g'), '\\.000$', '') AS utc
       FROM raw_acd_contacts WHERE _ingest_id = $id`,
      { id } as never,
    );
    return Object.fromEntries(rows.map((r) => [r.contact_id, { local: r.local, utc: r.utc }]));
  }

  it('ISO with T and offset, YYYY/MM/DD HH:MM, epoch seconds and milliseconds, US AM/PM: exact local and UTC times', async () => {
    // The session zone of the connection must not matter: only the file's zone (--tz) does.
    await ws.db.conn.run("SET TimeZone = 'America/Los_Angeles'");
    const zone = 'Asia/Shanghai';
    const values: Record<string, string> = {
      iso_offset: '2024-03-01T09:00:00+02:00',
      iso_z_fraction: '2024-03-01T09:00:00.250Z',
      iso_offset_compact: '2024-03-01T23:30:00-0530',
      slashed: '2024/03/01 09:07',
      epoch_s: '1709283600',
      epoch_ms: '1709283600123',
      us_pm: '03/01/2024 09:05:07 PM',
      us_midnight: '03/01/2024 12:05:07 AM',
      plain: '2024-03-01 09:00:00',
    };
    // The same instants, worked out by hand (wall clock of Shanghai is UTC + 8 all year).
    const expected: Record<string, { local: string; utc: string }> = {
      iso_offset: { local: '2024-03-01 15:00:00', utc: '2024-03-01 07:00:00' },
      iso_z_fraction: { local: '2024-03-01 17:00:00.250', utc: '2024-03-01 09:00:00.250' },
      iso_offset_compact: { local: '2024-03-02 13:00:00', utc: '2024-03-02 05:00:00' },
      slashed: { local: '2024-03-01 09:07:00', utc: '2024-03-01 01:07:00' },
      epoch_s: { local: '2024-03-01 17:00:00', utc: '2024-03-01 09:00:00' },
      epoch_ms: { local: '2024-03-01 17:00:00.123', utc: '2024-03-01 09:00:00.123' },
      us_pm: { local: '2024-03-01 21:05:07', utc: '2024-03-01 13:05:07' },
      us_midnight: { local: '2024-03-01 00:05:07', utc: '2024-02-29 16:05:07' },
      plain: { local: '2024-03-01 09:00:00', utc: '2024-03-01 01:00:00' },
    };
    // Cross-check the hand-made instants with the platform where the input names its own instant.
    for (const k of ['iso_offset', 'iso_z_fraction'] as const) expect(utcText(new Date(values[k]!))).toBe(expected[k]!.utc);
    expect(utcText(new Date(Number(values.epoch_s) * 1000))).toBe(expected.epoch_s!.utc);
    expect(wallClock(new Date(Number(values.epoch_ms)), zone)).toBe(expected.epoch_ms!.local);

    const rows = Object.entries(values).map(([id, t]) => `${id},${t},${t}`);
    const r = await ws.ingest(ws.file('formats.csv', ['contact_id,arrival_at,end_at', ...rows, 'bad_day,2024-02-30 10:00:00,2024-02-30 10:00:00', ''].join('\n')), { timezone: zone });
    await reconcile(ws.db, r, { read: rows.length + 1, loaded: rows.length, rejected: 1, duplicate: 0 });
    expect(await timesOf(r.ingestId)).toEqual(expected);
    expect(await rejectsOf(ws.db, r.ingestId)).toMatchObject([
      { line: rows.length + 2, field: 'arrival_at', reason: 'arrival_at: unparseable time "2024-02-30 10:00:00"; end_at: unparseable time "2024-02-30 10:00:00"' },
    ]);
  });

  it('day-first slashed dates when asked', async () => {
    const r = await ws.ingest(ws.file('day-first.csv', 'contact_id,arrival_at,end_at\nx1,01/02/2024 10:00,01/02/2024 10:30\n'), { timezone: 'UTC', dayFirst: true });
    await reconcile(ws.db, r, { read: 1, loaded: 1, rejected: 0, duplicate: 0 });
    expect(await timesOf(r.ingestId)).toEqual({ x1: { local: '2024-02-01 10:00:00', utc: '2024-02-01 10:00:00' } });
  });

  it('America/New_York: a time in the spring-forward gap moves forward an hour; an ambiguous fall-back time is the second (standard-time) one', async () => {
    const zone = 'America/New_York';
    const values: Record<string, string> = {
      before_gap: '2024-03-10 01:59:59',
      in_gap: '2024-03-10 02:30:00', // clocks jump from 02:00 EST to 03:00 EDT: 02:30 never happened
      after_gap: '2024-03-10 03:00:00',
      ambiguous: '2024-11-03 01:30:00', // 01:00–02:00 happens twice: EDT, then EST
      first_pass: '2024-11-03T01:30:00-04:00', // an offset picks the first occurrence explicitly
      after_fallback: '2024-11-03 02:00:00',
      before_1970: '1965-07-01 12:00:00', // outside the precomputed offsets: DuckDB's ICU conversion
      after_2070: '2080-01-15 12:00:00',
    };
    const expectedUtc: Record<string, string> = {
      before_gap: '2024-03-10 06:59:59',
      in_gap: '2024-03-10 07:30:00', // read with the standard-time offset (-5) in force before the jump
      after_gap: '2024-03-10 07:00:00',
      ambiguous: '2024-11-03 06:30:00', // read as EST (-5)
      first_pass: '2024-11-03 05:30:00',
      after_fallback: '2024-11-03 07:00:00',
      before_1970: '1965-07-01 16:00:00', // EDT
      after_2070: '2080-01-15 17:00:00', // EST
    };
    const rows = Object.entries(values).map(([id, t]) => `${id},${t},${t}`);
    const r = await ws.ingest(ws.file('dst.csv', ['contact_id,arrival_at,end_at', ...rows].join('\n')), { timezone: zone });
    await reconcile(ws.db, r, { read: rows.length, loaded: rows.length, rejected: 0, duplicate: 0 });
    const got = await timesOf(r.ingestId);
    for (const [id, utc] of Object.entries(expectedUtc)) {
      // The stored local time is the wall clock of the stored instant, per the zone database.
      expect(got[id]).toEqual({ utc, local: wallClock(new Date(`${utc.replace(' ', 'T')}Z`), zone) });
    }
    // So the gap time is stored as the wall-clock time that really existed, an hour later; the others as written.
    expect(got.in_gap!.local).toBe('2024-03-10 03:30:00');
    expect(got.ambiguous!.local).toBe('2024-11-03 01:30:00');
    expect(got.first_pass!.local).toBe('2024-11-03 01:30:00');
  });

  it('time-order rules compare instants: a call across the autumn change is in order though its end reads earlier', async () => {
    // Arrives 01:50 EDT (05:50 UTC), ends 01:10 EST (06:10 UTC): 20 minutes later, at an earlier wall-clock time.
    const r = await ws.ingest(
      ws.file('fall-back.csv', 'contact_id,arrival_at,end_at\nfb1,2024-11-03T01:50:00-04:00,2024-11-03 01:10:00\nfb2,2024-11-03T01:50:00-04:00,2024-11-03T01:40:00-04:00\n'),
      { timezone: 'America/New_York' },
    );
    await reconcile(ws.db, r, { read: 2, loaded: 1, rejected: 1, duplicate: 0 });
    expect(Object.keys(await timesOf(r.ingestId))).toEqual(['fb1']);
    expect(await rejectsOf(ws.db, r.ingestId)).toMatchObject([{ line: 3, field: 'end_at', reason: 'end_at: end_at is before arrival_at' }]);
  });
});
