// Scheduling benchmark: one week of 30-minute intervals, 5 queues, about 200 full-time agents' worth of
// requirements — by default the demo forecast's Erlang C staffing (demo logs → ingest → marts → forecast, the five
// busiest queues of the first whole forecast week), or with --source synthetic a generated profile. Prints the
// solve time, paid hours, the LP lower bound and the gap of the shift mix, then the roster's size and how long the
// whole schedule took.
//   node bin/run-ts.js bench/schedule.ts [--source demo|synthetic] [--contacts N] [--agents-worth N] [--time-limit SECONDS]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchedule, type Requirement } from '../workforce/schedule/index.ts';
import { generateDemoData, fileNames, TIMEZONE } from '../seeds/generator/generate.ts';
import { openDatabase, queryRows } from '../core/db.ts';
import { ingestPath } from '../pipelines/ingest.ts';
import { buildMarts } from '../marts/build.ts';
import { loadConfig } from '../core/config.ts';
import { planFromMarts } from '../workforce/plan.ts';
import { isoWeekRange } from '../workforce/schedulePlan.ts';

/** Required agents of the demo forecast: the five busiest queues of its first whole week. */
async function demoRequirements(contacts: number): Promise<Requirement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ccmart-bench-schedule-'));
  try {
    console.log(`demo forecast: generating 42 days, ${contacts.toLocaleString('en-US')} contacts, ingesting, building, forecasting…`);
    generateDemoData({ outDir: join(dir, 'logs'), days: 42, contacts, seed: 1 });
    const db = await openDatabase(join(dir, 'demo.duckdb'));
    try {
      for (const [source, file] of [['acd', fileNames.acd], ['agent-states', fileNames['agent-states']], ['tickets', fileNames.tickets], ['bot', fileNames.bot]] as const) {
        await ingestPath(db.conn, join(dir, 'logs', file), { source, timezone: TIMEZONE, dayFirst: false });
      }
      const config = loadConfig(undefined, { timezone: TIMEZONE });
      await buildMarts(db.conn, config);
      await planFromMarts(db.conn, config, { horizonDays: 14, holdoutDays: 0, defaultShrinkage: 0.3 });
      const [{ week }] = (await queryRows<{ week: string }>(db.conn, `SELECT strftime(min(interval_start) + INTERVAL 6 DAY, '%G-W%V') AS week FROM fct_staffing`)) as [{ week: string }];
      const { from, to } = isoWeekRange(week);
      const rows = await queryRows<{ queue_id: string; start: string; required: number }>(
        db.conn,
        `WITH week AS (SELECT * FROM fct_staffing WHERE interval_start >= $from::TIMESTAMP AND interval_start < $to::TIMESTAMP),
              busiest AS (SELECT queue_id FROM week GROUP BY 1 ORDER BY sum(agents_erlang_c) DESC LIMIT 5)
         SELECT queue_id, strftime(interval_start, '%Y-%m-%dT%H:%M') AS start, agents_erlang_c AS required
         FROM week WHERE queue_id IN (SELECT queue_id FROM busiest) ORDER BY 1, 2`,
        { from, to },
      );
      console.log(`demo forecast week ${week}: ${rows.length} requirement rows`);
      return rows.map((r) => ({ queue: r.queue_id, intervalStart: r.start, required: r.required }));
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Queues of the benchmark and their share of the work. */
const QUEUES: [string, number][] = [
  ['售前咨询', 0.3],
  ['售后服务', 0.25],
  ['Billing', 0.2],
  ['Tech Support', 0.15],
  ['VIP热线', 0.1],
];

/** Weekly pattern: Monday is the busiest day, the weekend the quietest. */
const DAY_FACTOR = [1.15, 1.05, 1.0, 1.0, 0.95, 0.7, 0.6];

/** Intraday profile (relative load), open 07:00–22:00 with a morning and an afternoon peak. */
function intraday(minuteOfDay: number): number {
  const h = minuteOfDay / 60;
  if (h < 7 || h >= 22) return 0;
  const bump = (centre: number, width: number) => Math.exp(-((h - centre) ** 2) / (2 * width * width));
  return 0.25 + 0.9 * bump(10.5, 1.3) + 0.75 * bump(15, 1.6) + 0.35 * bump(20, 1.2);
}

/**
 * The requirement source: agents required per queue per 30-minute interval for the week starting on
 * `monday`, scaled so that the week needs about `agentsWorth` full-time agents (40 paid hours each).
 * Swap this function for the demo forecast's staffing to benchmark on it.
 */
export function requirementSource(agentsWorth: number, monday = '2024-06-03'): Requirement[] {
  let seed = 20240603;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return 0.9 + (0.2 * seed) / 2147483647;
  };
  // Σ load over the week's intervals × scale × 0.5 h ≈ agentsWorth × 40 h × 0.85 (breaks and ramps).
  let load = 0;
  for (const f of DAY_FACTOR) for (let m = 0; m < 1440; m += 30) load += f * intraday(m);
  const scale = (agentsWorth * 40 * 0.85) / (load * 0.5);
  const first = Date.parse(`${monday}T00:00:00Z`);
  const out: Requirement[] = [];
  DAY_FACTOR.forEach((f, d) => {
    const date = new Date(first + d * 86_400_000).toISOString().slice(0, 10);
    for (let m = 0; m < 1440; m += 30) {
      if (intraday(m) === 0) continue;
      const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      for (const [queue, share] of QUEUES) out.push({ queue, intervalStart: `${date}T${hhmm}`, required: scale * f * intraday(m) * share * noise() });
    }
  });
  return out;
}

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: 'demo' },
    contacts: { type: 'string', default: '600000' },
    'agents-worth': { type: 'string', default: '200' },
    'time-limit': { type: 'string', default: '60' },
  },
});
const agentsWorth = Number(values['agents-worth']);
const timeLimitSeconds = Number(values['time-limit']);

