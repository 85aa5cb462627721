/**
 * Prediction intervals from backtest errors: the relative errors (actual − forecast) ÷ forecast of the chosen
 * model, grouped by the week ahead the forecast was made for (days 1–7, 8–14, …), give the lower and upper
 * quantiles; for small volumes the band is at least the Poisson band forecast ± z·√forecast. Grouping by week
 * rather than by day keeps several origins' worth of day-level shocks in each group.
 */
export interface ErrorQuantiles {
  /** Lower and upper relative-error quantile per week ahead (index 0 = the first 7 forecast days). */
  byWeek: Array<{ lower: number; upper: number }>;
  coverage: number;
}

export interface BacktestError {
  /** Calendar days between the origin and the forecast day (0 = the origin day). */
  lead: number;
  actual: number;
  forecast: number;
}

export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Normal quantile for a two-sided central coverage (e.g. 0.8 → 1.2816), by Acklam's rational approximation. */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

const MIN_ERRORS_PER_WEEK = 100;

export function errorQuantiles(errors: BacktestError[], horizonDays: number, coverage: number): ErrorQuantiles {
  const tail = (1 - coverage) / 2;
  const relative = (e: BacktestError) => (e.actual - e.forecast) / e.forecast;
  const usable = errors.filter((e) => e.forecast > 0 && Number.isFinite(e.actual));
  const pooled = Float64Array.from(usable, relative).sort();
  const pooledBand = { lower: Math.min(0, quantile(pooled, tail) || 0), upper: Math.max(0, quantile(pooled, 1 - tail) || 0) };
  const byWeek = Array.from({ length: Math.ceil(horizonDays / 7) }, (_, week) => {
    const own = Float64Array.from(usable.filter((e) => Math.floor(e.lead / 7) === week), relative).sort();
    if (own.length < MIN_ERRORS_PER_WEEK) return pooledBand;
    return { lower: Math.min(0, quantile(own, tail)), upper: Math.max(0, quantile(own, 1 - tail)) };
  });
  return { byWeek, coverage };
}

/** Lower and upper bounds of one forecast value. */
export function predictionBand(
  forecast: number,
  lead: number,
  quantiles: ErrorQuantiles | undefined,
  poisson: boolean,
): { lower: number; upper: number } {
  const coverage = quantiles?.coverage ?? 0.8;
  const band = quantiles?.byWeek[Math.min(Math.floor(lead / 7), quantiles.byWeek.length - 1)];
  let lower = band ? forecast * (1 + band.lower) : forecast;
  let upper = band ? forecast * (1 + band.upper) : forecast;
  if (poisson) {
    const z = normalQuantile(1 - (1 - coverage) / 2);
    lower = Math.min(lower, forecast - z * Math.sqrt(forecast));
    upper = Math.max(upper, forecast + z * Math.sqrt(forecast));
  }
  return { lower: Math.max(0, lower), upper };
}
