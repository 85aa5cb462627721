import { LinearModel, solveModel } from './solver.ts';

/**
 * Which days each kind of agent works in one week: a small MIP over working-day patterns, aggregated by
 * agent class (agents with the same skills, contract, availability and shift types are interchangeable).
 *
 *   z[c,p]       agents of class c working the days of pattern p (integer)
 *   u[c,d,k]     of the class's agents working day d, how many take a shift of kind k (group × type)
 *   Σ_k u[c,d,k] ≤ Σ_{p∋d} z[c,p]       Σ_c u[c,d,k] + miss[d,k] = shifts of kind k on day d
 *   Σ_{d,k} u·paid ≤ contract_c · Σ_p z[c,p]
 * Costs: a shift left over ≫ a generated agent > days off not together > both weekend days worked.
 */

export interface PlanClass {
  /** Agents in the class; Infinity when the schedule may create as many as it needs. */
  size: number;
  /** Agents of the class already created in earlier weeks (only for classes of generated agents). */
  existing: number;
  maxDays: number;
  contractMinutes: number;
  /** Shortest paid shift the class may work (limits how many days its contract allows). */
  minPaidMinutes: number;
  /** Per day of the week (index into `days`), the shift kinds the class can work that day. */
  kindsByDay: number[][];
}

export interface PlanInput {
  /** Days of this week: index into the horizon, and whether it is a weekend day. */
  days: { day: number; weekend: boolean }[];
  /** Whether the week is complete (seven days): only then are consecutive days off judged. */
  fullWeek: boolean;
  /** Shifts to cover per kind per day of the week: demand[kind][d]. */
  demand: number[][];
  /** Paid minutes of a shift of each kind. */
  kindPaidMinutes: number[];
  classes: PlanClass[];
  preferConsecutiveDaysOff: boolean;
  timeLimitSeconds: number;
}

export interface PlanResult {
  /** Per class, the patterns used: bit d set = works day d of the week; one entry per agent. */
  patterns: number[][];
  /** Shifts the plan could not staff, per kind and day. */
  missing: number;
}

export const COST = {
  missingShift: 1000,
  generatedAgent: 40,
  bothWeekendDays: 3,
  daysOffApart: 4,
} as const;

function bitCount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

/** Whether two neighbouring days of the week are both off. */
function hasConsecutiveOff(pattern: number, numDays: number): boolean {
  for (let d = 0; d + 1 < numDays; d++) if (!(pattern & (1 << d)) && !(pattern & (1 << (d + 1)))) return true;
  return false;
}

export function patternCost(pattern: number, input: Pick<PlanInput, 'days' | 'fullWeek' | 'preferConsecutiveDaysOff'>): number {
  let cost = 0;
  const weekendWorked = input.days.filter((d, i) => d.weekend && pattern & (1 << i)).length;
  if (weekendWorked >= 2) cost += COST.bothWeekendDays * (weekendWorked - 1);
  const off = input.days.length - bitCount(pattern);
  if (input.preferConsecutiveDaysOff && input.fullWeek && off >= 2 && !hasConsecutiveOff(pattern, input.days.length)) cost += COST.daysOffApart;
  return cost;
}

export async function planWorkingDays(input: PlanInput): Promise<PlanResult> {
  const numDays = input.days.length;
  const model = new LinearModel();
  const classPatterns: { pattern: number; col: number }[][] = [];
  const agentsOnDay: number[][][] = []; // [class][day] → pattern columns

  input.classes.forEach((c) => {
    // Days the class has something to do.
    let mask = 0;
    c.kindsByDay.forEach((kinds, d) => {
      if (kinds.some((k) => input.demand[k]![d]! > 0)) mask |= 1 << d;
    });
    const byContract = Math.floor(c.contractMinutes / Math.max(1, c.minPaidMinutes));
    const maxDays = Math.min(c.maxDays, byContract, numDays);
    const list: { pattern: number; col: number }[] = [];
    const onDay: number[][] = Array.from({ length: numDays }, () => []);
    if (maxDays > 0 && mask !== 0 && c.size > 0) {
      for (let p = 1; p < 1 << numDays; p++) {
        if ((p & mask) !== p || bitCount(p) > maxDays) continue;
        const upper = Number.isFinite(c.size) ? c.size : Number.POSITIVE_INFINITY;
        const col = model.addVar(patternCost(p, input), 0, upper, true);
        list.push({ pattern: p, col });
        for (let d = 0; d < numDays; d++) if (p & (1 << d)) onDay[d]!.push(col);
      }
    }
    classPatterns.push(list);
    agentsOnDay.push(onDay);
  });

  // Each agent works one pattern; generated agents cost something, so the plan uses as few as cover the week.
  input.classes.forEach((c, ci) => {
    const cols = classPatterns[ci]!.map((p) => p.col);
    if (cols.length === 0) return;
    if (Number.isFinite(c.size)) {
      model.addRow(Number.NEGATIVE_INFINITY, c.size, cols, cols.map(() => 1));
      return;
    }
    const extra = model.addVar(COST.generatedAgent, 0, Number.POSITIVE_INFINITY, false);
    model.addRow(Number.NEGATIVE_INFINITY, c.existing, [...cols, extra], [...cols.map(() => 1), -1]);
  });

  const numKinds = input.demand.length;
  const takeCols: number[][][] = Array.from({ length: numKinds }, () => Array.from({ length: numDays }, () => []));
  input.classes.forEach((c, ci) => {
    if (classPatterns[ci]!.length === 0) return;
    const paidIdx: number[] = [];
    const paidVal: number[] = [];
    for (let d = 0; d < numDays; d++) {
      const cols: number[] = [];
      for (const k of c.kindsByDay[d]!) {
        if (input.demand[k]![d]! <= 0) continue;
        const col = model.addVar(0, 0, input.demand[k]![d]!, true);
        takeCols[k]![d]!.push(col);
        cols.push(col);
        paidIdx.push(col);
        paidVal.push(input.kindPaidMinutes[k]!);
      }
      const on = agentsOnDay[ci]![d]!;
      if (cols.length > 0) model.addRow(Number.NEGATIVE_INFINITY, 0, [...cols, ...on], [...cols.map(() => 1), ...on.map(() => -1)]);
    }
    const all = classPatterns[ci]!.map((p) => p.col);
    if (paidIdx.length > 0) model.addRow(Number.NEGATIVE_INFINITY, 0, [...paidIdx, ...all], [...paidVal, ...all.map(() => -c.contractMinutes)]);
  });

  const missCols: number[] = [];
  for (let k = 0; k < numKinds; k++) {
    for (let d = 0; d < numDays; d++) {
      const n = input.demand[k]![d]!;
      if (n <= 0) continue;
      const miss = model.addVar(COST.missingShift, 0, n, false);
      missCols.push(miss);
      const cols = takeCols[k]![d]!;
      model.addRow(n, n, [...cols, miss], [...cols.map(() => 1), 1]);
    }
  }

  if (model.numCols === 0) return { patterns: input.classes.map(() => []), missing: 0 };
  const solve = await solveModel(model, { timeLimitSeconds: input.timeLimitSeconds, mipRelGap: 0.01 });
  if (!solve.feasible) throw new Error(`the working-days plan found no solution (status: ${solve.status})`);
  const patterns = classPatterns.map((list) => {
    const out: number[] = [];
    for (const { pattern, col } of list) for (let n = Math.round(solve.values[col]!); n > 0; n--) out.push(pattern);
    return out;
  });
  const missing = missCols.reduce((s, c) => s + Math.round(solve.values[c]!), 0);
  return { patterns, missing };
}
