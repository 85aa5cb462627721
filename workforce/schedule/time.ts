/**
 * Local wall-clock time on the schedule's timeline. Every moment is a whole number of minutes since
 * midnight of the horizon's first day; dates are calendar dates with no time zone (a DST change is
 * not modelled: the requirement file's wall clock is taken as it is).
 */

export const MINUTES_PER_DAY = 24 * 60;

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const CLOCK = /^(\d{2}):(\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** "HH:MM" → minutes after midnight; "24:00" is allowed only when `allowEndOfDay`. Undefined when malformed. */
export function clockMinutes(text: string, allowEndOfDay = false): number | undefined {
  const m = CLOCK.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0 && allowEndOfDay) return MINUTES_PER_DAY;
  if (h > 23) return undefined;
  return h * 60 + min;
}

/** Minutes after midnight → "HH:MM" (values past midnight wrap). */
export function formatClock(minutes: number): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "YYYY-MM-DDTHH:MM" → { day number since 1970-01-01, minute of day }; undefined when malformed or not a real date. */
export function parseLocal(text: string): { day: number; minute: number } | undefined {
  const m = LOCAL.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, min] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || min > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return { day: Math.round(ms / 86_400_000), minute: h * 60 + min };
}

/** A day number since 1970-01-01 → "YYYY-MM-DD". */
export function formatDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** A day number since 1970-01-01 → its weekday (Mon = 0 … Sun = 6). */
export function weekdayIndex(day: number): number {
  // 1970-01-01 was a Thursday.
  return (((day + 3) % 7) + 7) % 7;
}

/** The horizon: its first calendar day and how many days it spans. */
export interface Horizon {
  /** Day number (since 1970-01-01) of the first day; minute 0 of the timeline is its midnight. */
  firstDay: number;
  days: number;
}

/** Timeline minute → "YYYY-MM-DDTHH:MM". */
export function formatMoment(horizon: Horizon, minute: number): string {
  const day = Math.floor(minute / MINUTES_PER_DAY);
  return `${formatDate(horizon.firstDay + day)}T${formatClock(minute - day * MINUTES_PER_DAY)}`;
}

/** Day index inside the horizon → index of its Monday-to-Sunday week inside the horizon (0 for the first). */
export function weekOfDay(horizon: Horizon, dayIndex: number): number {
  const firstWeekday = weekdayIndex(horizon.firstDay);
  return Math.floor((dayIndex + firstWeekday) / 7);
}

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}
