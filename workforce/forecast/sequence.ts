import type { DayFlags, TrainingData } from './model.ts';
import { openSlots } from './model.ts';
import type { GridShape } from './grid.ts';

/**
 * The training days as one sequence of open intervals (closed slots left out), with the horizon's positions in
 * the same order. Every week holds the same number of open intervals, so position mod `season` is the interval
 * of the week.
 */
export interface OpenSequence {
  y: Float64Array;
  season: number;
  /** 1 at the last open interval of each day: the points a planner forecasts from. */
  dayEnd: Uint8Array;
  /** Horizon positions: [horizon day index, slot] in sequence order. */
  horizonPositions: Array<[number, number]>;
}

export function openSequence(train: TrainingData, horizon: DayFlags[]): OpenSequence {
  const { shape } = train;
  const slotsOf = slotsByWeekday(shape);
  let n = 0;
  for (const d of train.days) n += slotsOf[d.weekday]!.length;
  const y = new Float64Array(n);
  const dayEnd = new Uint8Array(n);
  let t = 0;
  for (const d of train.days) {
    for (const j of slotsOf[d.weekday]!) y[t++] = d.values[j]!;
    if (t > 0) dayEnd[t - 1] = 1;
  }
  let season = 0;
  for (let w = 0; w < 7; w++) season += slotsOf[w]!.length;
  const horizonPositions: Array<[number, number]> = [];
  horizon.forEach((d, h) => {
    for (const j of slotsOf[d.weekday]!) horizonPositions.push([h, j]);
  });
  return { y, season, dayEnd, horizonPositions };
}

export function slotsByWeekday(shape: GridShape): number[][] {
  return Array.from({ length: 7 }, (_, w) => (shape.openWeekdays[w] ? openSlots(shape, w) : []));
}

/** Mean of the finite values in y[from, to). */
export function finiteMean(y: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let i = from; i < Math.min(to, y.length); i++) {
    const v = y[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count ? sum / count : NaN;
}
