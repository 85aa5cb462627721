import { Calendar, type CalendarEntry } from './calendar.ts';
import { isoDate } from './clock.ts';
import { ForecastInputError, openSlotsPerWeek, slotTime, type IntervalSeries } from './grid.ts';
import type { ModelParams } from './model.ts';
import { predictionBand } from './intervals.ts';
import { horizonDays, prepareSeries } from './prepare.ts';
import { CHOICE_DEFAULTS, chooseModel, fitChoice, type Accuracy, type CandidateScore } from './select.ts';

export interface ForecastOptions {
  /** Interval width of the forecast in minutes (15, 30, 60, …; must divide a day). */
  intervalMinutes: number;
  /** Calendar days to forecast after the last day of history. */
  horizonDays: number;
  /** 'auto' (default) or a method name for the volume. */
  model?: string;
  /** 'auto' (default) or a method name for the AHT. */
  ahtModel?: string;
  calendar?: readonly CalendarEntry[];
  /** Central coverage of the prediction interval (default 0.8). */
  coverage?: number;
  /** Rolling origins of the backtest that chooses and scores the method (default 4). */
  backtestOrigins?: number;
  /** Open hours are read from this many recent days of history (default 56). */
  openWindowDays?: number;
}

export interface ForecastInterval {
  /** Interval start, wall clock as epoch ms (the same clock as the history's timestamps). */
  start: number;
  forecast: number;
  lower: number;
  upper: number;
  ahtForecast?: number;
}

export interface ChosenModel {
  name: string;
  params: ModelParams;
  /** Backtest of the method on the history (null when the history is too short for one). */
  accuracy: Accuracy | null;
  candidates: CandidateScore[];
}

export interface ForecastResult {
  intervalMinutes: number;
  firstDay: string;
  lastDay: string;
  intervals: ForecastInterval[];
  volume: ChosenModel;
  aht?: ChosenModel;
  /** Open intervals in a normal week. */
  openIntervalsPerWeek: number;
  /** Dates in the horizon forecast as closed (closed holidays). */
  closedDays: string[];
}

/** Longest horizon the method-choosing backtest uses; longer forecasts reuse the errors of its last day. */
const MAX_BACKTEST_HORIZON = 28;

/**
 * Forecasts one queue's interval volume (and AHT when given) for the days after its history: lays the history on
 * the grid of open intervals, chooses the method by rolling-origin backtest, fits it on the whole history and
 * returns the forecast with prediction intervals, the method, its parameters and its backtest accuracy.
 */
export function forecastSeries(series: IntervalSeries, options: ForecastOptions): ForecastResult {
  if (!Number.isInteger(options.horizonDays) || options.horizonDays < 1) {
    throw new ForecastInputError(`horizon must be a whole number of days ≥ 1, got ${options.horizonDays}`);
  }
  const coverage = options.coverage ?? CHOICE_DEFAULTS.coverage;
  if (!(coverage > 0 && coverage < 1)) throw new ForecastInputError(`coverage must lie between 0 and 1, got ${coverage}`);
  const calendar = new Calendar(options.calendar ?? []);
  const prepared = prepareSeries(series, options.intervalMinutes, calendar, options.openWindowDays);
  const backtestHorizon = Math.min(options.horizonDays, MAX_BACKTEST_HORIZON);
  const choiceOptions = {
    ...CHOICE_DEFAULTS,
    coverage,
    origins: options.backtestOrigins ?? CHOICE_DEFAULTS.origins,
  };
  const horizon = horizonDays(prepared, prepared.lastDay + 1, options.horizonDays);

  const volumeChoice = chooseModel(prepared, 'volume', backtestHorizon, { ...choiceOptions, model: options.model ?? 'auto' });
  const volumeFit = fitChoice(prepared, 'volume', volumeChoice, horizon);
  const ahtChoice = prepared.aht ? chooseModel(prepared, 'aht', backtestHorizon, { ...choiceOptions, model: options.ahtModel ?? 'auto' }) : undefined;
  const ahtFit = ahtChoice ? fitChoice(prepared, 'aht', ahtChoice, horizon) : undefined;

  const intervals: ForecastInterval[] = [];
  const closedDays: string[] = [];
  horizon.forEach((day, h) => {
    if (day.factor === 0) {
      closedDays.push(isoDate(day.dayNumber));
      return;
    }
    const lead = day.dayNumber - (prepared.lastDay + 1);
    const open = prepared.shape.open[day.weekday]!;
    for (let j = 0; j < open.length; j++) {
      if (!open[j]) continue;
      const forecast = Math.max(0, volumeFit.values[h]![j]! * day.factor);
      const band = predictionBand(forecast, lead, volumeChoice.quantiles, true);
      const row: ForecastInterval = { start: slotTime(prepared.shape, day.dayNumber, j), forecast, lower: band.lower, upper: band.upper };
      if (ahtFit) row.ahtForecast = Math.max(0, ahtFit.values[h]![j]!);
      intervals.push(row);
    }
  });

  const chosen = (choice: typeof volumeChoice, params: ModelParams): ChosenModel => ({
    name: choice.name,
    params,
    accuracy: choice.accuracy,
    candidates: choice.candidates,
  });
  return {
    intervalMinutes: options.intervalMinutes,
    firstDay: isoDate(prepared.lastDay + 1),
    lastDay: isoDate(prepared.lastDay + options.horizonDays),
    intervals,
    volume: chosen(volumeChoice, volumeFit.params),
    ...(ahtChoice && ahtFit ? { aht: chosen(ahtChoice, ahtFit.params) } : {}),
    openIntervalsPerWeek: openSlotsPerWeek(prepared.shape),
    closedDays,
  };
}
