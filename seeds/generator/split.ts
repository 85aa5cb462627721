/**
 * Splits a generated CSV log by day, for scenarios where logs arrive day by day (refresh tests, the soak
 * benchmark). A line goes to the first date it holds (the arrival or event time comes before the others);
 * the few dirty lines without a date go to the first day, so nothing is lost.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The data lines of a CSV file by day ('YYYY-MM-DD'), days in order, and its header line. */
export function linesByDay(csvPath: string): { header: string; days: Map<string, string[]> } {
  const [header = '', ...lines] = readFileSync(csvPath, 'utf8').split('\n');
  const undated: string[] = [];
  const days = new Map<string, string[]>();
  for (const line of lines) {
    if (!line) continue;
    const day = /\d{4}-\d{2}-\d{2}/.exec(line)?.[0];
    if (!day) undated.push(line);
    else if (days.has(day)) days.get(day)!.push(line);
    else days.set(day, [line]);
  }
  const sorted = new Map([...days.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const first = sorted.keys().next().value;
  if (first !== undefined) sorted.get(first)!.unshift(...undated);
  return { header, days: sorted };
}

/** Writes `header` and the lines of the given days to `file`. */
export function writeDays(file: string, split: { header: string; days: Map<string, string[]> }, days: string[]): void {
  const lines = days.flatMap((d) => split.days.get(d) ?? []);
  writeFileSync(file, [split.header, ...lines].join('\n') + '\n');
}

/** One file per day in `dir`, named `<prefix>_<day>.csv`; returns the paths in day order. */
export function writeDayFiles(dir: string, prefix: string, split: { header: string; days: Map<string, string[]> }): string[] {
  return [...split.days.keys()].map((day) => {
    const file = join(dir, `${prefix}_${day}.csv`);
    writeDays(file, split, [day]);
    return file;
  });
}
