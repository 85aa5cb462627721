import { emptyForecast, openSlots, type DayFlags, type ForecastModel, type TrainingData } from './model.ts';

/**
 * The last `count` known values of each (weekday, slot), most recent first. A missing day is skipped, so
 * "one week earlier" falls back to two weeks earlier when last week's value is unknown.
 */
function recentSameSlot(train: TrainingData, weekday: number, slot: number, count: number): number[] {
  const out: number[] = [];
  for (let i = train.days.length - 1; i >= 0 && out.length < count; i--) {
    const day = train.days[i]!;
    if (day.weekday !== weekday) continue;
    const v = day.values[slot]!;
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** A forecast that summarizes the last `weeks` values of the same weekday and slot. */
function sameSlotModel(
  name: string,
  summary: string,
  weeks: number,
  summarize: (values: number[]) => number,
): ForecastModel {
  return {
    name,
    summary,
    targets: ['volume', 'aht'],
    applicable: (train) => train.days.some((d) => d.values.some(Number.isFinite)),
    fit(train: TrainingData, horizon: DayFlags[]) {
      const values = emptyForecast(train.shape, horizon);
      const cache = new Map<number, Float64Array>();
      horizon.forEach((day, h) => {
        let row = cache.get(day.weekday);
        if (!row) {
          row = new Float64Array(train.shape.slotStarts.length);
          for (const j of openSlots(train.shape, day.weekday)) {
            const v = summarize(recentSameSlot(train, day.weekday, j, weeks));
            row[j] = Number.isFinite(v) ? v : 0;
          }
          cache.set(day.weekday, row);
        }
        values[h]!.set(row);
      });
      return { values, params: { weeks } };
    },
  };
}

/** Same interval one week earlier (for longer horizons, the last known week repeated). */
export const seasonalNaive = sameSlotModel('seasonal-naive', 'same interval one week earlier', 1, (v) => v[0] ?? NaN);

/** Mean of the same interval over the last 4 weeks. */
export const mean4Weeks = sameSlotModel('mean-4w', 'mean of the same interval over the last 4 weeks', 4, mean);

/** Median of the same interval over the last 4 weeks. */
export const median4Weeks = sameSlotModel('median-4w', 'median of the same interval over the last 4 weeks', 4, median);
