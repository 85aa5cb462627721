/**
 * Civil dates and wall-clock times. The generator counts time in whole seconds from local midnight of the
 * first day; Asia/Shanghai has no daylight saving time, so a wall-clock second is an elapsed second.
 */

export const DAY = 86_400;
export const HOUR = 3_600;
export const MINUTE = 60;

/** Days since 1970-01-01 of a YYYY-MM-DD date, or NaN when it is not a real date. */
export function epochDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return civilDate(ms / 86_400_000) === date ? ms / 86_400_000 : NaN;
}

export function civilDate(epochDayNumber: number): string {
  return new Date(epochDayNumber * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(epochDayNumber: number): number {
  return (((epochDayNumber + 3) % 7) + 7) % 7;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

let hmsTable: string[] | null = null;
function hms(): string[] {
  if (!hmsTable) {
    hmsTable = new Array<string>(DAY);
    for (let s = 0; s < DAY; s++) hmsTable[s] = `${two(Math.floor(s / HOUR))}:${two(Math.floor((s % HOUR) / MINUTE))}:${two(s % MINUTE)}`;
  }
  return hmsTable;
}

/** Formats generator times (seconds from the first local midnight) as `YYYY-MM-DD HH:MM:SS`. */
export class WallClock {
  private readonly dayText: string[] = [];
  private readonly table = hms();

  constructor(readonly firstDay: number) {}

  dateOf(dayIndex: number): string {
    let text = this.dayText[dayIndex];
    if (text === undefined) {
      text = civilDate(this.firstDay + dayIndex);
      if (dayIndex >= 0) this.dayText[dayIndex] = text;
    }
    return text;
  }

  format(t: number): string {
    const day = Math.floor(t / DAY);
    return `${this.dateOf(day)} ${this.table[t - day * DAY]!}`;
  }

  /** Hour of the day (0–23) of a generator time. */
  static hourOf(t: number): number {
    return Math.floor((t - Math.floor(t / DAY) * DAY) / HOUR);
  }
}
