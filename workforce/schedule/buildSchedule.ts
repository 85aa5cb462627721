import { UserError } from '../../core/errors.ts';
import { resolveAgents, type Agent, type AgentInput } from './agents.ts';
import { availabilitySpans, isAvailable } from './availability.ts';
import { inferIntervalMinutes, requirementGrid, type Requirement } from './requirements.ts';
import { buildRoster } from './roster.ts';
import { defaultRules, type Rules } from './rules.ts';
import { buildSegments } from './segments.ts';
import { slotLength, slotRequirements, startTimes, type GroupCapacity, type SkillGroup } from './mixModel.ts';
import { solveShiftMix } from './shiftMix.ts';
import { clockMinutes, formatDate, formatMoment, MINUTES_PER_DAY, weekdayIndex, weekOfDay, WEEKDAYS, type Horizon } from './time.ts';

export interface BuildScheduleInput {
  requirements: readonly Requirement[];
  /** Defaults to seeds/schedule_rules.json. */
  rules?: Rules;
  /** Named agents; when absent, `rules.agents`; when neither, agents are created as needed. */
  agents?: readonly AgentInput[];
  /** Interval length of the requirements; inferred from the interval starts when absent. */
  intervalMinutes?: number;
  /** Time limit of the shift-mix solve; defaults to rules.solver.timeLimitSeconds. */
  timeLimitSeconds?: number;
  /** Names used in messages. */
  sources?: { requirements?: string; agents?: string };
}

/** One row of schedule.csv. */
export interface Segment {
  agentId: string;
  agentName: string;
  /** Queue served (work), or '' for a break or lunch. */
  queue: string;
  start: string;
  end: string;
  activity: 'work' | 'break' | 'lunch';
}

/** One row of coverage.csv: `scheduled` is the fewest agents on work on the queue at any moment of the interval. */
export interface CoverageRow {
  queue: string;
  intervalStart: string;
  required: number;
  scheduled: number;
}

/** One shift given to an agent (shifts.csv). */
export interface ShiftRow {
  agentId: string;
  agentName: string;
  shiftType: string;
  start: string;
  end: string;
  paidMinutes: number;
}

export interface ShortInterval {
  queue: string;
  intervalStart: string;
  required: number;
  scheduled: number;
  short: number;
}

export interface UnassignedShift {
  shiftType: string;
  queues: string[];
  start: string;
  end: string;
}

export interface ScheduleSummary {
  intervalMinutes: number;
  /** Time step of the model: breaks and starts fall on it. */
  slotMinutes: number;
  horizon: { firstDay: string; lastDay: string; days: number };
  queues: string[];
  requiredAgentHours: number;
  paidHours: number;
  /** Paid and unpaid time on work (breaks and lunches excluded). */
  workHours: number;
  /** Required agent-hours met, interval by interval. */
  coveredAgentHours: number;
  shortAgentHours: number;
  /** Proven lower bound of the shift-mix objective (paid hours, plus the shortfall penalty when short). */
  lpLowerBound: number;
  /** (objective − lower bound) ÷ objective of the shift mix. */
  gap: number;
  shiftMix: {
    status: string;
    /** Paid hours plus shortfall penalty. */
    objective: number;
    paidHours: number;
    lpRelaxation: number;
    lowerBound: number;
    gap: number;
    shifts: number;
    byType: Record<string, number>;
    variables: number;
    integerVariables: number;
    constraints: number;
    solveSeconds: number;
    /** The integer model of each day. */
    days: { date: string; status: string; seconds: number; objective: number; gap: number }[];
  };
  agents: {
    count: number;
    generated: boolean;
    /** Agents with at least one shift. */
    working: number;
    /** Named agents whose paid hours stay under their contract in some week. */
    underContract: number;
    lateShiftsPerAgent: { min: number; max: number };
    weekendDaysPerAgent: { min: number; max: number };
    /** Of the agent-weeks with two or more days off in a full week, the share with two days off in a row. */
    consecutiveDaysOffShare: number | null;
  };
  shortIntervals: ShortInterval[];
  unassignedShifts: UnassignedShift[];
  solveSeconds: number;
}

