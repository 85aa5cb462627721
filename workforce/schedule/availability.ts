import { clockMinutes, MINUTES_PER_DAY, weekdayIndex, WEEKDAYS, type Horizon } from './time.ts';

/** One weekly window: on `weekday` (Mon = 0) from `from` to `to` minutes after that day's midnight (`to` may pass midnight). */
export interface WeeklyWindow {
  weekday: number;
  from: number;
  to: number;
}

/** Minutes on the timeline, start inclusive, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

const DAY_INDEX = new Map(WEEKDAYS.map((d, i) => [d.toLowerCase(), i]));

function dayNumber(token: string): number | undefined {
  return DAY_INDEX.get(token.trim().toLowerCase());
}

/**
 * Parses an availability text such as `Mon-Fri 07:00-19:00; Sat 09:00-13:00` or `Mon,Wed 08:00-24:00`.
 * Day ranges may wrap (`Fri-Mon`); a time range whose end is not after its start runs past midnight
 * (`22:00-06:00`). An empty text means available at any time. Returns an error message when malformed.
 */
export function parseAvailability(text: string): WeeklyWindow[] | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '' || /^(any|always)$/i.test(trimmed)) {
    return WEEKDAYS.map((_, weekday) => ({ weekday, from: 0, to: MINUTES_PER_DAY }));
  }
  const windows: WeeklyWindow[] = [];
  for (const part of trimmed.split(';')) {
    const entry = part.trim();
    if (entry === '') continue;
    const m = /^(\S+)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(entry);
    if (!m) return { error: `"${entry}" is not like "Mon-Fri 07:00-19:00"` };
    const [, daysText, fromText, toText] = m as unknown as [string, string, string, string];
    const from = clockMinutes(fromText);
    const to = clockMinutes(toText, true);
    if (from === undefined) return { error: `"${fromText}" is not a time HH:MM` };
    if (to === undefined) return { error: `"${toText}" is not a time HH:MM` };
    const end = to > from ? to : to + MINUTES_PER_DAY;
    const days = new Set<number>();
    for (const token of daysText.split(',')) {
      const range = token.split('-');
      if (range.length === 1) {
        const d = dayNumber(range[0] ?? '');
        if (d === undefined) return { error: `"${token}" is not a weekday (Mon … Sun)` };
        days.add(d);
      } else if (range.length === 2) {
        const a = dayNumber(range[0] ?? '');
        const b = dayNumber(range[1] ?? '');
        if (a === undefined || b === undefined) return { error: `"${token}" is not a weekday range like Mon-Fri` };
        for (let d = a; ; d = (d + 1) % 7) {
          days.add(d);
          if (d === b) break;
        }
      } else {
        return { error: `"${token}" is not a weekday range like Mon-Fri` };
      }
    }
    for (const weekday of [...days].sort((x, y) => x - y)) windows.push({ weekday, from, to: end });
  }
  if (windows.length === 0) return { error: 'no window given' };
  return windows;
}

/** The weekly windows laid on the horizon (plus the day before, for windows past midnight), merged and sorted. */
export function availabilitySpans(windows: readonly WeeklyWindow[], horizon: Horizon, extraDays = 1): Span[] {
  const spans: Span[] = [];
  for (let day = -1; day < horizon.days + extraDays; day++) {
    const weekday = weekdayIndex(horizon.firstDay + day);
    for (const w of windows) {
      if (w.weekday === weekday) spans.push({ start: day * MINUTES_PER_DAY + w.from, end: day * MINUTES_PER_DAY + w.to });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Whether [start, end) lies wholly inside one merged availability span. */
export function isAvailable(spans: readonly Span[], start: number, end: number): boolean {
  // Spans are few per agent (one or two a day): a linear scan is enough.
  for (const s of spans) {
    if (s.start <= start && end <= s.end) return true;
    if (s.start > start) return false;
  }
  return false;
}
