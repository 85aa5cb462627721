import { emptyForecast, type DayFlags, type ForecastModel, type ModelDay, type TrainingData } from './model.ts';
import { slotsByWeekday } from './sequence.ts';
import { median } from './baselines.ts';

/**
 * Day-level model combined with intraday profiles. The daily total, on the log scale, is the mean of two
 * estimates of a normal day: exponential smoothing of log daily totals with a weekday index (ETS(A,N,A)), and the
 * median of the same weekday's last 4 weeks; calendar effects are added on top (the month turn: last and first
 * three business days of a month; the day after a closed holiday), estimated from the history and shrunk toward 0.
 * The total is spread over the day by a weekday-specific intraday profile estimated from recent weeks, leaving
 * out calendar days, and shrunk toward the profile pooled over all weekdays.
 */
export interface DailyProfileOptions {
  /** Half-life, in weeks, of the weight of past days in the intraday profiles. */
  profileHalfLifeWeeks: number;
  /** Weight of the pooled profile, in days: a weekday profile from n days of weight counts n ÷ (n + this). */
  shrinkDays: number;
  /** Only this many recent weeks feed the profiles. */
  profileWeeks: number;
  /** Estimate calendar effects on daily totals. */
  calendarEffects: boolean;
  /** Calendar effects are shrunk toward 0 by this many days of weight. */
  effectShrinkDays: number;
  /**
   * Weight of the smoothed level in the daily total; the rest goes to the median of the same weekday's last
   * `medianWeeks` totals (calendar effects removed). The smoother reacts fast, the median resists one-off weeks.
   */
  smoothedWeight: number;
  medianWeeks: number;
}

export const DAILY_PROFILE_DEFAULTS: DailyProfileOptions = {
  profileHalfLifeWeeks: 6,
  shrinkDays: 3,
  profileWeeks: 16,
  calendarEffects: true,
  effectShrinkDays: 2,
  smoothedWeight: 0.5,
  medianWeeks: 4,
};

/** Calendar effects on the log daily total (≈ relative change). */
export const CALENDAR_EFFECTS = ['monthLast', 'monthFirst', 'monthSecond', 'monthThird', 'afterClosure'] as const;
export type CalendarEffect = (typeof CALENDAR_EFFECTS)[number];

export function effectsOf(day: DayFlags): CalendarEffect[] {
  const out: CalendarEffect[] = [];
  if (day.businessDay > 0 && day.businessDaysLeft === 0) out.push('monthLast');
  if (day.businessDay === 1) out.push('monthFirst');
  if (day.businessDay === 2) out.push('monthSecond');
  if (day.businessDay === 3) out.push('monthThird');
  if (day.afterClosure) out.push('afterClosure');
  return out;
}

export interface DailyLevelParams {
  alpha: number;
  gamma: number;
  effects: Record<CalendarEffect, number>;
}

interface DailyState {
  level: number;
  weekday: Float64Array;
}

/** Total of a day over its open slots, NaN unless every open slot is known. */
export function dailyTotal(day: ModelDay, openRow: boolean[]): number {
  let total = 0;
  for (let j = 0; j < openRow.length; j++) {
    if (!openRow[j]) continue;
    const v = day.values[j]!;
    if (!Number.isFinite(v)) return NaN;
    total += v;
  }
  return total;
}

function effectSum(keys: CalendarEffect[], p: DailyLevelParams, except?: CalendarEffect): number {
  let sum = 0;
  for (const k of keys) if (k !== except) sum += p.effects[k];
  return sum;
}

const WARM_UP_DAYS = 10;

function initialDailyState(days: DayFlags[], logTotals: Float64Array): DailyState {
  const sum = new Float64Array(7);
  const count = new Float64Array(7);
  const span = Math.min(logTotals.length, 15);
  for (let i = 0; i < span; i++) {
    const v = logTotals[i]!;
    if (Number.isFinite(v)) (sum[days[i]!.weekday]! += v), count[days[i]!.weekday]!++;
  }
  let levelSum = 0;
  let levelCount = 0;
  for (let w = 0; w < 7; w++) if (count[w]) (levelSum += sum[w]! / count[w]!), levelCount++;
  const level = levelCount ? levelSum / levelCount : 0;
  const weekday = new Float64Array(7);
  for (let w = 0; w < 7; w++) weekday[w] = count[w] ? sum[w]! / count[w]! - level : 0;
  return { level, weekday };
}

