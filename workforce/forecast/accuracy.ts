import type { ModelDay, TrainingData } from './model.ts';

/** Weighted absolute percentage error: Σ|actual − forecast| ÷ Σ actual (NaN when nothing was actual). */
export function wape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let err = 0;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    err += Math.abs(actual[i]! - forecast[i]!);
    sum += actual[i]!;
  }
  return sum > 0 ? err / sum : NaN;
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let err = 0;
  for (let i = 0; i < actual.length; i++) err += Math.abs(actual[i]! - forecast[i]!);
  return actual.length ? err / actual.length : NaN;
}

/** Mean |y_t − y_{t−season}| over a plain series: the in-sample error of the seasonal naive forecast. */
export function seasonalNaiveScale(y: ArrayLike<number>, season: number): number {
  let sum = 0;
  let count = 0;
  for (let t = season; t < y.length; t++) {
    const d = y[t]! - y[t - season]!;
    if (Number.isFinite(d)) (sum += Math.abs(d)), count++;
  }
  return count ? sum / count : NaN;
}

/**
 * MASE scale of grid training data: mean |y − same interval one week (7 calendar days) earlier| over the open
 * intervals where both values are known.
 */
export function weeklyNaiveScale(train: TrainingData | { shape: TrainingData['shape']; days: ModelDay[] }): number {
  const byDay = new Map<number, ModelDay>();
  for (const d of train.days) byDay.set(d.dayNumber, d);
  let sum = 0;
  let count = 0;
  for (const day of train.days) {
    const prior = byDay.get(day.dayNumber - 7);
    if (!prior) continue;
    const open = train.shape.open[day.weekday]!;
    for (let j = 0; j < open.length; j++) {
      if (!open[j]) continue;
      const d = day.values[j]! - prior.values[j]!;
      if (Number.isFinite(d)) (sum += Math.abs(d)), count++;
    }
  }
  return count ? sum / count : NaN;
}

/** Mean absolute scaled error: MAE of the forecast ÷ the seasonal naive's in-sample MAE. */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): number {
  return scale > 0 ? mae(actual, forecast) / scale : NaN;
}