const requirements = values.source === 'synthetic' ? requirementSource(agentsWorth) : await demoRequirements(Number(values.contacts));
const started = performance.now();
const { summary } = await buildSchedule({ requirements, timeLimitSeconds });
const total = (performance.now() - started) / 1000;
const mix = summary.shiftMix;

console.log(`schedule bench: ${summary.queues.length} queues × ${summary.horizon.days} days × ${summary.intervalMinutes}-min intervals, ${requirements.length} requirement rows`);
console.log(`  required agent-hours      ${summary.requiredAgentHours}`);
console.log(`  shift mix                 ${mix.shifts} shifts (${Object.entries(mix.byType).map(([k, v]) => `${k} ${v}`).join(', ')}); largest day model ${mix.integerVariables} integer of ${mix.variables} variables, ${mix.constraints} rows`);
console.log(`  solve time (shift mix)    ${mix.solveSeconds} s, status ${mix.status}`);
console.log(`  paid hours                ${mix.paidHours}`);
console.log(`  LP relaxation             ${mix.lpRelaxation}`);
console.log(`  lower bound               ${mix.lowerBound}`);
console.log(`  gap to lower bound        ${(mix.gap * 100).toFixed(3)} %  (target ≤ 1 %)`);
console.log(`  paid ÷ required hours     ${(summary.paidHours / summary.requiredAgentHours).toFixed(3)}`);
console.log(`  agents                    ${summary.agents.count} created; late shifts per agent ${summary.agents.lateShiftsPerAgent.min}–${summary.agents.lateShiftsPerAgent.max}, weekend days ${summary.agents.weekendDaysPerAgent.min}–${summary.agents.weekendDaysPerAgent.max}, two days off in a row ${summary.agents.consecutiveDaysOffShare === null ? 'n/a' : `${(summary.agents.consecutiveDaysOffShare * 100).toFixed(1)} %`}`);
console.log(`  short intervals           ${summary.shortIntervals.length}; unassigned shifts ${summary.unassignedShifts.length}`);
console.log(`  whole schedule            ${total.toFixed(2)} s (target: shift mix within 1 % of the bound in < 60 s)`);
