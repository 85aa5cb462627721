import { emptyForecast, type DayFlags, type ForecastModel, type TrainingData } from './model.ts';
import { nelderMead, squash, unsquash } from './optimize.ts';
import { roundParams, type Seasonality } from './holtWinters.ts';

/**
 * Double-seasonal Holt-Winters (Taylor 2003): a level, an intraday index per slot of the day, an index per interval
 * of the week, and an AR(1) adjustment of the one-step error. The sequence walks every grid slot of every open
 * day; slots closed on a weekday are skipped and forecast as 0.
 */
export interface DoubleSeasonalParams {
  alpha: number;
  delta: number;
  omega: number;
  phi: number;
}

interface Layout {
  y: Float64Array;
  daySeason: number;
  weekSeason: number;
}

function layout(train: TrainingData): Layout {
  const { shape } = train;
  const m1 = shape.slotStarts.length;
  const y = new Float64Array(train.days.length * m1);
  train.days.forEach((d, i) => {
    const open = shape.open[d.weekday]!;
    for (let j = 0; j < m1; j++) y[i * m1 + j] = open[j] ? d.values[j]! : NaN;
  });
  const openDays = shape.openWeekdays.filter(Boolean).length;
  return { y, daySeason: m1, weekSeason: m1 * openDays };
}

interface State {
  level: number;
  day: Float64Array;
  week: Float64Array;
  error: number;
  sse: number;
}

function initialState(y: Float64Array, m1: number, m2: number, seasonality: Seasonality): State {
  const span = Math.min(y.length, 2 * m2);
  const additive = seasonality === 'additive';
  let sum = 0;
  let count = 0;
  for (let i = 0; i < Math.min(span, m2); i++) if (Number.isFinite(y[i]!)) (sum += y[i]!), count++;
  const level = count ? sum / count : 1;
  const daySum = new Float64Array(m1);
  const dayCount = new Float64Array(m1);
  for (let start = 0; start + m1 <= span; start += m1) {
    let s = 0;
    let c = 0;
    for (let j = 0; j < m1; j++) if (Number.isFinite(y[start + j]!)) (s += y[start + j]!), c++;
    if (!c || s <= 0) continue;
    const dayMean = s / c;
    for (let j = 0; j < m1; j++) {
      const v = y[start + j]!;
      if (!Number.isFinite(v)) continue;
      daySum[j]! += additive ? v - dayMean : v / dayMean;
      dayCount[j]!++;
    }
  }
  const day = new Float64Array(m1);
  for (let j = 0; j < m1; j++) day[j] = dayCount[j] ? daySum[j]! / dayCount[j]! : additive ? 0 : 1;
  const weekSum = new Float64Array(m2);
  const weekCount = new Float64Array(m2);
  for (let i = 0; i < span; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) continue;
    const d = day[i % m1]!;
    weekSum[i % m2]! += additive ? v - level - d : v / (level * d);
    weekCount[i % m2]!++;
  }
  const week = new Float64Array(m2);
  for (let k = 0; k < m2; k++) week[k] = weekCount[k] ? weekSum[k]! / weekCount[k]! : additive ? 0 : 1;
  return { level, day, week, error: 0, sse: 0 };
}

/**
 * Runs the recursions. With `lead` > 0 the error summed is that of the forecasts made at each day close for the
 * next `lead` intervals (the planning horizon); otherwise the one-step error, as in Taylor's paper.
 */
