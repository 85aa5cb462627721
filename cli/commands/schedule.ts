import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart schedule --db FILE --week YYYY-Www [--rules FILE.json] [--agents FILE.csv] [--time-limit SECONDS] [--strict]
       ccmart schedule --requirements FILE.csv --out DIR [--rules FILE.json] [--agents FILE.csv]
                       [--interval MINUTES] [--time-limit SECONDS] [--strict]

With --db: reads the required agents (Erlang C) of the ISO week from fct_staffing (\`ccmart forecast --db\`)
and writes fct_schedule (agent activity segments) and fct_coverage (queue × interval: required, scheduled,
gap, and the service level the scheduled agents give under Erlang C and Erlang A).

With --requirements:
Builds a week's shifts from required agents per queue and interval: chooses the shift mix (HiGHS MIP:
least paid hours covering every interval, breaks and lunches placed inside), rosters the shifts to
agents (skills, contracts, days off, rest, availability) and writes:
  DIR/schedule.csv   agent_id,queue,start,end,activity   (activity: work, break, lunch)
  DIR/coverage.csv   queue,interval_start,required,scheduled
  DIR/shifts.csv     agent_id,agent_name,shift_type,start,end,paid_minutes
  DIR/summary.json   paid hours, work hours, required agent-hours, LP lower bound, gap, short intervals

options:
  --requirements FILE  CSV with columns queue,interval_start,required (interval_start local YYYY-MM-DDTHH:MM;
                       fractional required agents are rounded up)
  --out DIR            output folder (created if missing)
  --rules FILE         rules JSON laid over seeds/schedule_rules.json (only the fields it changes)
  --agents FILE        CSV agent_id,name,skills,contract_hours,max_days,availability,shift_types
                       (default: the rules' agents, else as many agents A001, A002, … as the schedule needs)
  --interval MINUTES   interval length of the requirements (default: inferred from the interval starts)
  --time-limit SECONDS time limit of the shift-mix solve (default: rules solver.timeLimitSeconds, 60)
  --strict             exit 1 when an interval is short or a shift could not be given to an agent

exit code: 0 when the schedule was written (short intervals are reported, not fatal), 1 with --strict
when something is short, 2 for bad input.`;

const command: Command = {
  name: 'schedule',
  summary: 'build shifts, breaks and a roster that cover required agents per queue and interval',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        requirements: { type: 'string' },
        rules: { type: 'string' },
        agents: { type: 'string' },
        interval: { type: 'string' },
        strict: { type: 'boolean' },
        'time-limit': { type: 'string' },
        out: { type: 'string' },
        db: { type: 'string' },
        week: { type: 'string' },
        config: { type: 'string' },
      },
      usage,
    );
    if (positionals.length > 0) throw new UserError(`unexpected argument "${positionals[0]}"\n\n${usage}`);
    if (values.db) return scheduleMarts(values);
    if (!values.requirements) throw new UserError(`--requirements is required\n\n${usage}`);
    if (!values.out) throw new UserError(`--out is required\n\n${usage}`);
    const interval = numberFlag(values.interval, 'interval');
    if (interval !== undefined && (!Number.isInteger(interval) || interval <= 0)) throw new UserError(`--interval: expected whole minutes > 0, got ${values.interval}`);
    const timeLimit = numberFlag(values['time-limit'], 'time-limit');
    if (timeLimit !== undefined && !(timeLimit > 0)) throw new UserError(`--time-limit: expected seconds > 0, got ${values['time-limit']}`);

    const { readFile } = await import('node:fs/promises');
    const schedule = await import('../../workforce/schedule/index.ts');
    const read = async (path: string, what: string) => {
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        throw new UserError(`cannot read ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    };
    const rules = schedule.loadRules(values.rules);
    const requirements = schedule.parseRequirementsCsv(await read(values.requirements, 'requirements'), values.requirements);
    const agents = values.agents ? schedule.parseAgentsCsv(await read(values.agents, 'agents'), values.agents) : undefined;

    const result = await schedule.buildSchedule({
      requirements,
      rules,
      agents,
      intervalMinutes: interval,
      timeLimitSeconds: timeLimit,
      sources: { requirements: values.requirements, agents: values.agents },
    });
    const files = await schedule.writeScheduleFiles(values.out, result);

    const s = result.summary;
    const lines = [
      `schedule ${s.horizon.firstDay} … ${s.horizon.lastDay}: ${s.queues.length} queues, ${s.intervalMinutes}-min intervals`,
      `  shifts ${s.shiftMix.shifts} (${Object.entries(s.shiftMix.byType).map(([k, v]) => `${k} ${v}`).join(', ')}), agents ${s.agents.count}${s.agents.generated ? ' (created)' : ''}`,
      `  paid hours ${s.paidHours}, work hours ${s.workHours}, required agent-hours ${s.requiredAgentHours}`,
      `  shift mix: ${s.shiftMix.status}, objective ${s.shiftMix.objective}, LP lower bound ${s.lpLowerBound}, gap ${(s.gap * 100).toFixed(2)}%, ${s.shiftMix.solveSeconds} s`,
    ];
    if (s.shortIntervals.length > 0) {
      lines.push(`  SHORT: ${s.shortIntervals.length} queue-intervals, ${s.shortAgentHours} agent-hours below requirement:`);
      for (const x of s.shortIntervals.slice(0, 20)) lines.push(`    ${x.queue} ${x.intervalStart}: required ${x.required}, scheduled ${x.scheduled}, short ${x.short}`);
      if (s.shortIntervals.length > 20) lines.push(`    … ${s.shortIntervals.length - 20} more in summary.json`);
    } else {
      lines.push('  every interval is covered');
    }
    if (s.unassignedShifts.length > 0) {
      lines.push(`  UNASSIGNED: ${s.unassignedShifts.length} shifts no agent could take:`);
      for (const u of s.unassignedShifts.slice(0, 10)) lines.push(`    ${u.shiftType} ${u.start} – ${u.end} (${u.queues.join('|')})`);
      if (s.unassignedShifts.length > 10) lines.push(`    … ${s.unassignedShifts.length - 10} more in summary.json`);
    }
    lines.push(`  wrote ${files.join(', ')}`);
    console.log(lines.join('\n'));
    const short = s.shortIntervals.length > 0 || s.unassignedShifts.length > 0;
    return values.strict && short ? 1 : 0;
  },
};

async function scheduleMarts(values: { db?: string; week?: string; rules?: string; agents?: string; strict?: boolean; 'time-limit'?: string; config?: string }): Promise<number> {
  if (!values.week) throw new UserError(`--week is required with --db (e.g. --week 2026-W49)\n\n${usage}`);
  const timeLimit = numberFlag(values['time-limit'], 'time-limit');
  if (timeLimit !== undefined && !(timeLimit > 0)) throw new UserError(`--time-limit: expected seconds > 0, got ${values['time-limit']}`);
  const { existsSync } = await import('node:fs');
  const { readFile } = await import('node:fs/promises');
  if (!existsSync(values.db!)) throw new UserError(`--db: ${values.db} does not exist`);
  const schedule = await import('../../workforce/schedule/index.ts');
  const { scheduleFromMarts } = await import('../../workforce/schedulePlan.ts');
  const { loadConfig } = await import('../../core/config.ts');
  const { openDatabase } = await import('../../core/db.ts');
  const config = loadConfig(values.config);
  const rules = schedule.loadRules(values.rules);
  const agents = values.agents ? schedule.parseAgentsCsv(await readFile(values.agents, 'utf8'), values.agents) : undefined;
  const db = await openDatabase(values.db!);
  try {
    console.log(`scheduling ${values.week} from fct_staffing…`);
    const r = await scheduleFromMarts(db.conn, { week: values.week, intervalMinutes: config.intervalMinutes, rules, agents, timeLimitSeconds: timeLimit });
    const s = r.summary;
    console.log(`paid hours ${s.paidHours.toFixed(1)} for ${s.requiredAgentHours.toFixed(1)} required agent-hours`);
    console.log(`shift mix objective (paid hours + shortfall penalty) ${s.shiftMix.objective.toFixed(1)}, lower bound ${s.lpLowerBound.toFixed(1)}, gap ${(100 * s.gap).toFixed(2)}%`);
    console.log(`short: ${s.shortAgentHours.toFixed(1)} agent-hours in ${s.shortIntervals.length} intervals; wrote fct_schedule (${r.segments} segments) and fct_coverage (${r.intervals} intervals)`);
    return values.strict && (s.shortIntervals.length > 0 || s.unassignedShifts.length > 0) ? 1 : 0;
  } finally {
    db.close();
  }
}

export default command;
