import { DAY_MS, MINUTE_MS, MINUTES_PER_DAY, dayNumberOf, minuteOfDay, weekdayOf } from './clock.ts';

/** One queue's history as a caller holds it in memory: interval start times (wall clock as epoch ms) and counts. */
export interface IntervalSeries {
  timestamps: number[];
  volumes: number[];
  /** Average handle time of the contacts handled in each interval (seconds); null or NaN when unknown. */
  ahts?: (number | null)[];
}

/** Which intervals of which weekdays the queue is open, at one interval width. */
export interface GridShape {
  intervalMinutes: number;
  /** Start minute (since midnight) of each slot that is open on at least one weekday, ascending. */
  slotStarts: number[];
  /** open[weekday][slot]: the slot is open on that weekday (0 = Sunday). */
  open: boolean[][];
  /** Weekdays with at least one open slot. */
  openWeekdays: boolean[];
}

/** One open-weekday date on the grid. Missing values are NaN; slots closed on that weekday hold 0 volume. */
export interface GridDay {
  dayNumber: number;
  weekday: number;
  volumes: Float64Array;
  /** Volume-weighted AHT per slot, NaN where nothing was handled. */
  ahts: Float64Array;
}

/** A history laid out on a regular grid: every open-weekday date from the first to the last day of history. */
export interface SeriesGrid {
  shape: GridShape;
  days: GridDay[];
  hasAht: boolean;
}

export interface GridOptions {
  /** Open slots and weekdays are read from the last this-many days of history (default 56 = 8 weeks). */
  openWindowDays?: number;
}

/** A problem with the caller's series, calendar or options; the CLI turns it into a UserError. */
export class ForecastInputError extends Error {
  override name = 'ForecastInputError';
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The width of the history's own intervals in minutes: the gcd of the gaps between distinct timestamps. */
export function historyIntervalMinutes(timestamps: number[]): number {
  const minutes = [...new Set(timestamps.map((t) => Math.round(t / MINUTE_MS)))].sort((a, b) => a - b);
  let g = 0;
  for (let i = 1; i < minutes.length; i++) g = gcd(g, minutes[i]! - minutes[i - 1]!);
  return g === 0 ? MINUTES_PER_DAY : g;
}

/**
 * Sums a history into intervals of `intervalMinutes` (AHT weighted by volume) and lays it on the grid of open
 * slots. A weekday slot is open when it had volume in the recent window; an open weekday with no volume at all is
 * a missing day (NaN), not a day of zero demand; an open slot with no row on a day that has volume holds 0.
 */
export function buildGrid(series: IntervalSeries, intervalMinutes: number, options: GridOptions = {}): SeriesGrid {
  const { timestamps, volumes, ahts } = series;
  if (timestamps.length !== volumes.length) throw new ForecastInputError('timestamps and volumes differ in length');
  if (ahts && ahts.length !== volumes.length) throw new ForecastInputError('timestamps and ahts differ in length');
  if (timestamps.length === 0) throw new ForecastInputError('the history is empty');
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || MINUTES_PER_DAY % intervalMinutes !== 0) {
    throw new ForecastInputError(`interval of ${intervalMinutes} min does not divide a day into whole intervals`);
  }
  for (const t of timestamps) {
    if (!Number.isFinite(t) || t % MINUTE_MS !== 0) throw new ForecastInputError('timestamps must fall on whole minutes');
  }
  const width = historyIntervalMinutes(timestamps);
  if (intervalMinutes % width !== 0) {
    throw new ForecastInputError(
      `history intervals are ${width} min apart, which does not add up to ${intervalMinutes}-min intervals`,
    );
  }
  const slotsPerDay = MINUTES_PER_DAY / intervalMinutes;
  const hasAht = ahts !== undefined && ahts.some((a) => a !== null && Number.isFinite(a));

  interface Acc { volume: Float64Array; ahtSeconds: Float64Array; ahtVolume: Float64Array }
  const byDay = new Map<number, Acc>();
  let firstDay = Infinity;
  let lastDay = -Infinity;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    const v = volumes[i]!;
    if (!Number.isFinite(v) || v < 0) throw new ForecastInputError(`volume at index ${i} is not a non-negative number`);
    const day = dayNumberOf(t);
    firstDay = Math.min(firstDay, day);
    lastDay = Math.max(lastDay, day);
    let acc = byDay.get(day);
    if (!acc) {
      acc = { volume: new Float64Array(slotsPerDay), ahtSeconds: new Float64Array(slotsPerDay), ahtVolume: new Float64Array(slotsPerDay) };
      byDay.set(day, acc);
    }
    const slot = Math.floor(minuteOfDay(t) / intervalMinutes);
    acc.volume[slot]! += v;
    const a = ahts?.[i];
    if (a !== undefined && a !== null && Number.isFinite(a) && v > 0) {
      acc.ahtSeconds[slot]! += a * v;
      acc.ahtVolume[slot]! += v;
    }
  }

  const windowDays = options.openWindowDays ?? 56;
  const windowStart = Math.max(firstDay, lastDay - windowDays + 1);
  const openBySlot: boolean[][] = Array.from({ length: 7 }, () => new Array<boolean>(slotsPerDay).fill(false));
  for (const [day, acc] of byDay) {
    if (day < windowStart) continue;
    const row = openBySlot[weekdayOf(day)]!;
    for (let s = 0; s < slotsPerDay; s++) if (acc.volume[s]! > 0) row[s] = true;
  }
  const slotIndexes: number[] = [];
  for (let s = 0; s < slotsPerDay; s++) if (openBySlot.some((row) => row[s])) slotIndexes.push(s);
  if (slotIndexes.length === 0) throw new ForecastInputError('the history shows no volume in its last weeks');
  const open = openBySlot.map((row) => slotIndexes.map((s) => row[s]!));
  const openWeekdays = open.map((row) => row.some(Boolean));
  const shape: GridShape = { intervalMinutes, slotStarts: slotIndexes.map((s) => s * intervalMinutes), open, openWeekdays };

  const days: GridDay[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = weekdayOf(day);
    if (!openWeekdays[weekday]) continue;
    const acc = byDay.get(day);
    const vols = new Float64Array(slotIndexes.length).fill(NaN);
    const ahtRow = new Float64Array(slotIndexes.length).fill(NaN);
    const openRow = open[weekday]!;
    let total = 0;
    if (acc) for (let j = 0; j < slotIndexes.length; j++) if (openRow[j]) total += acc.volume[slotIndexes[j]!]!;
    if (acc && total > 0) {
      for (let j = 0; j < slotIndexes.length; j++) {
        const s = slotIndexes[j]!;
        vols[j] = openRow[j] ? acc.volume[s]! : 0;
        if (openRow[j] && acc.ahtVolume[s]! > 0) ahtRow[j] = acc.ahtSeconds[s]! / acc.ahtVolume[s]!;
      }
    }
    days.push({ dayNumber: day, weekday, volumes: vols, ahts: ahtRow });
  }
  return { shape, days, hasAht };
}

/** Start time (wall clock ms) of a slot on a day. */
export function slotTime(shape: GridShape, dayNumber: number, slot: number): number {
  return dayNumber * DAY_MS + shape.slotStarts[slot]! * MINUTE_MS;
}

/** Number of open slots over one week: the season length of a weekly model. */
export function openSlotsPerWeek(shape: GridShape): number {
  let n = 0;
  for (let w = 0; w < 7; w++) for (const o of shape.open[w]!) if (o) n++;
  return n;
}
