import { mae, wape, weeklyNaiveScale } from './accuracy.ts';
import { DAY_MS, isoDate } from './clock.ts';
import { forecastSeries, type ForecastOptions } from './forecastSeries.ts';
import { buildGrid, ForecastInputError, slotTime, type IntervalSeries } from './grid.ts';
import type { ModelDay } from './model.ts';

export interface BacktestOptions extends Omit<ForecastOptions, 'model' | 'ahtModel'> {
  /** Methods to score: method names and/or 'auto' (the method choice re-run at every origin). */
  models: string[];
  /** Number of rolling origins; the latest one's horizon ends on the last day of history. */
  origins: number;
  /** Days between origins (default 7). */
  stepDays?: number;
}

export interface OriginScore {
  /** First forecast day. */
  origin: string;
  wape: number;
  mase: number;
  /** Method used at this origin (differs from the row's name for 'auto'). */
  chosen: string;
}

export interface ModelBacktest {
  model: string;
  /** Σ|actual − forecast| ÷ Σ actual over all origins. */
  wape: number;
  /** Mean over origins of MAE ÷ the in-sample MAE of the weekly seasonal naive. */
  mase: number;
  /** Share of actual intervals inside [lower, upper]. */
  coverage: number;
  origins: OriginScore[];
  milliseconds: number;
}

export interface BacktestResult {
  intervalMinutes: number;
  horizonDays: number;
  origins: string[];
  models: ModelBacktest[];
}

/**
 * Rolling-origin backtest of volume forecasts: at each origin the history is cut at the origin, the forecast is
 * made from what came before exactly as `forecastSeries` would, and it is scored on the days that followed.
 * Days with no activity in the history (missing data) are not scored.
 */
export function backtest(series: IntervalSeries, options: BacktestOptions): BacktestResult {
  const step = options.stepDays ?? 7;
  const full = buildGrid(series, options.intervalMinutes, options.openWindowDays === undefined ? {} : { openWindowDays: options.openWindowDays });
  const lastDay = full.days[full.days.length - 1]!.dayNumber;
  const actualByDay = new Map(full.days.map((d) => [d.dayNumber, d]));
  const originDays: number[] = [];
  for (let k = options.origins - 1; k >= 0; k--) originDays.push(lastDay + 1 - options.horizonDays - k * step);
  if (originDays[0]! <= full.days[0]!.dayNumber) throw new ForecastInputError('the history is too short for that many origins');

  const results: ModelBacktest[] = options.models.map((model) => ({
    model,
    wape: NaN,
    mase: NaN,
    coverage: NaN,
    origins: [],
    milliseconds: 0,
  }));
  const pooled = results.map(() => ({ actual: [] as number[], forecast: [] as number[], inside: 0 }));

  for (const origin of originDays) {
    const cut = origin * DAY_MS;
    const keep = series.timestamps.map((t) => t < cut);
    const training: IntervalSeries = {
      timestamps: series.timestamps.filter((_, i) => keep[i]),
      volumes: series.volumes.filter((_, i) => keep[i]),
    };
    const scaleDays: ModelDay[] = full.days
      .filter((d) => d.dayNumber < origin)
      .map((d) => ({ dayNumber: d.dayNumber, weekday: d.weekday, businessDay: 0, businessDaysLeft: 0, afterClosure: false, listed: false, values: d.volumes }));
    const scale = weeklyNaiveScale({ shape: full.shape, days: scaleDays });

    options.models.forEach((model, mi) => {
      const started = performance.now();
      const result = forecastSeries(training, { ...options, model });
      results[mi]!.milliseconds += performance.now() - started;
      const byStart = new Map(result.intervals.map((r) => [r.start, r]));
      const actual: number[] = [];
      const forecast: number[] = [];
      let inside = 0;
      for (let day = origin; day < origin + options.horizonDays; day++) {
        const observed = actualByDay.get(day);
        if (!observed) continue;
        const open = full.shape.open[observed.weekday]!;
        for (let j = 0; j < open.length; j++) {
          const a = observed.volumes[j]!;
          if (!open[j] || !Number.isFinite(a)) continue;
          const row = byStart.get(slotTime(full.shape, day, j));
          actual.push(a);
          forecast.push(row?.forecast ?? 0);
          if (row ? row.lower <= a && a <= row.upper : a === 0) inside++;
        }
      }
      results[mi]!.origins.push({ origin: isoDate(origin), wape: wape(actual, forecast), mase: mae(actual, forecast) / scale, chosen: result.volume.name });
      pooled[mi]!.actual.push(...actual);
      pooled[mi]!.forecast.push(...forecast);
      pooled[mi]!.inside += inside;
    });
  }
  results.forEach((r, mi) => {
    const p = pooled[mi]!;
    r.wape = wape(p.actual, p.forecast);
    r.mase = r.origins.reduce((s, o) => s + o.mase, 0) / r.origins.length;
    r.coverage = p.actual.length ? p.inside / p.actual.length : NaN;
  });
  return { intervalMinutes: options.intervalMinutes, horizonDays: options.horizonDays, origins: originDays.map(isoDate), models: results };
}
