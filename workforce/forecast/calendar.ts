import { monthKey, parseIsoDate, weekdayOf } from './clock.ts';
import { ForecastInputError } from './grid.ts';
import type { DayFlags } from './model.ts';

/**
 * A date that does not behave like its weekday. A holiday without a factor (or with factor 0) is closed: it is
 * left out of training and forecast as closed. A holiday or special day with a factor is open with volume
 * = normal × factor: training divides its volumes by the factor, the forecast multiplies by it. A special day
 * without a factor is left out of training and forecast as a normal day.
 */
export interface CalendarEntry {
  date: string;
  kind: 'holiday' | 'special';
  factor?: number;
  name?: string;
}

export class Calendar {
  private readonly byDay = new Map<number, CalendarEntry>();

  constructor(entries: readonly CalendarEntry[] = []) {
    for (const entry of entries) {
      const day = parseIsoDate(entry.date);
      if (day === undefined) throw new ForecastInputError(`calendar date "${entry.date}" is not a YYYY-MM-DD date`);
      if (entry.kind !== 'holiday' && entry.kind !== 'special') {
        throw new ForecastInputError(`calendar kind "${String(entry.kind)}" on ${entry.date} is not holiday or special`);
      }
      if (entry.factor !== undefined && !(Number.isFinite(entry.factor) && entry.factor >= 0)) {
        throw new ForecastInputError(`calendar factor on ${entry.date} must be a number ≥ 0`);
      }
      this.byDay.set(day, entry);
    }
  }

  get(dayNumber: number): CalendarEntry | undefined {
    return this.byDay.get(dayNumber);
  }

  isClosed(dayNumber: number): boolean {
    const e = this.byDay.get(dayNumber);
    return e !== undefined && e.kind === 'holiday' && !(e.factor !== undefined && e.factor > 0);
  }

  /** Multiplier of the normal forecast on this date (0 = closed). */
  forecastFactor(dayNumber: number): number {
    const e = this.byDay.get(dayNumber);
    if (!e) return 1;
    if (e.factor !== undefined) return e.factor;
    return e.kind === 'holiday' ? 0 : 1;
  }

  /** Divisor that turns an observed volume into a normal-day volume; NaN when the day must not be learned from. */
  trainingDivisor(dayNumber: number): number {
    const e = this.byDay.get(dayNumber);
    if (!e) return 1;
    return e.factor !== undefined && e.factor > 0 ? e.factor : NaN;
  }

  get size(): number {
    return this.byDay.size;
  }
}

/**
 * Calendar facts of a date: its rank among the business days of its month, the business days left in the month
 * (business = open weekday and not a closed holiday), and whether it follows a closed holiday.
 */
export function dayFlags(dayNumber: number, openWeekdays: boolean[], calendar: Calendar): DayFlags {
  const isBusiness = (d: number) => openWeekdays[weekdayOf(d)]! && !calendar.isClosed(d);
  const weekday = weekdayOf(dayNumber);
  const listed = calendar.get(dayNumber) !== undefined;
  if (!isBusiness(dayNumber)) return { dayNumber, weekday, businessDay: 0, businessDaysLeft: 0, afterClosure: false, listed };
  const month = monthKey(dayNumber);
  let businessDay = 1;
  for (let d = dayNumber - 1; monthKey(d) === month; d--) if (isBusiness(d)) businessDay++;
  let businessDaysLeft = 0;
  for (let d = dayNumber + 1; monthKey(d) === month; d++) if (isBusiness(d)) businessDaysLeft++;
  let previous = dayNumber - 1;
  while (!openWeekdays[weekdayOf(previous)] && previous > dayNumber - 7) previous--;
  return { dayNumber, weekday, businessDay, businessDaysLeft, afterClosure: calendar.isClosed(previous), listed };
}
