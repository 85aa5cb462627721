import { describe, expect, it } from 'vitest';
import { mae, mase, seasonalNaiveScale, wape, weeklyNaiveScale } from '../../workforce/forecast/accuracy.ts';
import { mean4Weeks, median4Weeks, seasonalNaive } from '../../workforce/forecast/baselines.ts';
import { parseIsoDate, weekdayOf } from '../../workforce/forecast/clock.ts';
import type { GridShape } from '../../workforce/forecast/grid.ts';
import type { DayFlags, ModelDay, TrainingData } from '../../workforce/forecast/model.ts';
import { normalQuantile, quantile } from '../../workforce/forecast/intervals.ts';
import { nelderMead } from '../../workforce/forecast/optimize.ts';

const monday = parseIsoDate('2003-03-03')!;

function flags(dayNumber: number): DayFlags {
  return { dayNumber, weekday: weekdayOf(dayNumber), businessDay: 0, businessDaysLeft: 0, afterClosure: false, listed: false };
}

/** One 09:00 slot, open on Mondays only, so each grid day is one Monday. */
function mondaysOnly(values: number[][]): TrainingData {
  const open = Array.from({ length: 7 }, (_, w) => values[0]!.map(() => w === 1));
  const shape: GridShape = {
    intervalMinutes: 60,
    slotStarts: values[0]!.map((_, j) => 540 + 60 * j),
    open,
    openWeekdays: open.map((row) => row.some(Boolean)),
  };
  const days: ModelDay[] = values.map((v, i) => ({ ...flags(monday + 7 * i), values: Float64Array.from(v) }));
  return { shape, target: 'volume', days };
}

describe('WAPE and MASE', () => {
  it('WAPE = Σ|a − f| ÷ Σ a', () => {
    // |10−12| + |20−18| + |30−33| + |40−40| = 7 over Σa = 100
    expect(wape([10, 20, 30, 40], [12, 18, 33, 40])).toBeCloseTo(0.07, 12);
    expect(wape([0, 0], [1, 2])).toBeNaN();
  });

  it('MASE divides the MAE by the in-sample error of the seasonal naive', () => {
    // season 2 over 5 7 6 9 8 10: |6−5| |9−7| |8−6| |10−9| → mean 1.5
    const scale = seasonalNaiveScale([5, 7, 6, 9, 8, 10], 2);
    expect(scale).toBeCloseTo(1.5, 12);
    expect(mae([10, 20, 30, 40], [12, 18, 33, 40])).toBeCloseTo(1.75, 12);
    expect(mase([10, 20, 30, 40], [12, 18, 33, 40], scale)).toBeCloseTo(1.75 / 1.5, 12);
  });

  it('the weekly naive scale pairs each open interval with the same interval 7 days earlier, skipping unknowns', () => {
    // Mondays 10, 14, NaN, 11, 17: pairs (10,14) and (11,17) → (4 + 6) / 2
    const train = mondaysOnly([[10], [14], [NaN], [11], [17]]);
    expect(weeklyNaiveScale(train)).toBeCloseTo(5, 12);
  });
});

describe('planner baselines', () => {
  // Mondays, oldest first; the last-but-one week is unknown (a missing day).
  const train = mondaysOnly([[10, 1], [20, 2], [40, 4], [90, 9], [30, 3], [NaN, NaN]]);
  const next = [flags(monday + 7 * 6), flags(monday + 7 * 7)];

  it('seasonal naive repeats the last known same interval', () => {
    const f = seasonalNaive.fit(train, next).values;
    expect(Array.from(f[0]!)).toEqual([30, 3]);
    expect(Array.from(f[1]!)).toEqual([30, 3]);
  });

  it('4-week mean and median use the last four known values of the same weekday and interval', () => {
    // last four known: 30, 90, 40, 20 → mean 45, median (30 + 40) / 2 = 35
    expect(Array.from(mean4Weeks.fit(train, next).values[0]!)).toEqual([45, 4.5]);
    expect(Array.from(median4Weeks.fit(train, next).values[0]!)).toEqual([35, 3.5]);
  });

  it('closed weekdays get no forecast', () => {
    const tuesday = flags(monday + 7 * 6 + 1);
    // Tuesdays are closed in this grid: every slot stays 0.
    expect(Array.from(mean4Weeks.fit(train, [tuesday]).values[0]!)).toEqual([0, 0]);
  });
});

describe('numeric helpers', () => {
  it('normal quantiles match the table', () => {
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('quantiles interpolate between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
  });

  it('Nelder–Mead finds the minimum of a quadratic', () => {
    const { x } = nelderMead((p) => (p[0]! - 3) ** 2 + 2 * (p[1]! + 1) ** 2, [0, 0], { maxEvaluations: 500, tolerance: 1e-12 });
    expect(x[0]).toBeCloseTo(3, 3);
    expect(x[1]).toBeCloseTo(-1, 3);
  });
});