/**
 * Runs the smoother over the log totals. Returns the final state, the squared errors of forecasts made from each
 * day for the next `lead` days (the error the planner meets), and, per calendar effect, the one-step residuals of
 * its days with that effect left out.
 */
function runDailyLevel(days: DayFlags[], logTotals: Float64Array, p: DailyLevelParams, lead: number) {
  const state = initialDailyState(days, logTotals);
  let { level } = state;
  const weekday = state.weekday;
  const keys = days.map(effectsOf);
  let sse = 0;
  const residuals = new Map<CalendarEffect, number[]>(CALENDAR_EFFECTS.map((k) => [k, []]));
  for (let t = 0; t < logTotals.length; t++) {
    if (t >= WARM_UP_DAYS) {
      for (let k = t; k < Math.min(t + lead, logTotals.length); k++) {
        const v = logTotals[k]!;
        if (!Number.isFinite(v)) continue;
        const e = v - (level + weekday[days[k]!.weekday]! + effectSum(keys[k]!, p));
        sse += e * e;
      }
    }
    const v = logTotals[t]!;
    if (!Number.isFinite(v)) continue;
    const plain = level + weekday[days[t]!.weekday]!;
    if (t >= WARM_UP_DAYS) for (const k of keys[t]!) residuals.get(k)!.push(v - plain - effectSum(keys[t]!, p, k));
    const e = v - plain - effectSum(keys[t]!, p);
    level += p.alpha * e;
    weekday[days[t]!.weekday]! += p.gamma * e;
  }
  return { state: { level, weekday }, sse, residuals };
}

const ALPHAS = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6];
const GAMMAS = [0, 0.03, 0.06, 0.1, 0.2, 0.3];

function noEffects(): Record<CalendarEffect, number> {
  return Object.fromEntries(CALENDAR_EFFECTS.map((k) => [k, 0])) as Record<CalendarEffect, number>;
}

/** Grid search of the smoothing constants, alternating with shrunk estimates of the calendar effects. */
export function fitDailyLevel(days: DayFlags[], logTotals: Float64Array, lead: number, options: DailyProfileOptions): DailyLevelParams {
  let params: DailyLevelParams = { alpha: 0.1, gamma: 0.05, effects: noEffects() };
  const rounds = options.calendarEffects ? 3 : 1;
  for (let round = 0; round < rounds; round++) {
    let best = Infinity;
    for (const alpha of ALPHAS) {
      for (const gamma of GAMMAS) {
        const trial = { ...params, alpha, gamma };
        const { sse } = runDailyLevel(days, logTotals, trial, lead);
        if (sse < best) (best = sse), (params = trial);
      }
    }
    if (!options.calendarEffects) break;
    for (let i = 0; i < 3; i++) {
      const { residuals } = runDailyLevel(days, logTotals, params, lead);
      const effects = noEffects();
      for (const k of CALENDAR_EFFECTS) {
        const r = residuals.get(k)!;
        effects[k] = r.reduce((a, b) => a + b, 0) / (r.length + options.effectShrinkDays);
      }
      params = { ...params, effects };
    }
  }
  return params;
}

/** Median per weekday of the last `weeks` known log totals with their calendar effects removed. */
function weekdayMedians(days: DayFlags[], logTotals: Float64Array, p: DailyLevelParams, weeks: number): Float64Array {
  const out = new Float64Array(7).fill(NaN);
  for (let w = 0; w < 7; w++) {
    const values: number[] = [];
    for (let i = days.length - 1; i >= 0 && values.length < weeks; i--) {
      if (days[i]!.weekday !== w || !Number.isFinite(logTotals[i]!)) continue;
      values.push(logTotals[i]! - effectSum(effectsOf(days[i]!), p));
    }
    if (values.length) out[w] = median(values);
  }
  return out;
}

