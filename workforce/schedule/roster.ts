import type { Agent } from './agents.ts';
import { minCostAssignment } from './assignment.ts';
import { availabilitySpans, isAvailable, type Span } from './availability.ts';
import { planWorkingDays, type PlanClass } from './daysPlan.ts';
import type { Rules } from './rules.ts';
import type { PlacedShift } from './mixModel.ts';
import { clockMinutes, MINUTES_PER_DAY, weekdayIndex, weekOfDay, WEEKDAYS, type Horizon } from './time.ts';

/**
 * Rostering: gives the shift mix's shifts to named agents, week by week. First a working-days plan
 * (daysPlan.ts) decides who works which day; then each day a minimum-cost assignment matches that
 * day's shifts to agents. Hard rules are never broken: skills, allowed shift types, availability,
 * minimum rest, working days per week and contracted hours. Soft preferences are costs: keep to the
 * days plan, spread late shifts, leave tomorrow's early shifts reachable. A shift nobody can take is
 * reported; without an agent file a new agent is created for it instead.
 */

export interface RosterInput {
  shifts: PlacedShift[];
  /** Queues each skill group of the shift mix serves. */
  groupQueues: number[][];
  /** Named agents; ignored when `generate` is set. */
  agents: Agent[];
  /** Create agents as needed (no agent file). */
  generate: boolean;
  rules: Rules;
  horizon: Horizon;
  timeLimitSeconds: number;
}

export interface RosterResult {
  agents: Agent[];
  /** Per shift, the index of its agent in `agents`, or -1 when unassigned. */
  assignment: Int32Array;
  unassigned: number[];
}

const COST = {
  offPlan: 30,
  perLateShiftHeld: 3,
  perWeekendDayHeld: 2,
  blocksTomorrow: 12,
  startDrift: 0.5,
  squeezesContract: 20,
  unassigned: 1000,
} as const;

interface AgentState {
  agent: Agent;
  spans: Span[];
  lastEnd: number;
  lastStartOfDay: number | undefined;
  lateShifts: number;
  weekendDays: number;
  days: Map<number, number>;
  minutes: Map<number, number>;
  planned: Set<number>;
}

function isSuperset(have: readonly number[], need: readonly number[]): boolean {
  return need.every((q) => have.includes(q));
}