export interface ScheduleResult {
  segments: Segment[];
  coverage: CoverageRow[];
  shifts: ShiftRow[];
  summary: ScheduleSummary;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Skill groups for generated agents, from rules.generatedAgents.skillGroups. */
function generatedGroups(rules: Rules, queues: readonly string[]): SkillGroup[] {
  const seen = new Set<string>();
  const groups: SkillGroup[] = [];
  for (const names of rules.generatedAgents.skillGroups) {
    const qs = names.includes('*') ? queues.map((_, i) => i) : queues.flatMap((q, i) => (names.includes(q) ? [i] : []));
    const key = qs.join(',');
    if (qs.length === 0 || seen.has(key)) continue;
    seen.add(key);
    groups.push({ queues: qs });
  }
  return groups;
}

/** Skill groups of a named agent pool, with what the group's agents can work. */
function agentGroups(agents: readonly Agent[], rules: Rules, horizon: Horizon): SkillGroup[] {
  const byKey = new Map<string, Agent[]>();
  for (const a of agents) {
    if (a.skills.length === 0) continue;
    const key = a.skills.join(',');
    const list = byKey.get(key);
    if (list) list.push(a);
    else byKey.set(key, [a]);
  }
  const weekOf = (day: number) => weekOfDay(horizon, day);
  const numWeeks = weekOf(horizon.days - 1) + 1;
  return [...byKey.values()].map((members) => {
    // Agents able to work each "type/start", and per day and week what the group can give.
    const fits = new Map<string, number>();
    const perDay = new Array<number>(horizon.days).fill(0);
    const perWeekShifts = new Array<number>(numWeeks).fill(0);
    const perWeekMinutes = new Array<number>(numWeeks).fill(0);
    for (const a of members) {
      const spans = availabilitySpans(a.availability, horizon, 2);
      const daysOk = new Set<number>();
      let minPaid = Number.POSITIVE_INFINITY;
      for (const ti of a.shiftTypes) {
        const t = rules.shiftTypes[ti]!;
        if (t.paidMinutes > a.contractMinutes) continue;
        minPaid = Math.min(minPaid, t.paidMinutes);
        for (let day = 0; day < horizon.days; day++) {
          for (const s of startTimes(rules, ti)) {
            const start = day * MINUTES_PER_DAY + s;
            if (!isAvailable(spans, start, start + t.lengthMinutes)) continue;
            const key = `${ti}/${start}`;
            fits.set(key, (fits.get(key) ?? 0) + 1);
            daysOk.add(day);
          }
        }
      }
      for (const day of daysOk) perDay[day]! += 1;
      for (let w = 0; w < numWeeks; w++) {
        const days = [...daysOk].filter((d) => weekOf(d) === w).length;
        if (days === 0) continue;
        perWeekShifts[w]! += Math.min(a.maxDays, days, Math.floor(a.contractMinutes / minPaid));
        perWeekMinutes[w]! += a.contractMinutes;
      }
    }
    const capacity: GroupCapacity = {
      shiftUpper: (type, _day, start) => fits.get(`${type}/${start}`) ?? 0,
      perDay,
      perWeekShifts,
      perWeekMinutes,
    };
    return { queues: members[0]!.skills, capacity };
  });
}

/**
 * Builds a schedule from requirements: the shift mix (MIP), breaks placed inside it, shifts rostered to
 * agents, and the queue each agent serves. Pure apart from the solver: no files are read or written.
 */
export async function buildSchedule(input: BuildScheduleInput): Promise<ScheduleResult> {
  const started = performance.now();
  const rules = input.rules ?? defaultRules();
  const reqSource = input.sources?.requirements ?? 'requirements';
  const intervalMinutes = input.intervalMinutes ?? inferIntervalMinutes(input.requirements);
  const grid = requirementGrid(input.requirements, intervalMinutes, reqSource);
  const { horizon, queues } = grid;
  const timeLimitSeconds = input.timeLimitSeconds ?? rules.solver.timeLimitSeconds;
  if (!(timeLimitSeconds > 0)) throw new UserError(`time limit: ${timeLimitSeconds} is not a number of seconds > 0`);
  const slotMinutes = slotLength(rules, intervalMinutes);
  const longest = Math.max(...rules.shiftTypes.map((t) => t.lengthMinutes));
  const numSlots = Math.ceil((horizon.days * MINUTES_PER_DAY + longest) / slotMinutes);
  const req = slotRequirements(grid, slotMinutes, numSlots);
  const queueWeight = queues.map((q) => rules.shortfall.queueWeights[q] ?? 1);

  const agentInputs = input.agents ?? rules.agents;
  const generate = agentInputs === undefined;
  if (agentInputs !== undefined && agentInputs.length === 0) throw new UserError(`${input.sources?.agents ?? 'agents'}: no agents listed`);
  const namedAgents = generate ? [] : resolveAgents(agentInputs, rules, queues, input.sources?.agents ?? 'agents');
  const groups = generate ? generatedGroups(rules, queues) : agentGroups(namedAgents, rules, horizon);

  const mix = await solveShiftMix({
    grid,
    rules,
    slotMinutes,
    groups,
    weekOf: (day) => weekOfDay(horizon, day),
    timeLimitSeconds,
    mipRelGap: rules.solver.mipRelGap,
  });

  const roster = await buildRoster({
    shifts: mix.shifts,
    groupQueues: groups.map((g) => g.queues),
    agents: namedAgents,
    generate,
    rules,
    horizon,
    timeLimitSeconds,
  });

  const { segments: timed, onQueue } = buildSegments({
    shifts: mix.shifts,
    assignment: roster.assignment,
    agents: roster.agents,
    req,
    queueWeight,
    slotMinutes,
    numSlots,
  });

  const at = (minute: number) => formatMoment(horizon, minute);
  const segments: Segment[] = timed.map((s) => ({
    agentId: roster.agents[s.agent]!.id,
    agentName: roster.agents[s.agent]!.name,
    queue: s.queue >= 0 ? queues[s.queue]! : '',
    start: at(s.start),
    end: at(s.end),
    activity: s.activity,
  }));

  // Coverage per requirement row: the fewest agents on the queue in any slot of the interval.
  const perInterval = intervalMinutes / slotMinutes;
  const coverage: CoverageRow[] = grid.rows
    .map((row) => {
      let scheduled = Number.POSITIVE_INFINITY;
      for (let k = 0; k < perInterval; k++) scheduled = Math.min(scheduled, onQueue[row.queue]![row.start / slotMinutes + k]!);
      return { queue: queues[row.queue]!, intervalStart: at(row.start), required: row.required, scheduled, start: row.start };
    })
    .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.start - b.start))
    .map(({ start: _start, ...rest }) => rest);

  const intervalHours = intervalMinutes / 60;
  const shortIntervals: ShortInterval[] = coverage
    .filter((c) => c.scheduled < c.required)
    .map((c) => ({ ...c, short: c.required - c.scheduled }));

  const shiftRows: ShiftRow[] = [];
  let paidMinutes = 0;
  mix.shifts.forEach((s, i) => {
    const a = roster.assignment[i]!;
    if (a < 0) return;
    paidMinutes += s.paidMinutes;
    const agent = roster.agents[a]!;
    shiftRows.push({ agentId: agent.id, agentName: agent.name, shiftType: rules.shiftTypes[s.type]!.name, start: at(s.start), end: at(s.end), paidMinutes: s.paidMinutes });
  });
  shiftRows.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.start < b.start ? -1 : 1));

  const fairness = rosterFairness(mix.shifts, roster.assignment, roster.agents, rules, horizon);
  const byType: Record<string, number> = {};
  for (const s of mix.shifts) byType[rules.shiftTypes[s.type]!.name] = (byType[rules.shiftTypes[s.type]!.name] ?? 0) + 1;
  const requiredAgentHours = grid.rows.reduce((sum, r) => sum + r.required, 0) * intervalHours;
  const shortAgentHours = shortIntervals.reduce((sum, s) => sum + s.short, 0) * intervalHours;

  const summary: ScheduleSummary = {
    intervalMinutes,
    slotMinutes,
    horizon: { firstDay: formatDate(horizon.firstDay), lastDay: formatDate(horizon.firstDay + horizon.days - 1), days: horizon.days },
    queues,
    requiredAgentHours: round(requiredAgentHours),
    paidHours: round(paidMinutes / 60),
    workHours: round(timed.filter((s) => s.activity === 'work').reduce((sum, s) => sum + s.end - s.start, 0) / 60),
    coveredAgentHours: round(requiredAgentHours - shortAgentHours),
    shortAgentHours: round(shortAgentHours),
    lpLowerBound: round(mix.bound, 3),
    gap: round(mix.gap, 5),
    shiftMix: {
      status: mix.status,
      objective: round(mix.objective, 3),
      paidHours: round(mix.paidHours),
      lpRelaxation: round(mix.lpRelaxation, 3),
      lowerBound: round(mix.bound, 3),
      gap: round(mix.gap, 5),
      shifts: mix.shifts.length,
      byType,
      variables: mix.variables,
      integerVariables: mix.integerVariables,
      constraints: mix.constraints,
      solveSeconds: round(mix.seconds, 2),
      days: mix.days.map((d) => ({ date: formatDate(horizon.firstDay + d.day), status: d.status, seconds: round(d.seconds, 2), objective: round(d.objective, 3), gap: round(d.gap, 5) })),
    },
    agents: {
      count: roster.agents.length,
      generated: generate,
      ...fairness,
    },
    shortIntervals,
    unassignedShifts: roster.unassigned.map((i) => {
      const s = mix.shifts[i]!;
      return { shiftType: rules.shiftTypes[s.type]!.name, queues: groups[s.group]!.queues.map((q) => queues[q]!), start: at(s.start), end: at(s.end) };
    }),
    solveSeconds: round((performance.now() - started) / 1000, 2),
  };
  return { segments, coverage, shifts: shiftRows, summary };
}

