import { describe, expect, it } from 'vitest';
import { wape } from '../../workforce/forecast/accuracy.ts';
import { Calendar } from '../../workforce/forecast/calendar.ts';
import { DAY_MS, dayNumberOf, minuteOfDay, parseIsoDate, weekdayOf } from '../../workforce/forecast/clock.ts';
import { doubleSeasonalHoltWinters, runDoubleSeasonal } from '../../workforce/forecast/doubleSeasonal.ts';
import { forecastSeries } from '../../workforce/forecast/forecastSeries.ts';
import type { IntervalSeries } from '../../workforce/forecast/grid.ts';
import { runHoltWinters } from '../../workforce/forecast/holtWinters.ts';
import { MODELS, modelByName } from '../../workforce/forecast/models.ts';
import { horizonDays, prepareSeries, trainingBefore } from '../../workforce/forecast/prepare.ts';
import { syntheticSeries } from '../../workforce/forecast/synthetic.ts';

const monday = parseIsoDate('2003-03-03')!;
const DAY_FACTOR = [0, 1.3, 1.1, 1, 1, 0.9, 0.5];

/** Weekdays 08:00–18:00, Saturdays 09:00–13:00, Sundays closed; a two-peak weekday profile. */
function trueMean(_day: number, weekday: number, minute: number): number {
  const h = minute / 60;
  if (weekday === 0) return 0;
  if (weekday === 6) return h >= 9 && h < 13 ? 40 * DAY_FACTOR[6]! : 0;
  if (h < 8 || h >= 18) return 0;
  const shape = 0.6 + 0.8 * Math.exp(-(((h - 10.5) / 1.5) ** 2)) + 0.5 * Math.exp(-(((h - 15) / 1.5) ** 2));
  return 40 * DAY_FACTOR[weekday]! * shape;
}

const trueAht = (minute: number) => (minute < 12 * 60 ? 240 : 300);

function history(weeks: number, seed = 7): IntervalSeries {
  return syntheticSeries(
    {
      startDay: monday,
      days: 7 * weeks,
      stepMinutes: 15,
      mean: trueMean,
      aht: (_d, _w, minute, random) => trueAht(minute) + 60 * (random() - 0.5),
    },
    seed,
  );
}

/** The true mean of each forecast interval (15-min rows already match the grid). */
function truthOf(starts: number[]): number[] {
  return starts.map((t) => trueMean(dayNumberOf(t), weekdayOf(dayNumberOf(t)), minuteOfDay(t)));
}