export async function buildRoster(input: RosterInput): Promise<RosterResult> {
  const { shifts, rules, horizon, groupQueues } = input;
  const restMinutes = rules.minRestHours * 60;
  const lateAfter = clockMinutes(rules.fairness.lateShiftEndsAfter)!;
  const weekendDays = new Set(rules.fairness.weekendDays.map((d) => WEEKDAYS.indexOf(d)));
  const isWeekend = (day: number) => weekendDays.has(weekdayIndex(horizon.firstDay + day));
  const isLate = (s: PlacedShift) => s.end - s.day * MINUTES_PER_DAY > lateAfter;
  const weekOf = (day: number) => weekOfDay(horizon, day);

  // Shift kinds: skill group × shift type.
  const kindKey = (s: PlacedShift) => `${s.group}/${s.type}`;
  const kinds: { group: number; type: number; paid: number }[] = [];
  const kindIndex = new Map<string, number>();
  for (const s of shifts) {
    if (!kindIndex.has(kindKey(s))) {
      kindIndex.set(kindKey(s), kinds.length);
      kinds.push({ group: s.group, type: s.type, paid: s.paidMinutes });
    }
  }
  const kindOf = shifts.map((s) => kindIndex.get(kindKey(s))!);

  const states: AgentState[] = [];
  const addAgent = (agent: Agent) => {
    states.push({
      agent,
      spans: availabilitySpans(agent.availability, horizon, 2),
      lastEnd: Number.NEGATIVE_INFINITY,
      lastStartOfDay: undefined,
      lateShifts: 0,
      weekendDays: 0,
      days: new Map(),
      minutes: new Map(),
      planned: new Set(),
    });
    return states.length - 1;
  };

  // Agent classes: interchangeable agents. Generated agents form one class per shift kind.
  const classMembers: number[][] = [];
  const classOfKind: number[] = [];
  const allWeek = WEEKDAYS.map((_, weekday) => ({ weekday, from: 0, to: MINUTES_PER_DAY }));
  const newGenerated = (kind: number): number => {
    const k = kinds[kind]!;
    const agent: Agent = {
      id: '',
      name: '',
      skills: groupQueues[k.group]!,
      contractMinutes: rules.maxWorkingDaysPerWeek * k.paid,
      maxDays: rules.maxWorkingDaysPerWeek,
      availability: allWeek,
      shiftTypes: [k.type],
      generated: true,
    };
    const a = addAgent(agent);
    classMembers[classOfKind[kind]!]!.push(a);
    return a;
  };
  if (input.generate) {
    kinds.forEach((_, k) => {
      classOfKind[k] = classMembers.length;
      classMembers.push([]);
    });
  } else {
    const byKey = new Map<string, number>();
    for (const agent of input.agents) {
      const a = addAgent(agent);
      const key = JSON.stringify([agent.skills, agent.shiftTypes, agent.maxDays, agent.contractMinutes, agent.availability]);
      if (!byKey.has(key)) {
        byKey.set(key, classMembers.length);
        classMembers.push([]);
      }
      classMembers[byKey.get(key)!]!.push(a);
    }
  }

  const eligible = (st: AgentState, s: PlacedShift): boolean =>
    st.agent.shiftTypes.includes(s.type) &&
    st.agent.contractMinutes >= s.paidMinutes &&
    isSuperset(st.agent.skills, groupQueues[s.group]!) &&
    isAvailable(st.spans, s.start, s.end);

  const shiftsByDay: number[][] = Array.from({ length: horizon.days }, () => []);
  shifts.forEach((s, i) => shiftsByDay[s.day]!.push(i));
  for (const list of shiftsByDay) list.sort((a, b) => shifts[a]!.start - shifts[b]!.start || shifts[a]!.type - shifts[b]!.type);

  const assignment = new Int32Array(shifts.length).fill(-1);
  const weeks = new Map<number, number[]>();
  for (let d = 0; d < horizon.days; d++) weeks.set(weekOf(d), [...(weeks.get(weekOf(d)) ?? []), d]);

  for (const [week, days] of weeks) {
    // Working-days plan for the week.
    const demand = kinds.map(() => days.map(() => 0));
    days.forEach((day, di) => {
      for (const i of shiftsByDay[day]!) demand[kindOf[i]!]![di]! += 1;
    });
    const planClasses: PlanClass[] = classMembers.map((members, ci) => {
      if (input.generate) {
        const kind = classOfKind.indexOf(ci);
        return {
          size: Number.POSITIVE_INFINITY,
          existing: members.length,
          maxDays: rules.maxWorkingDaysPerWeek,
          contractMinutes: rules.maxWorkingDaysPerWeek * kinds[kind]!.paid,
          minPaidMinutes: kinds[kind]!.paid,
          kindsByDay: days.map(() => [kind]),
        };
      }
      const rep = states[members[0]!]!;
      const paidOk = kinds.filter((k) => rep.agent.shiftTypes.includes(k.type)).map((k) => k.paid);
      return {
        size: members.length,
        existing: members.length,
        maxDays: rep.agent.maxDays,
        contractMinutes: rep.agent.contractMinutes,
        minPaidMinutes: paidOk.length > 0 ? Math.min(...paidOk) : Number.POSITIVE_INFINITY,
        kindsByDay: days.map((day) => {
          const ok = new Set<number>();
          for (const i of shiftsByDay[day]!) if (!ok.has(kindOf[i]!) && eligible(rep, shifts[i]!)) ok.add(kindOf[i]!);
          return [...ok];
        }),
      };
    });
    const plan = await planWorkingDays({
      days: days.map((day) => ({ day, weekend: isWeekend(day) })),
      fullWeek: days.length === 7,
      demand,
      kindPaidMinutes: kinds.map((k) => k.paid),
      classes: planClasses,
      preferConsecutiveDaysOff: rules.fairness.preferConsecutiveDaysOff,
      timeLimitSeconds: Math.min(20, input.timeLimitSeconds),
    });
    // Hand out patterns: those with the most weekend days go to whoever has worked the fewest weekends.
    plan.patterns.forEach((patterns, ci) => {
      const members = classMembers[ci]!;
      if (input.generate) while (members.length < patterns.length) newGenerated(classOfKind.indexOf(ci));
      const weekendCount = (p: number) => days.filter((day, di) => isWeekend(day) && p & (1 << di)).length;
      const sortedPatterns = [...patterns].sort((a, b) => weekendCount(b) - weekendCount(a));
      const sortedMembers = [...members].sort((a, b) => states[a]!.weekendDays - states[b]!.weekendDays);
      sortedMembers.forEach((a, n) => {
        const p = sortedPatterns[n];
        states[a]!.planned = new Set(p === undefined ? [] : days.filter((_, di) => p & (1 << di)));
      });
    });

    for (const day of days) {
      const todays = shiftsByDay[day]!;
      if (todays.length === 0) continue;
      const tomorrowStarts = (shiftsByDay[day + 1] ?? []).map((i) => shifts[i]!.start);
      const candidates = states
        .map((_, a) => a)
        .filter((a) => {
          const st = states[a]!;
          if (st.planned.has(day)) return true;
          const planLeft = [...st.planned].filter((d) => d > day).length;
          return (st.days.get(week) ?? 0) + planLeft + 1 <= st.agent.maxDays;
        });
      const n = todays.length;
      const m = candidates.length + n;
      const cost = new Float64Array(n * m).fill(Number.POSITIVE_INFINITY);
      todays.forEach((i, r) => {
        const s = shifts[i]!;
        const late = isLate(s);
        const startOfDay = s.start - day * MINUTES_PER_DAY;
        // Share of tomorrow's shifts an agent could no longer take after this one.
        const blocksTomorrow = tomorrowStarts.length > 0 ? tomorrowStarts.filter((t) => t < s.end + restMinutes).length / tomorrowStarts.length : 0;
        candidates.forEach((a, c) => {
          const st = states[a]!;
          if (!eligible(st, s)) return;
          if (s.start - st.lastEnd < restMinutes) return;
          const used = st.minutes.get(week) ?? 0;
          if (used + s.paidMinutes > st.agent.contractMinutes) return;
          let v = 0;
          if (!st.planned.has(day)) v += COST.offPlan + (isWeekend(day) ? COST.perWeekendDayHeld * st.weekendDays : 0);
          if (late) v += COST.perLateShiftHeld * st.lateShifts;
          if (st.planned.has(day + 1)) v += COST.blocksTomorrow * blocksTomorrow;
          if (st.lastStartOfDay !== undefined) v += (COST.startDrift * Math.abs(startOfDay - st.lastStartOfDay)) / 60;
          const laterDays = [...st.planned].filter((d) => d > day && weekOf(d) === week).length;
          if (used + s.paidMinutes + laterDays * s.paidMinutes > st.agent.contractMinutes) v += COST.squeezesContract;
          cost[r * m + c] = v;
        });
        cost[r * m + candidates.length + r] = COST.unassigned;
      });
      const match = minCostAssignment(n, m, cost);
      todays.forEach((i, r) => {
        const c = match[r]!;
        let a = c >= 0 && c < candidates.length ? candidates[c]! : -1;
        if (a < 0 && input.generate) a = newGenerated(kindOf[i]!);
        if (a < 0) return;
        const s = shifts[i]!;
        const st = states[a]!;
        assignment[i] = a;
        st.lastEnd = s.end;
        st.lastStartOfDay = s.start - day * MINUTES_PER_DAY;
        if (isLate(s)) st.lateShifts++;
        if (isWeekend(day)) st.weekendDays++;
        st.days.set(week, (st.days.get(week) ?? 0) + 1);
        st.minutes.set(week, (st.minutes.get(week) ?? 0) + s.paidMinutes);
      });
    }
  }

  // Generated agents are numbered A001, A002, … in order of their first shift.
  if (input.generate) {
    const first = new Map<number, number>();
    assignment.forEach((a, i) => {
      if (a >= 0 && !(first.get(a)! <= shifts[i]!.start)) first.set(a, shifts[i]!.start);
    });
    const used = [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)! || a - b);
    const width = Math.max(3, String(used.length).length);
    const renumber = new Map(used.map((a, n) => [a, n]));
    const agents = used.map((a, n) => {
      const id = `A${String(n + 1).padStart(width, '0')}`;
      return { ...states[a]!.agent, id, name: id };
    });
    const remapped = Int32Array.from(assignment, (a) => (a >= 0 ? renumber.get(a)! : -1));
    return { agents, assignment: remapped, unassigned: [] };
  }
  const unassigned: number[] = [];
  assignment.forEach((a, i) => {
    if (a < 0) unassigned.push(i);
  });
  return { agents: states.map((s) => s.agent), assignment, unassigned };
}