function rosterFairness(
  shifts: readonly { day: number; end: number; paidMinutes: number }[],
  assignment: ArrayLike<number>,
  agents: readonly Agent[],
  rules: Rules,
  horizon: Horizon,
) {
  const lateAfter = clockMinutes(rules.fairness.lateShiftEndsAfter)!;
  const weekend = new Set(rules.fairness.weekendDays.map((d) => WEEKDAYS.indexOf(d)));
  const late = new Array<number>(agents.length).fill(0);
  const weekendDays = new Array<number>(agents.length).fill(0);
  const days = agents.map(() => new Set<number>());
  const weekMinutes = agents.map(() => new Map<number, number>());
  shifts.forEach((s, i) => {
    const a = assignment[i]!;
    if (a < 0) return;
    if (s.end - s.day * MINUTES_PER_DAY > lateAfter) late[a]! += 1;
    if (weekend.has(weekdayIndex(horizon.firstDay + s.day))) weekendDays[a]! += 1;
    days[a]!.add(s.day);
    const w = weekOfDay(horizon, s.day);
    weekMinutes[a]!.set(w, (weekMinutes[a]!.get(w) ?? 0) + s.paidMinutes);
  });
  const working = agents.map((_, a) => a).filter((a) => days[a]!.size > 0);
  const range = (xs: number[]) => (xs.length === 0 ? { min: 0, max: 0 } : { min: Math.min(...xs), max: Math.max(...xs) });
  // Full weeks inside the horizon.
  const fullWeeks: number[][] = [];
  for (let d = 0; d < horizon.days; d++) {
    if (weekdayIndex(horizon.firstDay + d) === 0 && d + 6 < horizon.days) fullWeeks.push([0, 1, 2, 3, 4, 5, 6].map((k) => d + k));
  }
  let judged = 0;
  let together = 0;
  for (const a of working) {
    for (const week of fullWeeks) {
      const off = week.map((d) => !days[a]!.has(d));
      if (off.filter(Boolean).length < 2) continue;
      judged++;
      if (off.some((o, k) => o && off[k + 1])) together++;
    }
  }
  const numWeeks = weekOfDay(horizon, horizon.days - 1) + 1;
  const underContract = agents.filter((a, i) => !a.generated && [...Array(numWeeks).keys()].some((w) => (weekMinutes[i]!.get(w) ?? 0) < a.contractMinutes)).length;
  return {
    working: working.length,
    underContract,
    lateShiftsPerAgent: range(working.map((a) => late[a]!)),
    weekendDaysPerAgent: range(working.map((a) => weekendDays[a]!)),
    consecutiveDaysOffShare: judged === 0 ? null : round(together / judged, 3),
  };
}
