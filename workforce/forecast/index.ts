/** Interval forecasting of contact volume and AHT: the public surface used by the CLI, the API and the bench. */
export { forecastSeries, type ForecastOptions, type ForecastResult, type ForecastInterval, type ChosenModel } from './forecastSeries.ts';
export { backtest, type BacktestOptions, type BacktestResult, type ModelBacktest, type OriginScore } from './backtest.ts';
export { Calendar, type CalendarEntry } from './calendar.ts';
export { ForecastInputError, buildGrid, type IntervalSeries, type SeriesGrid, type GridShape } from './grid.ts';
export { wape, mase, mae, seasonalNaiveScale } from './accuracy.ts';
export { MODELS, MODEL_NAMES, modelByName } from './models.ts';
export type { Accuracy, CandidateScore } from './select.ts';