/** Intraday shares per weekday (each sums to 1 over the weekday's open slots). */
export function intradayProfiles(train: TrainingData, options: DailyProfileOptions): Float64Array[] {
  const { shape } = train;
  const m = shape.slotStarts.length;
  const slotsOf = slotsByWeekday(shape);
  const last = train.days[train.days.length - 1]?.dayNumber ?? 0;
  const own = Array.from({ length: 7 }, () => new Float64Array(m));
  const ownWeight = new Float64Array(7);
  const pooled = new Float64Array(m);
  const pooledWeight = new Float64Array(m);
  for (const day of train.days) {
    const age = (last - day.dayNumber) / 7;
    if (age >= options.profileWeeks || day.listed) continue;
    const openRow = shape.open[day.weekday]!;
    const total = dailyTotal(day, openRow);
    if (!(total > 0)) continue;
    const weight = Math.pow(0.5, age / options.profileHalfLifeWeeks);
    ownWeight[day.weekday]! += weight;
    for (const j of slotsOf[day.weekday]!) {
      const share = day.values[j]! / total;
      own[day.weekday]![j]! += weight * share;
      pooled[j]! += weight * share;
      pooledWeight[j]! += weight;
    }
  }
  return own.map((row, w) => {
    const slots = slotsOf[w]!;
    const profile = new Float64Array(m);
    if (slots.length === 0) return profile;
    let pooledSum = 0;
    for (const j of slots) pooledSum += pooledWeight[j]! ? pooled[j]! / pooledWeight[j]! : 0;
    const n = ownWeight[w]!;
    let sum = 0;
    for (const j of slots) {
      const ownShare = n > 0 ? row[j]! / n : 0;
      const pooledShare = pooledSum > 0 && pooledWeight[j]! ? pooled[j]! / pooledWeight[j]! / pooledSum : 1 / slots.length;
      profile[j] = (n * ownShare + options.shrinkDays * pooledShare) / (n + options.shrinkDays);
      sum += profile[j]!;
    }
    if (sum > 0) for (const j of slots) profile[j]! /= sum;
    return profile;
  });
}

export function dailyProfileModel(options: Partial<DailyProfileOptions> = {}, name = 'daily-profile'): ForecastModel {
  const opts = { ...DAILY_PROFILE_DEFAULTS, ...options };
  return {
    name,
    summary:
      'daily totals from exponential smoothing with a weekday index blended with the 4-week weekday median' +
      (opts.calendarEffects ? ', plus month-turn and after-holiday effects' : '') +
      ', spread by weekday intraday profiles shrunk toward the pooled profile',
    targets: ['volume'],
    applicable(train) {
      const complete = train.days.filter((d) => dailyTotal(d, train.shape.open[d.weekday]!) > 0).length;
      return complete >= WARM_UP_DAYS + 5;
    },
    fit(train: TrainingData, horizon: DayFlags[]) {
      const { shape } = train;
      const logTotals = Float64Array.from(train.days, (d) => {
        const total = dailyTotal(d, shape.open[d.weekday]!);
        return total > 0 ? Math.log(total) : NaN;
      });
      const openDaysPerWeek = shape.openWeekdays.filter(Boolean).length;
      const lead = Math.max(1, Math.min(horizon.length, openDaysPerWeek));
      const params = fitDailyLevel(train.days, logTotals, lead, opts);
      const { state } = runDailyLevel(train.days, logTotals, params, lead);
      const profiles = intradayProfiles(train, opts);
      const medians = weekdayMedians(train.days, logTotals, params, opts.medianWeeks);
      const values = emptyForecast(shape, horizon);
      horizon.forEach((day, h) => {
        const smoothed = state.level + state.weekday[day.weekday]!;
        const median = medians[day.weekday]!;
        const normal = Number.isFinite(median) ? opts.smoothedWeight * smoothed + (1 - opts.smoothedWeight) * median : smoothed;
        const total = Math.exp(normal + effectSum(effectsOf(day), params));
        const profile = profiles[day.weekday]!;
        for (let j = 0; j < profile.length; j++) values[h]![j] = total * profile[j]!;
      });
      return {
        values,
        params: {
          alpha: params.alpha,
          gamma: params.gamma,
          ...Object.fromEntries(CALENDAR_EFFECTS.map((k) => [`${k}Effect`, Number(params.effects[k].toFixed(4))])),
          smoothedWeight: opts.smoothedWeight,
          profileHalfLifeWeeks: opts.profileHalfLifeWeeks,
          shrinkDays: opts.shrinkDays,
        },
      };
    },
  };
}

export const dailyProfile = dailyProfileModel();