describe('models recover a known weekly and intraday structure', () => {
  const series = history(12);
  const prepared = prepareSeries(series, 15, new Calendar());
  const train = trainingBefore(prepared, 'volume', prepared.lastDay + 1);
  const horizon = horizonDays(prepared, prepared.lastDay + 1, 7);

  function errorAgainstTruth(name: string): number {
    const fit = modelByName(name)!.fit(train, horizon);
    const actual: number[] = [];
    const forecast: number[] = [];
    horizon.forEach((day, h) => {
      prepared.shape.slotStarts.forEach((start, j) => {
        if (!prepared.shape.open[day.weekday]![j]) return;
        actual.push(trueMean(day.dayNumber, day.weekday, start));
        forecast.push(fit.values[h]![j]!);
      });
    });
    return wape(actual, forecast);
  }

  it('the grid has the true open hours: 40 weekday and 16 Saturday intervals', () => {
    expect(prepared.shape.open[1]!.filter(Boolean)).toHaveLength(40);
    expect(prepared.shape.open[6]!.filter(Boolean)).toHaveLength(16);
    expect(prepared.shape.openWeekdays[0]).toBe(false);
    expect(horizon.map((d) => d.weekday).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('smoothing models land far closer to the true mean than one week of noise does', () => {
    const naive = errorAgainstTruth('seasonal-naive');
    // One Poisson draw per interval at means of 20–80: about 12% away from the truth.
    expect(naive).toBeGreaterThan(0.09);
    expect(errorAgainstTruth('daily-profile')).toBeLessThan(0.05);
    expect(errorAgainstTruth('double-seasonal-hw')).toBeLessThan(0.06);
    expect(errorAgainstTruth('holt-winters-additive')).toBeLessThan(0.08);
    expect(errorAgainstTruth('holt-winters-multiplicative')).toBeLessThan(0.08);
    expect(errorAgainstTruth('mean-4w')).toBeLessThan(0.08);
  });

  it('every model forecasts 0 on closed slots and nothing negative', () => {
    for (const model of MODELS) {
      const fit = model.fit(train, horizon);
      horizon.forEach((day, h) => {
        prepared.shape.open[day.weekday]!.forEach((open, j) => {
          const v = fit.values[h]![j]!;
          expect(Number.isFinite(v) && v >= 0, `${model.name}`).toBe(true);
          if (!open) expect(v, `${model.name} closed slot`).toBe(0);
        });
      });
    }
  });
});

describe('Holt-Winters recursions', () => {
  it('forecast a noiseless weekly pattern exactly (additive and multiplicative)', () => {
    const pattern = [5, 9, 14, 7, 3, 11];
    const y = Float64Array.from({ length: 6 * 5 }, (_, t) => 100 + pattern[t % 6]!);
    for (const seasonality of ['additive', 'multiplicative'] as const) {
      const s = runHoltWinters(y, 6, seasonality, { alpha: 0.3, beta: 0.1, gamma: 0.2 });
      expect(s.sse).toBeLessThan(1e-12);
      for (let h = 0; h < 6; h++) {
        const f = seasonality === 'additive' ? s.level + s.trend + s.seasonal[h]! : (s.level + s.trend) * s.seasonal[h]!;
        expect(f).toBeCloseTo(100 + pattern[h]!, 8);
      }
    }
  });

  it('double-seasonal recursions reproduce a noiseless day × week pattern', () => {
    const day = [1, 3, 2];
    const week = [1, 1.2, 0.8, 1.1, 0.9, 1, 1.3, 0.7, 1, 1, 1.1, 0.9];
    const y = Float64Array.from({ length: 12 * 4 }, (_, t) => 50 * day[t % 3]! * week[t % 12]!);
    const s = runDoubleSeasonal(y, 3, 12, 'multiplicative', { alpha: 0.2, delta: 0.2, omega: 0.2, phi: 0.5 });
    expect(s.sse).toBeLessThan(1e-9);
    for (let t = y.length; t < y.length + 12; t++) {
      expect(s.level * s.day[t % 3]! * s.week[t % 12]!).toBeCloseTo(50 * day[t % 3]! * week[t % 12]!, 6);
    }
    expect(doubleSeasonalHoltWinters.targets).toContain('aht');
  });
});

describe('forecastSeries', () => {
  const series = history(12);

  it('returns every open interval of the horizon with ordered bands, the method and its backtest', () => {
    const result = forecastSeries(series, { intervalMinutes: 15, horizonDays: 7 });
    expect(result.intervals).toHaveLength(5 * 40 + 16);
    expect(result.openIntervalsPerWeek).toBe(216);
    for (const row of result.intervals) {
      expect(Number.isFinite(row.forecast) && row.forecast >= 0).toBe(true);
      expect(row.lower).toBeLessThanOrEqual(row.forecast);
      expect(row.upper).toBeGreaterThanOrEqual(row.forecast);
    }
    expect(result.volume.accuracy).not.toBeNull();
    expect(result.volume.accuracy!.origins).toBe(4);
    expect(result.volume.candidates.length).toBeGreaterThanOrEqual(7);
    const best = result.volume.candidates[0]!;
    expect(result.volume.accuracy!.wape).toBeCloseTo(best.wape, 12);
    // A Poisson series has no structure beyond its mean: the chosen forecast sits near the truth.
    const truth = truthOf(result.intervals.map((r) => r.start));
    expect(wape(truth, result.intervals.map((r) => r.forecast))).toBeLessThan(0.06);
    // About 80% of fresh draws from the truth fall inside the 80% band.
    const fresh = syntheticSeries({ startDay: monday + 84, days: 7, stepMinutes: 15, mean: trueMean }, 99);
    const drawAt = new Map(fresh.timestamps.map((t, i) => [t, fresh.volumes[i]!]));
    const inside = result.intervals.filter((r) => r.lower <= drawAt.get(r.start)! && drawAt.get(r.start)! <= r.upper).length;
    expect(inside / result.intervals.length).toBeGreaterThan(0.65);
    expect(inside / result.intervals.length).toBeLessThan(0.95);
  });

  it('forecasts AHT next to volume when the history has it', () => {
    const result = forecastSeries(series, { intervalMinutes: 30, horizonDays: 7 });
    expect(result.aht).toBeDefined();
    expect(result.intervals).toHaveLength(5 * 20 + 8);
    for (const row of result.intervals) {
      const truth = trueAht(minuteOfDay(row.start));
      expect(Math.abs(row.ahtForecast! - truth) / truth).toBeLessThan(0.1);
    }
  });

  it('honours a named method and refuses an unknown one', () => {
    expect(forecastSeries(series, { intervalMinutes: 60, horizonDays: 3, model: 'median-4w' }).volume.name).toBe('median-4w');
    expect(() => forecastSeries(series, { intervalMinutes: 60, horizonDays: 3, model: 'prophet' })).toThrow(/unknown volume method/);
  });
});

describe('holidays and special days', () => {
  const series = history(10, 11);
  const lastDay = dayNumberOf(Math.max(...series.timestamps));
  const nextMonday = lastDay + 2; // the history ends on a Saturday
  const iso = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);

  function scaleDay(s: IntervalSeries, day: number, factor: number): IntervalSeries {
    return { timestamps: s.timestamps, volumes: s.volumes.map((v, i) => (dayNumberOf(s.timestamps[i]!) === day ? v * factor : v)) };
  }
  function dropDay(s: IntervalSeries, day: number): IntervalSeries {
    const keep = s.timestamps.map((t) => dayNumberOf(t) !== day);
    return { timestamps: s.timestamps.filter((_, i) => keep[i]), volumes: s.volumes.filter((_, i) => keep[i]) };
  }
  const mondayRows = (rows: { start: number; forecast: number }[], day: number) => rows.filter((r) => dayNumberOf(r.start) === day).map((r) => r.forecast);

  it('a closed holiday in the history is not learned from', () => {
    const holiday = lastDay - 12; // a Monday two weeks back
    expect(weekdayOf(holiday)).toBe(1);
    const skeletonStaff = scaleDay(series, holiday, 0.1);
    const calendar = [{ date: iso(holiday), kind: 'holiday' as const }];
    const withCalendar = forecastSeries(skeletonStaff, { intervalMinutes: 60, horizonDays: 7, model: 'mean-4w', calendar });
    const dayRemoved = forecastSeries(dropDay(series, holiday), { intervalMinutes: 60, horizonDays: 7, model: 'mean-4w' });
    const ignored = forecastSeries(skeletonStaff, { intervalMinutes: 60, horizonDays: 7, model: 'mean-4w' });
    expect(mondayRows(withCalendar.intervals, nextMonday)).toEqual(mondayRows(dayRemoved.intervals, nextMonday));
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    expect(sum(mondayRows(ignored.intervals, nextMonday))).toBeLessThan(0.85 * sum(mondayRows(withCalendar.intervals, nextMonday)));
  });

  it('a holiday with a factor is learned from after dividing by the factor', () => {
    const halfDay = lastDay - 12;
    const halved = scaleDay(series, halfDay, 0.5);
    const calendar = [{ date: iso(halfDay), kind: 'holiday' as const, factor: 0.5 }];
    const normalized = forecastSeries(halved, { intervalMinutes: 60, horizonDays: 7, model: 'mean-4w', calendar });
    const plain = forecastSeries(series, { intervalMinutes: 60, horizonDays: 7, model: 'mean-4w' });
    const a = mondayRows(normalized.intervals, nextMonday);
    const b = mondayRows(plain.intervals, nextMonday);
    expect(a.length).toBe(10);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 9));
  });

  it('a closed holiday in the horizon has no rows; a special day is scaled by its factor', () => {
    const calendar = [
      { date: iso(nextMonday), kind: 'holiday' as const },
      { date: iso(nextMonday + 1), kind: 'special' as const, factor: 1.5 },
    ];
    const plain = forecastSeries(series, { intervalMinutes: 60, horizonDays: 7, model: 'daily-profile' });
    const marked = forecastSeries(series, { intervalMinutes: 60, horizonDays: 7, model: 'daily-profile', calendar });
    expect(marked.closedDays).toEqual([iso(nextMonday)]);
    expect(mondayRows(marked.intervals, nextMonday)).toEqual([]);
    expect(marked.intervals.length).toBe(plain.intervals.length - 10);
    const tuesdayPlain = mondayRows(plain.intervals, nextMonday + 1);
    const tuesdayMarked = mondayRows(marked.intervals, nextMonday + 1);
    expect(tuesdayMarked.length).toBe(10);
    // The day after a closure carries no learned effect here (no closure in the history), so only the factor acts.
    tuesdayMarked.forEach((v, i) => expect(v).toBeCloseTo(1.5 * tuesdayPlain[i]!, 6));
  });

  it('learns a month-turn effect on the first business day of the month', () => {
    const start = parseIsoDate('2003-01-06')!;
    const withMonthStart = syntheticSeries(
      {
        startDay: start,
        days: 7 * 30,
        stepMinutes: 60,
        mean: (day, weekday, minute) => {
          const base = trueMean(day, weekday, minute);
          // Saturdays are open here, so only a Sunday 1st moves the first business day (to Monday the 2nd).
          const date = new Date(day * DAY_MS).getUTCDate();
          const firstBusiness = weekday !== 0 && (date === 1 || (date === 2 && weekday === 1));
          return firstBusiness ? base * 1.3 : base;
        },
      },
      5,
    );
    const result = forecastSeries(withMonthStart, { intervalMinutes: 60, horizonDays: 7, model: 'daily-profile' });
    const p = result.volume.params;
    // log 1.3 = 0.26, shrunk toward 0 by 2 days of weight against 6 month starts: ≈ 0.2.
    expect(p.monthFirstEffect as number).toBeGreaterThan(0.15);
    expect(p.monthFirstEffect as number).toBeLessThan(0.3);
    expect(Math.abs(p.monthThirdEffect as number)).toBeLessThan(0.05);
  });
});

