import { Calendar, dayFlags } from './calendar.ts';
import { buildGrid, type GridShape, type IntervalSeries } from './grid.ts';
import type { DayFlags, ModelDay, Target, TrainingData } from './model.ts';
import { dayNumberOf, weekdayOf } from './clock.ts';

/** A history on its grid, with calendar days normalized, ready for the models. */
export interface PreparedSeries {
  shape: GridShape;
  calendar: Calendar;
  volume: ModelDay[];
  /** Present when the history carries AHT. */
  aht: ModelDay[] | undefined;
  firstDay: number;
  lastDay: number;
}

/** A forecast day with its calendar treatment. */
export interface HorizonDay extends DayFlags {
  /** Multiplier of the normal-day volume (0 = closed). */
  factor: number;
}

export function prepareSeries(
  series: IntervalSeries,
  intervalMinutes: number,
  calendar: Calendar,
  openWindowDays?: number,
): PreparedSeries {
  const grid = buildGrid(series, intervalMinutes, openWindowDays === undefined ? {} : { openWindowDays });
  const { shape } = grid;
  const volume: ModelDay[] = [];
  const aht: ModelDay[] = [];
  for (const day of grid.days) {
    const flags = dayFlags(day.dayNumber, shape.openWeekdays, calendar);
    const divisor = calendar.trainingDivisor(day.dayNumber);
    const volumes = day.volumes.map((v) => v / divisor);
    const ahts = calendar.isClosed(day.dayNumber) ? day.ahts.map(() => NaN) : day.ahts.slice();
    volume.push({ ...flags, values: volumes });
    aht.push({ ...flags, values: ahts });
  }
  const firstDay = grid.days[0]?.dayNumber ?? 0;
  let lastDay = -Infinity;
  for (const t of series.timestamps) lastDay = Math.max(lastDay, dayNumberOf(t));
  return { shape, calendar, volume, aht: grid.hasAht ? aht : undefined, firstDay, lastDay };
}

/** The open-weekday dates of the `count` calendar days starting at `fromDay`, with their calendar factors. */
export function horizonDays(prepared: Pick<PreparedSeries, 'shape' | 'calendar'>, fromDay: number, count: number): HorizonDay[] {
  const out: HorizonDay[] = [];
  for (let d = fromDay; d < fromDay + count; d++) {
    if (!prepared.shape.openWeekdays[weekdayOf(d)]) continue;
    out.push({ ...dayFlags(d, prepared.shape.openWeekdays, prepared.calendar), factor: prepared.calendar.forecastFactor(d) });
  }
  return out;
}

/** Training data of one target with the days before `beforeDay`. */
export function trainingBefore(prepared: PreparedSeries, target: Target, beforeDay: number): TrainingData {
  const days = target === 'volume' ? prepared.volume : prepared.aht ?? [];
  return { shape: prepared.shape, target, days: days.filter((d) => d.dayNumber < beforeDay) };
}
