import { emptyForecast, type DayFlags, type ForecastModel, type TrainingData } from './model.ts';
import { nelderMead, squash, unsquash } from './optimize.ts';
import { finiteMean, openSequence } from './sequence.ts';

export type Seasonality = 'additive' | 'multiplicative';

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
}

interface HoltWintersState {
  level: number;
  trend: number;
  seasonal: Float64Array;
  /** Sum of squared errors of the fitting criterion, after the first season. */
  sse: number;
}

/**
 * What the smoothing constants are fitted to: the classic one-step-ahead errors, or the errors of the forecasts
 * a planner makes at the close of each day for the next `lead` intervals. Intraday one-step fits chase the last
 * few intervals and forecast the next week poorly; fitting to the planning horizon avoids that.
 */
export type FitCriterion = { kind: 'one-step' } | { kind: 'lead'; lead: number; dayEnd: Uint8Array };

/**
 * Initial level, trend and seasonal indexes from the first two seasons: level = mean of season 1, trend = change
 * of the season means per step, index = value − level (additive) or value ÷ level (multiplicative).
 */
function initialState(y: Float64Array, m: number, seasonality: Seasonality): HoltWintersState {
  const first = finiteMean(y, 0, m);
  const second = y.length >= 2 * m ? finiteMean(y, m, 2 * m) : NaN;
  const level = Number.isFinite(first) ? first : finiteMean(y, 0, y.length);
  const trend = Number.isFinite(second) ? (second - level) / m : 0;
  const seasonal = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let v = y[i]!;
    if (!Number.isFinite(v) && i + m < y.length) v = y[i + m]!;
    if (seasonality === 'additive') seasonal[i] = Number.isFinite(v) ? v - level : 0;
    else seasonal[i] = Number.isFinite(v) && level > 0 ? v / level : 1;
  }
  return { level, trend, seasonal, sse: 0 };
}

/** Runs the Holt-Winters recursions over y; unknown values advance the state without an update. */
export function runHoltWinters(
  y: Float64Array,
  m: number,
  seasonality: Seasonality,
  p: HoltWintersParams,
  criterion: FitCriterion = { kind: 'one-step' },
): HoltWintersState {
  const state = initialState(y, m, seasonality);
  let { level, trend } = state;
  const s = state.seasonal;
  let sse = 0;
  const additive = seasonality === 'additive';
  for (let t = 0; t < y.length; t++) {
    const k = t % m;
    const si = s[k]!;
    const base = level + trend;
    const v = y[t]!;
    if (!Number.isFinite(v)) {
      level = base;
      continue;
    }
    const predicted = additive ? base + si : base * si;
    if (t >= m && criterion.kind === 'one-step') sse += (v - predicted) * (v - predicted);
    const newLevel = additive ? p.alpha * (v - si) + (1 - p.alpha) * base : p.alpha * (v / si) + (1 - p.alpha) * base;
    trend = p.beta * (newLevel - level) + (1 - p.beta) * trend;
    s[k] = additive ? p.gamma * (v - newLevel) + (1 - p.gamma) * si : p.gamma * (v / newLevel) + (1 - p.gamma) * si;
    level = newLevel;
    if (criterion.kind === 'lead' && t >= m && criterion.dayEnd[t]) {
      const end = Math.min(y.length, t + 1 + criterion.lead);
      for (let u = t + 1; u < end; u++) {
        const actual = y[u]!;
        if (!Number.isFinite(actual)) continue;
        const step = u - t;
        const su = s[u % m]!;
        const f = additive ? level + step * trend + su : (level + step * trend) * su;
        sse += (actual - f) * (actual - f);
      }
    }
  }
  return { level, trend, seasonal: s, sse };
}

/** Smoothing constants that minimize the squared errors of the criterion over the training data. */
export function fitHoltWinters(
  y: Float64Array,
  m: number,
  seasonality: Seasonality,
  criterion: FitCriterion = { kind: 'one-step' },
): HoltWintersParams {
  const toParams = (x: number[]): HoltWintersParams => ({
    alpha: squash(x[0]!, 0.001, 0.999),
    beta: squash(x[1]!, 0, 0.2),
    gamma: squash(x[2]!, 0.001, 0.999),
  });
  const objective = (x: number[]) => runHoltWinters(y, m, seasonality, toParams(x), criterion).sse;
  const start = [unsquash(0.02, 0.001, 0.999), unsquash(0.001, 0, 0.2), unsquash(0.1, 0.001, 0.999)];
  const best = nelderMead(objective, start, { step: 1.5, maxEvaluations: 240 });
  return toParams(best.x);
}

function holtWintersModel(seasonality: Seasonality): ForecastModel {
  return {
    name: seasonality === 'additive' ? 'holt-winters-additive' : 'holt-winters-multiplicative',
    summary:
      `Holt-Winters with ${seasonality} weekly seasonality (one season = the open intervals of a week), ` +
      'constants fitted to the errors of week-ahead forecasts made at each day close',
    targets: ['volume', 'aht'],
    applicable(train: TrainingData) {
      const { y, season } = openSequence(train, []);
      if (y.length < 2 * season) return false;
      if (seasonality === 'multiplicative') for (const v of y) if (v <= 0) return false;
      return true;
    },
    fit(train: TrainingData, horizon: DayFlags[]) {
      const { y, season, dayEnd, horizonPositions } = openSequence(train, horizon);
      const params = fitHoltWinters(y, season, seasonality, { kind: 'lead', lead: season, dayEnd });
      const state = runHoltWinters(y, season, seasonality, params);
      const values = emptyForecast(train.shape, horizon);
      horizonPositions.forEach(([h, j], i) => {
        const step = i + 1;
        const si = state.seasonal[(y.length + i) % season]!;
        const base = state.level + step * state.trend;
        values[h]![j] = Math.max(0, seasonality === 'additive' ? base + si : base * si);
      });
      return { values, params: { seasonality, ...roundParams(params), fittedTo: 'week-ahead errors' } };
    },
  };
}

/** Smoothing constants to 3 significant digits, for reports. */
export function roundParams(p: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) out[k] = Number(Number(v).toPrecision(3));
  return out;
}

export const holtWintersAdditive = holtWintersModel('additive');
export const holtWintersMultiplicative = holtWintersModel('multiplicative');
