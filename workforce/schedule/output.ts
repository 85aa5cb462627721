import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScheduleResult } from './buildSchedule.ts';
import { formatCsv } from './csv.ts';

/** Writes schedule.csv, coverage.csv, shifts.csv and summary.json into `dir` (created when missing). */
export async function writeScheduleFiles(dir: string, result: ScheduleResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['schedule.csv', formatCsv(['agent_id', 'queue', 'start', 'end', 'activity'], result.segments.map((s) => [s.agentId, s.queue, s.start, s.end, s.activity]))],
    ['coverage.csv', formatCsv(['queue', 'interval_start', 'required', 'scheduled'], result.coverage.map((c) => [c.queue, c.intervalStart, c.required, c.scheduled]))],
    [
      'shifts.csv',
      formatCsv(
        ['agent_id', 'agent_name', 'shift_type', 'start', 'end', 'paid_minutes'],
        result.shifts.map((s) => [s.agentId, s.agentName, s.shiftType, s.start, s.end, s.paidMinutes]),
      ),
    ],
    ['summary.json', `${JSON.stringify(result.summary, null, 2)}\n`],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text, 'utf8');
  return files.map(([name]) => join(dir, name));
}
