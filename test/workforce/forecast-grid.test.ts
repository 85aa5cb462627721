import { describe, expect, it } from 'vitest';
import { Calendar, dayFlags } from '../../workforce/forecast/calendar.ts';
import { DAY_MS, MINUTE_MS, formatTimestamp, parseIsoDate, parseTimestamp } from '../../workforce/forecast/clock.ts';
import { parseCalendarCsv, parseHistoryCsv } from '../../workforce/forecast/csv.ts';
import { buildGrid, ForecastInputError, historyIntervalMinutes } from '../../workforce/forecast/grid.ts';

const monday = parseIsoDate('2003-03-03')!;
const at = (day: number, hh: number, mm: number) => day * DAY_MS + (hh * 60 + mm) * MINUTE_MS;

describe('aggregating a history onto the interval grid', () => {
  it('sums 5-min rows into 30-min intervals and weights AHT by volume', () => {
    const timestamps: number[] = [];
    const volumes: number[] = [];
    const ahts: number[] = [];
    for (let i = 0; i < 12; i++) {
      timestamps.push(at(monday, 7, 5 * i));
      volumes.push(i + 1);
      ahts.push(i < 3 ? 100 : i < 6 ? 200 : 300);
    }
    const grid = buildGrid({ timestamps, volumes, ahts }, 30);
    expect(grid.shape.slotStarts).toEqual([420, 450]);
    expect(grid.days).toHaveLength(1);
    // 1+…+6 = 21 and 7+…+12 = 57
    expect(Array.from(grid.days[0]!.volumes)).toEqual([21, 57]);
    // (100·(1+2+3) + 200·(4+5+6)) ÷ 21
    expect(grid.days[0]!.ahts[0]).toBeCloseTo(3600 / 21, 10);
    expect(grid.days[0]!.ahts[1]).toBeCloseTo(300, 10);
    expect(historyIntervalMinutes(timestamps)).toBe(5);
  });

  it('finds the open slots per weekday, fills absent rows with 0 and marks days without activity as unknown', () => {
    const rows: Array<[number, number]> = [];
    for (let week = 0; week < 3; week++) {
      for (let d = 0; d < 5; d++) {
        const day = monday + 7 * week + d;
        if (week === 1 && d === 2) continue; // a Wednesday with no rows at all
        rows.push([at(day, 9, 0), 10 + d]);
        if (d === 0 && week !== 2) rows.push([at(day, 10, 0), 5]); // a 10:00 slot only on Mondays, absent in week 3
      }
    }
    const grid = buildGrid({ timestamps: rows.map((r) => r[0]), volumes: rows.map((r) => r[1]) }, 60);
    expect(grid.shape.slotStarts).toEqual([540, 600]);
    expect(grid.shape.openWeekdays).toEqual([false, true, true, true, true, true, false]);
    expect(grid.shape.open[1]).toEqual([true, true]);
    expect(grid.shape.open[2]).toEqual([true, false]);
    expect(grid.days).toHaveLength(15); // every weekday of three weeks, including the one without rows
    const missing = grid.days.find((d) => d.dayNumber === monday + 9)!;
    expect(Number.isNaN(missing.volumes[0]!)).toBe(true);
    const thirdMonday = grid.days.find((d) => d.dayNumber === monday + 14)!;
    expect(Array.from(thirdMonday.volumes)).toEqual([10, 0]);
  });

  it('refuses interval widths the history cannot add up to', () => {
    const timestamps = [0, 20, 40, 60].map((m) => at(monday, 8, 0) + m * MINUTE_MS);
    const volumes = [1, 2, 3, 4];
    expect(() => buildGrid({ timestamps, volumes }, 30)).toThrow(/20 min apart/);
    expect(() => buildGrid({ timestamps, volumes }, 7)).toThrow(ForecastInputError);
    expect(buildGrid({ timestamps, volumes }, 60).days[0]!.volumes[0]).toBe(6);
  });
});

