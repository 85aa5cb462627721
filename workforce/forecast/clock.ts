/**
 * Wall-clock time as plain numbers. A timestamp is the epoch milliseconds of a wall-clock reading taken as if it
 * were UTC, so day and hour arithmetic never meets a daylight-saving jump. Day numbers count days since 1970-01-01.
 */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

export function dayNumberOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Minutes since midnight of a wall-clock timestamp. */
export function minuteOfDay(ms: number): number {
  return (ms - dayNumberOf(ms) * DAY_MS) / MINUTE_MS;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD` of a day number. */
export function isoDate(dayNumber: number): string {
  const d = new Date(dayNumber * DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Day number of a `YYYY-MM-DD` date, or undefined when it is not a real calendar date. */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

/** Month (0–11) and year of a day number, for month-turn rules. */
export function monthKey(dayNumber: number): number {
  const d = new Date(dayNumber * DAY_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** `YYYY-MM-DDTHH:MM:SS`, with a trailing `Z` when the clock is UTC rather than local. */
export function formatTimestamp(ms: number, utc: boolean): string {
  const d = new Date(ms);
  const text =
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return utc ? `${text}Z` : text;
}

/** Reads `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:]MM]`. */
export interface ParsedTimestamp {
  /** Wall clock as written, as epoch ms. */
  wallClock: number;
  /** Offset from UTC in minutes when the text carries `Z` or an offset; undefined for a bare wall clock. */
  offsetMinutes: number | undefined;
}

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP_RE.exec(text.trim());
  if (!m) return undefined;
  const day = parseIsoDate(`${m[1]}-${m[2]}-${m[3]}`);
  const hours = Number(m[4]);
  const minutes = Number(m[5]);
  const seconds = m[6] === undefined ? 0 : Number(m[6]);
  if (day === undefined || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  const wallClock = day * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction;
  const zone = m[8];
  let offsetMinutes: number | undefined;
  if (zone === 'Z' || zone === 'z') offsetMinutes = 0;
  else if (zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return { wallClock, offsetMinutes };
}
