/** The reference seeds the generator follows: the queue catalog and the holiday calendar. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const queuesPath = fileURLToPath(new URL('../queues.csv', import.meta.url));
export const calendarPath = fileURLToPath(new URL('../calendar.csv', import.meta.url));

export interface QueueSeed {
  queueId: string;
  queueName: string;
  queueNameEn: string;
  channel: string;
  skillGroup: string;
  slThresholdSeconds: number;
  slTarget: number;
  abandonTarget: number;
  asaTargetSeconds: number;
  openHour: number;
  closeHour: number;
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'special';
  name: string;
  factor: number;
}

/** Rows of a plain CSV seed (header line, no quoting) as objects keyed by the header. */
function readSeed(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new Error(`${path}: line ${i + 2}: expected ${header.length} fields, found ${cells.length}`);
    return Object.fromEntries(header.map((h, j) => [h, cells[j]!.trim()]));
  });
}

function num(row: Record<string, string>, key: string, path: string): number {
  const n = Number(row[key]);
  if (row[key] === '' || !Number.isFinite(n)) throw new Error(`${path}: ${key} "${row[key]}" is not a number`);
  return n;
}

export function readQueues(path = queuesPath): QueueSeed[] {
  return readSeed(path).map((r) => ({
    queueId: r.queue_id!,
    queueName: r.queue_name!,
    queueNameEn: r.queue_name_en!,
    channel: r.channel!,
    skillGroup: r.skill_group!,
    slThresholdSeconds: num(r, 'sl_threshold_seconds', path),
    slTarget: num(r, 'sl_target', path),
    abandonTarget: num(r, 'abandon_target', path),
    asaTargetSeconds: num(r, 'asa_target_seconds', path),
    openHour: num(r, 'open_hour', path),
    closeHour: num(r, 'close_hour', path),
  }));
}

export function readCalendar(path = calendarPath): Map<string, CalendarDay> {
  const out = new Map<string, CalendarDay>();
  for (const r of readSeed(path)) {
    if (r.kind !== 'holiday' && r.kind !== 'special') throw new Error(`${path}: ${r.date}: kind must be holiday or special, got "${r.kind}"`);
    out.set(r.date!, { date: r.date!, kind: r.kind, name: r.name!, factor: num(r, 'factor', path) });
  }
  return out;
}
