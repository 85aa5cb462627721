import type { GridShape } from './grid.ts';

/** What a series counts: contacts per interval, or the average handle time of those contacts. */
export type Target = 'volume' | 'aht';

/** Calendar facts about a date that models may use. */
export interface DayFlags {
  dayNumber: number;
  weekday: number;
  /** Rank among the business days of its month, from 1 (business = open weekday, not a closed holiday; 0 if not one). */
  businessDay: number;
  /** Business days after this one in the same month (0 on the last one). */
  businessDaysLeft: number;
  /** A business day whose previous open-weekday date was a closed holiday (carry-over demand). */
  afterClosure: boolean;
  /** The calendar lists this date (holiday or special day): its intraday shape is not typical. */
  listed: boolean;
}

/** One training day: values per slot of the grid (NaN = unknown; slots closed that weekday hold 0). */
export interface ModelDay extends DayFlags {
  values: Float64Array;
}

export interface TrainingData {
  shape: GridShape;
  target: Target;
  /** Every open-weekday date up to the forecast origin, oldest first, without gaps in the weekday sequence. */
  days: ModelDay[];
}

export type ModelParams = Record<string, number | string | boolean>;

export interface ModelFit {
  /** Forecast per horizon day, per grid slot (0 for slots closed that weekday). */
  values: Float64Array[];
  params: ModelParams;
}

/** A forecasting method: fits on the training days and forecasts the horizon days that follow them. */
export interface ForecastModel {
  name: string;
  summary: string;
  targets: readonly Target[];
  /** False when the method cannot run on this training data (too short, zeros for a multiplicative model). */
  applicable(train: TrainingData): boolean;
  fit(train: TrainingData, horizon: DayFlags[]): ModelFit;
}

/** Grid slots open on a weekday, in time order. */
export function openSlots(shape: GridShape, weekday: number): number[] {
  const out: number[] = [];
  const row = shape.open[weekday]!;
  for (let j = 0; j < row.length; j++) if (row[j]) out.push(j);
  return out;
}

export function emptyForecast(shape: GridShape, horizon: DayFlags[]): Float64Array[] {
  return horizon.map(() => new Float64Array(shape.slotStarts.length));
}
