import type { CalendarEntry } from './calendar.ts';
import { parseIsoDate, parseTimestamp, MINUTE_MS } from './clock.ts';
import { ForecastInputError, type IntervalSeries } from './grid.ts';

/** Splits one CSV line; double-quoted fields may hold commas and doubled quotes. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

const TIMESTAMP_COLUMNS = ['timestamp', 'datetime', 'date_time', 'interval_start', 'start', 'time'];
const VOLUME_COLUMNS = ['volume', 'calls', 'offered', 'contacts', 'count'];
const AHT_COLUMNS = ['aht', 'aht_s', 'aht_seconds'];

function findColumn(header: string[], names: string[]): number {
  for (const name of names) {
    const i = header.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

export interface ParsedHistory {
  series: IntervalSeries;
  /** True when timestamps were converted to UTC (zoned timestamps read without `local`). */
  utcClock: boolean;
  /** Name of the volume column as written in the header. */
  volumeColumn: string;
}

/**
 * Reads a history CSV with a header naming a timestamp column (timestamp, datetime, …), a volume column (volume,
 * calls, offered, …) and optionally `aht` in seconds; other columns are ignored. With `local`, a `Z` or offset on
 * a timestamp is dropped and the wall clock is read as written; without it, zoned timestamps are converted to
 * UTC. Bad rows are reported with their line number and field.
 */
export function parseHistoryCsv(text: string, options: { local: boolean }): ParsedHistory {
  const all = lines(text);
  const headerLine = all[0] ?? '';
  const header = splitCsvLine(headerLine).map((h) => h.toLowerCase());
  const tCol = findColumn(header, TIMESTAMP_COLUMNS);
  const vCol = findColumn(header, VOLUME_COLUMNS);
  const aCol = findColumn(header, AHT_COLUMNS);
  if (tCol < 0 || vCol < 0) {
    throw new ForecastInputError(
      `line 1: the header must name a timestamp column (${TIMESTAMP_COLUMNS.join('|')}) and a volume column ` +
        `(${VOLUME_COLUMNS.join('|')}); got "${headerLine.trim()}"`,
    );
  }
  const timestamps: number[] = [];
  const volumes: number[] = [];
  const ahts: (number | null)[] = [];
  let zoned: boolean | undefined;
  for (let i = 1; i < all.length; i++) {
    const line = all[i]!;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const fields = splitCsvLine(line);
    const fail = (field: string, why: string) => {
      throw new ForecastInputError(`line ${lineNo}, field "${field}": ${why}`);
    };
    const rawTime = fields[tCol] ?? '';
    const parsed = parseTimestamp(rawTime);
    if (!parsed) fail(header[tCol]!, `"${rawTime}" is not a timestamp like 2003-03-03T07:00:00Z`);
    const { wallClock, offsetMinutes } = parsed!;
    const hasZone = offsetMinutes !== undefined;
    if (!options.local) {
      if (zoned === undefined) zoned = hasZone;
      else if (zoned !== hasZone) fail(header[tCol]!, `"${rawTime}" mixes zoned and unzoned timestamps (use --local to read all as wall clock)`);
    }
    const t = !options.local && hasZone ? wallClock - offsetMinutes! * MINUTE_MS : wallClock;
    if (t % MINUTE_MS !== 0) fail(header[tCol]!, `"${rawTime}" does not start on a whole minute`);
    const rawVolume = fields[vCol] ?? '';
    const volume = Number(rawVolume);
    if (rawVolume === '' || !Number.isFinite(volume) || volume < 0) fail(header[vCol]!, `"${rawVolume}" is not a number ≥ 0`);
    let aht: number | null = null;
    if (aCol >= 0) {
      const rawAht = fields[aCol] ?? '';
      if (rawAht !== '') {
        aht = Number(rawAht);
        if (!Number.isFinite(aht) || aht < 0) fail(header[aCol]!, `"${rawAht}" is not a number of seconds ≥ 0`);
      }
    }
    timestamps.push(t);
    volumes.push(volume);
    ahts.push(aht);
  }
  if (timestamps.length === 0) throw new ForecastInputError('the history has a header but no rows');
  const series: IntervalSeries = aCol >= 0 ? { timestamps, volumes, ahts } : { timestamps, volumes };
  return { series, utcClock: !options.local && zoned === true, volumeColumn: header[vCol]! };
}

/** Reads a calendar CSV `date,kind[,factor][,name]` (kind = holiday | special). */
export function parseCalendarCsv(text: string): CalendarEntry[] {
  const all = lines(text);
  const header = splitCsvLine(all[0] ?? '').map((h) => h.toLowerCase());
  const dCol = header.indexOf('date');
  const kCol = header.indexOf('kind');
  const fCol = header.indexOf('factor');
  const nCol = header.indexOf('name');
  if (dCol < 0 || kCol < 0) throw new ForecastInputError('calendar line 1: the header must name date and kind columns (factor, name optional)');
  const entries: CalendarEntry[] = [];
  for (let i = 1; i < all.length; i++) {
    const line = all[i]!;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    const fail = (field: string, why: string) => {
      throw new ForecastInputError(`calendar line ${i + 1}, field "${field}": ${why}`);
    };
    const date = fields[dCol] ?? '';
    if (parseIsoDate(date) === undefined) fail('date', `"${date}" is not a YYYY-MM-DD date`);
    const kind = (fields[kCol] ?? '').toLowerCase();
    if (kind !== 'holiday' && kind !== 'special') fail('kind', `"${kind}" is not holiday or special`);
    const entry: CalendarEntry = { date, kind: kind as CalendarEntry['kind'] };
    const rawFactor = fCol >= 0 ? fields[fCol] ?? '' : '';
    if (rawFactor !== '') {
      const factor = Number(rawFactor);
      if (!Number.isFinite(factor) || factor < 0) fail('factor', `"${rawFactor}" is not a number ≥ 0`);
      entry.factor = factor;
    }
    if (nCol >= 0 && fields[nCol]) entry.name = fields[nCol];
    entries.push(entry);
  }
  return entries;
}
