import { DAY_MS, MINUTE_MS, weekdayOf } from './clock.ts';
import type { IntervalSeries } from './grid.ts';

/** A deterministic pseudo-random generator (mulberry32) so generated histories are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw: Knuth's product method below 30, a rounded normal above. */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = random();
    while (p > limit) {
      k++;
      p *= random();
    }
    return k;
  }
  const u = Math.max(random(), 1e-12);
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
}

export interface SyntheticSpec {
  /** First day (epoch day number). */
  startDay: number;
  days: number;
  /** Minutes per history row. */
  stepMinutes: number;
  /** Expected contacts in the row starting at `minute` on a date (0 = closed). */
  mean(dayNumber: number, weekday: number, minute: number): number;
  /** AHT in seconds of a row, when the history should carry AHT. */
  aht?(dayNumber: number, weekday: number, minute: number, random: () => number): number;
}

/** A Poisson history with a known mean, for tests and demos; rows are written only where the mean is > 0. */
export function syntheticSeries(spec: SyntheticSpec, seed = 1): IntervalSeries {
  const random = seededRandom(seed);
  const timestamps: number[] = [];
  const volumes: number[] = [];
  const ahts: number[] = [];
  for (let d = spec.startDay; d < spec.startDay + spec.days; d++) {
    const weekday = weekdayOf(d);
    for (let minute = 0; minute < 1440; minute += spec.stepMinutes) {
      const mean = spec.mean(d, weekday, minute);
      if (mean <= 0) continue;
      timestamps.push(d * DAY_MS + minute * MINUTE_MS);
      volumes.push(poisson(mean, random));
      if (spec.aht) ahts.push(spec.aht(d, weekday, minute, random));
    }
  }
  return spec.aht ? { timestamps, volumes, ahts } : { timestamps, volumes };
}