describe('history CSV', () => {
  it('reads the bank file layout (rownames,DateTime,Calls) and drops the Z with local', () => {
    const text = 'rownames,DateTime,Calls\n1,2003-03-03T07:00:00Z,111\n2,2003-03-03T07:05:00Z,113\n';
    const { series, utcClock } = parseHistoryCsv(text, { local: true });
    expect(utcClock).toBe(false);
    expect(series.timestamps).toEqual([at(monday, 7, 0), at(monday, 7, 5)]);
    expect(series.volumes).toEqual([111, 113]);
  });

  it('converts zoned timestamps to UTC without local, and keeps the wall clock with it', () => {
    const text = 'timestamp,volume,aht\n2003-03-03T07:00:00-05:00,10,180\n2003-03-03T07:30:00-05:00,12,\n';
    const utc = parseHistoryCsv(text, { local: false });
    expect(utc.utcClock).toBe(true);
    expect(utc.series.timestamps[0]).toBe(at(monday, 12, 0));
    expect(utc.series.ahts).toEqual([180, null]);
    const local = parseHistoryCsv(text, { local: true });
    expect(local.series.timestamps[0]).toBe(at(monday, 7, 0));
    expect(formatTimestamp(at(monday, 12, 0), true)).toBe('2003-03-03T12:00:00Z');
    expect(formatTimestamp(at(monday, 7, 0), false)).toBe('2003-03-03T07:00:00');
  });

  it('names the line and field of a bad row', () => {
    expect(() => parseHistoryCsv('timestamp,volume\n2003-03-03 07:00,5\n2003-03-03 07:30,abc\n', { local: false })).toThrow(
      /line 3, field "volume": "abc"/,
    );
    expect(() => parseHistoryCsv('timestamp,volume\n2003-02-30T07:00:00Z,5\n', { local: true })).toThrow(/line 2, field "timestamp"/);
    expect(() => parseHistoryCsv('timestamp,volume\n2003-03-03T07:00:00Z,-1\n', { local: true })).toThrow(/line 2, field "volume"/);
    expect(() => parseHistoryCsv('timestamp,volume,aht\n2003-03-03T07:00:00Z,1,x\n', { local: true })).toThrow(/line 2, field "aht"/);
    expect(() => parseHistoryCsv('when,volume\n2003-03-03T07:00:00Z,1\n', { local: true })).toThrow(/line 1/);
    expect(() => parseHistoryCsv('timestamp,volume\n2003-03-03T07:00:00Z,1\n2003-03-03T07:30:00,1\n', { local: false })).toThrow(
      /line 3.*mixes zoned/,
    );
  });

  it('parses timestamp variants', () => {
    expect(parseTimestamp('2003-03-03 07:05')).toEqual({ wallClock: at(monday, 7, 5), offsetMinutes: undefined });
    expect(parseTimestamp('2003-03-03T07:05:00+0130')?.offsetMinutes).toBe(90);
    expect(parseTimestamp('2003-03-03T24:00:00Z')).toBeUndefined();
  });
});

describe('calendar', () => {
  it('reads a calendar CSV and rejects unknown kinds', () => {
    const entries = parseCalendarCsv('date,kind,factor,name\n2003-07-04,holiday,,Independence Day\n2003-12-24,special,0.6,\n');
    expect(entries).toEqual([
      { date: '2003-07-04', kind: 'holiday', name: 'Independence Day' },
      { date: '2003-12-24', kind: 'special', factor: 0.6 },
    ]);
    expect(() => parseCalendarCsv('date,kind\n2003-07-04,party\n')).toThrow(/calendar line 2, field "kind"/);
  });

  it('ranks business days within the month around closed holidays', () => {
    const weekdays = [false, true, true, true, true, true, false];
    const none = new Calendar();
    const lastJune = dayFlags(parseIsoDate('2003-06-30')!, weekdays, none);
    expect(lastJune.businessDaysLeft).toBe(0);
    expect(lastJune.businessDay).toBe(21);
    expect(dayFlags(parseIsoDate('2003-07-01')!, weekdays, none).businessDay).toBe(1);
    const laborDay = new Calendar([{ date: '2003-09-01', kind: 'holiday' }]);
    const tuesday = dayFlags(parseIsoDate('2003-09-02')!, weekdays, laborDay);
    expect(tuesday.businessDay).toBe(1);
    expect(tuesday.afterClosure).toBe(true);
    expect(dayFlags(parseIsoDate('2003-09-01')!, weekdays, laborDay).businessDay).toBe(0);
    // Friday 4 July closed: the first open day after it is Monday 7 July.
    const july = new Calendar([{ date: '2003-07-04', kind: 'holiday' }]);
    expect(dayFlags(parseIsoDate('2003-07-07')!, weekdays, july).afterClosure).toBe(true);
    expect(july.forecastFactor(parseIsoDate('2003-07-04')!)).toBe(0);
    expect(new Calendar([{ date: '2003-07-04', kind: 'special' }]).forecastFactor(parseIsoDate('2003-07-04')!)).toBe(1);
  });
});