export function runDoubleSeasonal(
  y: Float64Array,
  m1: number,
  m2: number,
  seasonality: Seasonality,
  p: DoubleSeasonalParams,
  lead = 0,
): State {
  const state = initialState(y, m1, m2, seasonality);
  const { day, week } = state;
  let { level, error } = state;
  let sse = 0;
  const additive = seasonality === 'additive';
  for (let t = 0; t < y.length; t++) {
    const kd = t % m1;
    const kw = t % m2;
    const d = day[kd]!;
    const w = week[kw]!;
    const base = additive ? level + d + w : level * d * w;
    const v = y[t]!;
    if (!Number.isFinite(v)) {
      error *= p.phi;
      continue;
    }
    const predicted = base + p.phi * error;
    if (t >= m2 && lead === 0) sse += (v - predicted) * (v - predicted);
    error = v - base;
    if (additive) {
      const newLevel = p.alpha * (v - d - w) + (1 - p.alpha) * level;
      day[kd] = p.delta * (v - newLevel - w) + (1 - p.delta) * d;
      week[kw] = p.omega * (v - newLevel - d) + (1 - p.omega) * w;
      level = newLevel;
    } else {
      const newLevel = p.alpha * (v / (d * w)) + (1 - p.alpha) * level;
      day[kd] = p.delta * (v / (newLevel * w)) + (1 - p.delta) * d;
      week[kw] = p.omega * (v / (newLevel * d)) + (1 - p.omega) * w;
      level = newLevel;
    }
    if (lead > 0 && t >= m2 && (t + 1) % m1 === 0) {
      let decay = 1;
      for (let u = t + 1; u < Math.min(y.length, t + 1 + lead); u++) {
        decay *= p.phi;
        const actual = y[u]!;
        if (!Number.isFinite(actual)) continue;
        const f = additive ? level + day[u % m1]! + week[u % m2]! : level * day[u % m1]! * week[u % m2]!;
        sse += (actual - f - decay * error) * (actual - f - decay * error);
      }
    }
  }
  return { level, day, week, error, sse };
}

export function fitDoubleSeasonal(y: Float64Array, m1: number, m2: number, seasonality: Seasonality, lead = 0): DoubleSeasonalParams {
  const toParams = (x: number[]): DoubleSeasonalParams => ({
    alpha: squash(x[0]!, 0.001, 0.999),
    delta: squash(x[1]!, 0.001, 0.999),
    omega: squash(x[2]!, 0.001, 0.999),
    phi: squash(x[3]!, 0, 0.99),
  });
  const objective = (x: number[]) => runDoubleSeasonal(y, m1, m2, seasonality, toParams(x), lead).sse;
  const start = [unsquash(0.02, 0.001, 0.999), unsquash(0.05, 0.001, 0.999), unsquash(0.1, 0.001, 0.999), unsquash(0.5, 0, 0.99)];
  return toParams(nelderMead(objective, start, { step: 1.5, maxEvaluations: 320 }).x);
}

function allOpenPositive(train: TrainingData): boolean {
  for (const d of train.days) {
    const open = train.shape.open[d.weekday]!;
    for (let j = 0; j < open.length; j++) if (open[j] && d.values[j]! <= 0) return false;
  }
  return true;
}

export const doubleSeasonalHoltWinters: ForecastModel = {
  name: 'double-seasonal-hw',
  summary:
    'double-seasonal Holt-Winters (Taylor): intraday and intraweek indexes with an AR(1) error term, ' +
    'constants fitted to the errors of week-ahead forecasts made at each day close',
  targets: ['volume', 'aht'],
  applicable(train) {
    const { y, weekSeason } = layout(train);
    return y.length >= 2 * weekSeason;
  },
  fit(train: TrainingData, horizon: DayFlags[]) {
    const { y, daySeason, weekSeason } = layout(train);
    const seasonality: Seasonality = allOpenPositive(train) ? 'multiplicative' : 'additive';
    const params = fitDoubleSeasonal(y, daySeason, weekSeason, seasonality, weekSeason);
    const state = runDoubleSeasonal(y, daySeason, weekSeason, seasonality, params);
    const values = emptyForecast(train.shape, horizon);
    let step = 0;
    horizon.forEach((d, h) => {
      const open = train.shape.open[d.weekday]!;
      for (let j = 0; j < daySeason; j++) {
        const t = y.length + step;
        step++;
        if (!open[j]) continue;
        const dd = state.day[t % daySeason]!;
        const ww = state.week[t % weekSeason]!;
        const base = seasonality === 'additive' ? state.level + dd + ww : state.level * dd * ww;
        values[h]![j] = Math.max(0, base + Math.pow(params.phi, step) * state.error);
      }
    });
    return { values, params: { seasonality, ...roundParams(params), fittedTo: 'week-ahead errors' } };
  },
};
