import { mean4Weeks, median4Weeks, seasonalNaive } from './baselines.ts';
import { dailyProfile } from './dailyProfile.ts';
import { doubleSeasonalHoltWinters } from './doubleSeasonal.ts';
import { holtWintersAdditive, holtWintersMultiplicative } from './holtWinters.ts';
import type { ForecastModel } from './model.ts';

/** Every forecasting method, in the order they are tried; the first four rows are the planners' baselines. */
export const MODELS: readonly ForecastModel[] = [
  seasonalNaive,
  mean4Weeks,
  median4Weeks,
  holtWintersAdditive,
  holtWintersMultiplicative,
  doubleSeasonalHoltWinters,
  dailyProfile,
];

export const MODEL_NAMES = MODELS.map((m) => m.name);

export function modelByName(name: string): ForecastModel | undefined {
  return MODELS.find((m) => m.name === name);
}
