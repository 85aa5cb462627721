import { mae, wape, weeklyNaiveScale } from './accuracy.ts';
import { ForecastInputError } from './grid.ts';
import { errorQuantiles, type BacktestError, type ErrorQuantiles } from './intervals.ts';
import type { ForecastModel, ModelParams, Target } from './model.ts';
import { MODELS, modelByName } from './models.ts';
import { horizonDays, trainingBefore, type HorizonDay, type PreparedSeries } from './prepare.ts';

/** Backtest accuracy of one method: WAPE pooled over the origins, MASE averaged over them. */
export interface Accuracy {
  wape: number;
  mase: number;
  origins: number;
  horizonDays: number;
}

export interface CandidateScore {
  name: string;
  wape: number;
  mase: number;
}

/** The method chosen for a series, with the evidence for the choice. */
export interface ModelChoice {
  /** A method name, or `combination(a + b)` for the mean of two methods. */
  name: string;
  members: ForecastModel[];
  accuracy: Accuracy | null;
  /** Every method tried, best first (empty when the method was named by the caller). */
  candidates: CandidateScore[];
  quantiles: ErrorQuantiles | undefined;
}

export interface ChoiceOptions {
  /** 'auto' or a method name. */
  model: string;
  /** Rolling origins of the backtest, one week apart, the latest ending on the last day of history. */
  origins: number;
  /** Training must span at least this many days before an origin. */
  minTrainingDays: number;
  coverage: number;
  /** Also try the mean of the two best methods. */
  combine: boolean;
}

export const CHOICE_DEFAULTS: ChoiceOptions = { model: 'auto', origins: 4, minTrainingDays: 28, coverage: 0.8, combine: true };

interface OriginRun {
  origin: number;
  scale: number;
  /** Index range of this origin's points in the pooled arrays. */
  from: number;
  to: number;
}

interface BacktestRun {
  actual: number[];
  lead: number[];
  origins: OriginRun[];
  forecasts: Map<string, number[]>;
}

/** Rolling-origin backtest of several methods inside the history: each origin trains only on the days before it. */
function runBacktest(prepared: PreparedSeries, target: Target, models: ForecastModel[], horizonLength: number, options: ChoiceOptions): BacktestRun {
  const run: BacktestRun = { actual: [], lead: [], origins: [], forecasts: new Map(models.map((m) => [m.name, []])) };
  const days = target === 'volume' ? prepared.volume : prepared.aht ?? [];
  const byDay = new Map(days.map((d) => [d.dayNumber, d]));
  for (let k = options.origins - 1; k >= 0; k--) {
    const origin = prepared.lastDay + 1 - horizonLength - 7 * k;
    if (origin - prepared.firstDay < options.minTrainingDays) continue;
    const train = trainingBefore(prepared, target, origin);
    const horizon: HorizonDay[] = horizonDays(prepared, origin, horizonLength);
    if (!models.every((m) => m.applicable(train))) continue;
    const fits = models.map((m) => m.fit(train, horizon).values);
    const from = run.actual.length;
    horizon.forEach((h, i) => {
      const actualDay = byDay.get(h.dayNumber);
      if (!actualDay) return;
      const open = prepared.shape.open[h.weekday]!;
      for (let j = 0; j < open.length; j++) {
        const a = actualDay.values[j]!;
        if (!open[j] || !Number.isFinite(a)) continue;
        run.actual.push(a);
        run.lead.push(h.dayNumber - origin);
        models.forEach((m, mi) => run.forecasts.get(m.name)!.push(fits[mi]![i]![j]!));
      }
    });
    if (run.actual.length > from) run.origins.push({ origin, scale: weeklyNaiveScale(train), from, to: run.actual.length });
  }
  return run;
}

function score(run: BacktestRun, forecast: number[], horizonLength: number): Accuracy {
  let maseSum = 0;
  let maseCount = 0;
  for (const o of run.origins) {
    const m = mae(run.actual.slice(o.from, o.to), forecast.slice(o.from, o.to)) / o.scale;
    if (Number.isFinite(m)) (maseSum += m), maseCount++;
  }
  return {
    wape: wape(run.actual, forecast),
    mase: maseCount ? maseSum / maseCount : NaN,
    origins: run.origins.length,
    horizonDays: horizonLength,
  };
}

