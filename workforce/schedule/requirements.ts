import { UserError } from '../../core/errors.ts';
import { headerIndex, parseCsv } from './csv.ts';
import { gcd, MINUTES_PER_DAY, parseLocal, type Horizon } from './time.ts';

/** Agents required on one queue in one interval (the `fct_staffing` grain). */
export interface Requirement {
  queue: string;
  /** Local wall clock `YYYY-MM-DDTHH:MM`. */
  intervalStart: string;
  /** Agents required; a fraction is rounded up. */
  required: number;
  /** Line in the source file, for messages. */
  line?: number;
}

/** Requirements placed on the timeline. */
export interface RequirementGrid {
  horizon: Horizon;
  intervalMinutes: number;
  queues: string[];
  /** One entry per requirement row, with its timeline start and whole required agents. */
  rows: { queue: number; start: number; required: number; intervalStart: string }[];
}

function where(r: Requirement, index: number, source: string): string {
  return r.line !== undefined ? `${source} line ${r.line}` : `${source} row ${index + 1}`;
}

/** Reads `queue,interval_start,required` CSV text; a bad value is a UserError naming its line and field. */
export function parseRequirementsCsv(text: string, source = 'requirements'): Requirement[] {
  const fail = (line: number, message: string): never => {
    throw new UserError(`${source} line ${line}: ${message}`);
  };
  const [header, ...records] = parseCsv(text, fail);
  const col = headerIndex(header, ['queue', 'interval_start', 'required'], [], fail);
  const out: Requirement[] = [];
  for (const rec of records) {
    const get = (name: string) => (rec.fields[col.get(name)!] ?? '').trim();
    const queue = get('queue');
    if (queue === '') fail(rec.line, 'field queue is empty');
    const intervalStart = get('interval_start');
    if (!parseLocal(intervalStart)) fail(rec.line, `field interval_start: "${intervalStart}" is not a local time YYYY-MM-DDTHH:MM`);
    const requiredText = get('required');
    const required = Number(requiredText);
    if (requiredText === '' || !Number.isFinite(required) || required < 0) {
      fail(rec.line, `field required: "${requiredText}" is not a number ≥ 0`);
    }
    out.push({ queue, intervalStart, required, line: rec.line });
  }
  if (out.length === 0) fail(2, 'no requirement rows');
  return out;
}

/** Rounds a required count up, ignoring floating-point noise (2.0000000001 stays 2). */
export function wholeAgents(required: number): number {
  return Math.max(0, Math.ceil(required - 1e-9));
}

/**
 * Infers the interval length when none is given: the largest length (at most 60 min) that divides
 * every interval start's minute of day.
 */
export function inferIntervalMinutes(requirements: readonly Requirement[]): number {
  let g = 60;
  for (const r of requirements) {
    const p = parseLocal(r.intervalStart);
    if (p) g = gcd(g, p.minute);
  }
  return g === 0 ? 60 : g;
}

/** Validates requirements and places them on the timeline starting at the first day's midnight. */
export function requirementGrid(requirements: readonly Requirement[], intervalMinutes: number, source = 'requirements'): RequirementGrid {
  if (!Number.isInteger(intervalMinutes) || intervalMinutes <= 0 || MINUTES_PER_DAY % intervalMinutes !== 0) {
    throw new UserError(`interval: ${intervalMinutes} minutes does not divide a day into whole intervals`);
  }
  if (requirements.length === 0) throw new UserError(`${source}: no requirement rows`);
  const parsed = requirements.map((r, i) => {
    const p = parseLocal(r.intervalStart);
    if (!p) throw new UserError(`${where(r, i, source)}: field interval_start: "${r.intervalStart}" is not a local time YYYY-MM-DDTHH:MM`);
    if (p.minute % intervalMinutes !== 0) {
      throw new UserError(`${where(r, i, source)}: field interval_start: ${r.intervalStart} is not on the ${intervalMinutes}-minute interval grid`);
    }
    if (typeof r.queue !== 'string' || r.queue.trim() === '') throw new UserError(`${where(r, i, source)}: field queue is empty`);
    if (!Number.isFinite(r.required) || r.required < 0) throw new UserError(`${where(r, i, source)}: field required: ${r.required} is not a number ≥ 0`);
    return p;
  });
  const firstDay = Math.min(...parsed.map((p) => p.day));
  const lastDay = Math.max(...parsed.map((p) => p.day));
  if (lastDay - firstDay > 62) throw new UserError(`${source}: spans ${lastDay - firstDay + 1} days; schedule at most 63 days at once`);
  const queues = [...new Set(requirements.map((r) => r.queue.trim()))].sort();
  const queueIndex = new Map(queues.map((q, i) => [q, i]));
  const seen = new Map<string, number>();
  const rows = requirements.map((r, i) => {
    const p = parsed[i]!;
    const start = (p.day - firstDay) * MINUTES_PER_DAY + p.minute;
    const key = `${r.queue.trim()}\u0000${start}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new UserError(`${where(r, i, source)}: duplicate row for queue ${r.queue} at ${r.intervalStart} (first at ${where(requirements[previous]!, previous, source).replace(`${source} `, '')})`);
    }
    seen.set(key, i);
    return { queue: queueIndex.get(r.queue.trim())!, start, required: wholeAgents(r.required), intervalStart: r.intervalStart.trim() };
  });
  return { horizon: { firstDay, days: lastDay - firstDay + 1 }, intervalMinutes, queues, rows };
}