function errorsOf(run: BacktestRun, forecast: number[]): BacktestError[] {
  return run.actual.map((actual, i) => ({ lead: run.lead[i]!, actual, forecast: forecast[i]! }));
}

function meanOf(a: number[], b: number[]): number[] {
  return a.map((v, i) => (v + b[i]!) / 2);
}

/** The methods that can forecast this target. */
export function candidatesFor(target: Target): ForecastModel[] {
  return MODELS.filter((m) => m.targets.includes(target));
}

/**
 * Picks the method for a series by rolling-origin backtest inside its history (lowest WAPE; the mean of the two
 * best when that backtests lower still), or evaluates the method the caller named.
 */
export function chooseModel(prepared: PreparedSeries, target: Target, horizonLength: number, options: ChoiceOptions): ModelChoice {
  const all = candidatesFor(target);
  const fullTraining = trainingBefore(prepared, target, prepared.lastDay + 1);
  if (options.model !== 'auto') {
    const model = modelByName(options.model);
    if (!model || !model.targets.includes(target)) throw new ForecastInputError(`unknown ${target} method "${options.model}"`);
    if (!model.applicable(fullTraining)) throw new ForecastInputError(`method "${model.name}" needs a longer history`);
    const run = runBacktest(prepared, target, [model], horizonLength, options);
    const forecast = run.forecasts.get(model.name)!;
    const accuracy = run.origins.length ? score(run, forecast, horizonLength) : null;
    return {
      name: model.name,
      members: [model],
      accuracy,
      candidates: [],
      quantiles: accuracy ? errorQuantiles(errorsOf(run, forecast), horizonLength, options.coverage) : undefined,
    };
  }

  const usable = all.filter((m) => m.applicable(fullTraining));
  if (usable.length === 0) throw new ForecastInputError('the history is too short to forecast');
  const run = runBacktest(prepared, target, usable, horizonLength, options);
  if (run.origins.length === 0) {
    const fallback = usable.find((m) => m.name === 'mean-4w') ?? usable[0]!;
    return { name: fallback.name, members: [fallback], accuracy: null, candidates: [], quantiles: undefined };
  }
  const ranked = usable
    .map((m) => ({ model: m, accuracy: score(run, run.forecasts.get(m.name)!, horizonLength) }))
    .sort((a, b) => a.accuracy.wape - b.accuracy.wape);
  const candidates: CandidateScore[] = ranked.map((r) => ({ name: r.model.name, wape: r.accuracy.wape, mase: r.accuracy.mase }));
  const best = ranked[0]!;
  let choice: ModelChoice = {
    name: best.model.name,
    members: [best.model],
    accuracy: best.accuracy,
    candidates,
    quantiles: errorQuantiles(errorsOf(run, run.forecasts.get(best.model.name)!), horizonLength, options.coverage),
  };
  const second = ranked[1];
  if (options.combine && second) {
    const combined = meanOf(run.forecasts.get(best.model.name)!, run.forecasts.get(second.model.name)!);
    const accuracy = score(run, combined, horizonLength);
    const name = `combination(${best.model.name} + ${second.model.name})`;
    candidates.push({ name, wape: accuracy.wape, mase: accuracy.mase });
    candidates.sort((a, b) => a.wape - b.wape);
    if (accuracy.wape < best.accuracy.wape) {
      choice = {
        name,
        members: [best.model, second.model],
        accuracy,
        candidates,
        quantiles: errorQuantiles(errorsOf(run, combined), horizonLength, options.coverage),
      };
    }
  }
  return choice;
}

/** Fits the chosen method(s) on the whole history and forecasts the horizon (the mean when two are combined). */
export function fitChoice(prepared: PreparedSeries, target: Target, choice: ModelChoice, horizon: HorizonDay[]) {
  const train = trainingBefore(prepared, target, prepared.lastDay + 1);
  const fits = choice.members.map((m) => m.fit(train, horizon));
  const values = fits[0]!.values.map((row, h) => row.map((v, j) => fits.reduce((s, f) => s + f.values[h]![j]!, 0) / fits.length));
  const params: ModelParams = {};
  if (fits.length === 1) Object.assign(params, fits[0]!.params);
  else fits.forEach((f, i) => {
    for (const [k, v] of Object.entries(f.params)) params[`${choice.members[i]!.name}.${k}`] = v;
  });
  return { values, params };
}
