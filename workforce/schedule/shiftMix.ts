import { applyShifts, buildModel, costOf, placeShifts, shortfall, slotRequirements, startTimes, type Candidate, type CapacityRow, type Context, type MixSetting, type PlacedShift } from './mixModel.ts';
import { roundedStart } from './mixStart.ts';
import { solveModel, type SolveResult } from './solver.ts';
import { gcd, MINUTES_PER_DAY } from './time.ts';

/**
 * Solving the shift mix (model in mixModel.ts). The LP relaxation over the whole horizon gives the
 * lower bound and shares each week's agent capacity out among its days; the integer model is then
 * solved one day at a time from a rounded-and-repaired start (days only meet through weekly capacity
 * and shifts past midnight, which the other days hand on as fixed coverage), and days that may still
 * improve get the time left.
 */

export interface ShiftMixInput extends MixSetting {
  /** Maps a day index to its week index (for weekly capacity). */
  weekOf: (day: number) => number;
  timeLimitSeconds: number;
  mipRelGap: number;
}

export interface ShiftMixResult {
  shifts: PlacedShift[];
  /** "optimal" within the gap tolerance of the bound; else a day's limit ("time limit"), or "feasible". */
  status: string;
  /** Paid hours plus the shortfall penalty of the chosen shifts. */
  objective: number;
  /** Proven lower bound of the objective. */
  bound: number;
  /** Objective of the LP relaxation over the whole horizon. */
  lpRelaxation: number;
  /** (objective − bound) ÷ objective. */
  gap: number;
  paidHours: number;
  /** Unmet requirement in agent-hours, slot by slot, with the chosen shifts and breaks. */
  shortAgentHours: number;
  /** Each day's integer model: status, seconds, objective and gap. */
  days: { day: number; status: string; seconds: number; objective: number; gap: number }[];
  /** Size of the largest integer model solved (one day). */
  variables: number;
  integerVariables: number;
  constraints: number;
  seconds: number;
}

/**
 * The step every objective value is a multiple of (the gcd of the costs in minutes), or 0 when costs
 * are not whole minutes. Whole shifts and whole short slots then cost whole steps.
 */
function objectiveStep(costsInHours: readonly number[]): number {
  let g = 0;
  for (const c of costsInHours) {
    const minutes = c * 60;
    if (Math.abs(minutes - Math.round(minutes)) > 1e-9) return 0;
    g = gcd(g, Math.round(minutes));
  }
  return g / 60;
}

/** A lower bound raised to the next multiple of the objective step (still a bound). */
function roundUpTo(bound: number, step: number): number {
  if (!(step > 0) || !Number.isFinite(bound)) return bound;
  return Math.ceil(bound / step - 1e-7) * step;
}

export async function solveShiftMix(input: ShiftMixInput): Promise<ShiftMixResult> {
  const started = performance.now();
  const { grid, rules, slotMinutes, groups } = input;
  const longest = Math.max(...rules.shiftTypes.map((t) => t.lengthMinutes));
  const numSlots = Math.ceil((grid.horizon.days * MINUTES_PER_DAY + longest) / slotMinutes);
  const req = slotRequirements(grid, slotMinutes, numSlots);
  const slotHours = slotMinutes / 60;
  const maxPaidHours = Math.max(...rules.shiftTypes.map((t) => t.paidMinutes)) / 60;
  // Covering comes first: one short slot must cost more than the longest paid shift that could fill it.
  // The penalty is rounded up to whole steps of paid time so the objective keeps that step (see below).
  const paidStep = rules.shiftTypes.reduce((g, t) => gcd(g, t.paidMinutes), 0) / 60;
  const basePenalty = Math.ceil(Math.max(rules.shortfall.penaltyPerAgentHour * slotHours, maxPaidHours + 1) / paidStep - 1e-9) * paidStep;
  const penaltyPerSlot = grid.queues.map((q) => basePenalty * (rules.shortfall.queueWeights[q] ?? 1));
  const step = objectiveStep([...rules.shiftTypes.map((t) => t.paidMinutes / 60), ...penaltyPerSlot]);
  const needs = groups.map((g) => {
    const n = new Uint8Array(numSlots);
    for (const q of g.queues) for (let s = 0; s < numSlots; s++) if (req[q]![s]! > 0) n[s] = 1;
    return n;
  });
  const ctx: Context = { input, numSlots, req, needs, penaltyPerSlot, single: groups.length === 1 && groups[0]!.queues.length === grid.queues.length };

  // Candidate shifts: those reaching a slot where their group is needed and that someone can work.
  const candidates: Candidate[] = [];
  const touchedBy = new Int32Array(numSlots).fill(-1);
  groups.forEach((g, gi) => {
    rules.shiftTypes.forEach((t, ti) => {
      for (let day = 0; day < grid.horizon.days; day++) {
        for (const s of startTimes(rules, ti)) {
          const start = day * MINUTES_PER_DAY + s;
          let useful = false;
          for (let k = start / slotMinutes; k < (start + t.lengthMinutes) / slotMinutes && !useful; k++) useful = needs[gi]![k] === 1;
          if (!useful) continue;
          const upper = g.capacity ? g.capacity.shiftUpper(ti, day, start) : Number.POSITIVE_INFINITY;
          if (upper <= 0) continue;
          const breakOffsets = t.breaks.map((b) => {
            const offsets: number[] = [];
            for (let o = b.earliestOffsetMinutes; o <= b.latestOffsetMinutes; o += slotMinutes) offsets.push(o);
            return offsets;
          });
          candidates.push({ group: gi, type: ti, day, start, upper, breakOffsets });
          for (let k = start / slotMinutes; k < (start + t.lengthMinutes) / slotMinutes; k++) {
            touchedBy[k] = touchedBy[k] === -1 || touchedBy[k] === day ? day : -2;
          }
        }
      }
    });
  });
  const paidHoursOf = (c: Candidate) => rules.shiftTypes[c.type]!.paidMinutes / 60;
  const one = () => 1;
  const zero = () => groups.map(() => new Int32Array(numSlots));

  // 1. LP relaxation over the whole horizon.
  const fullRows: CapacityRow[] = [];
  groups.forEach((g, gi) => {
    const cap = g.capacity;
    if (!cap) return;
    const mine = candidates.flatMap((c, i) => (c.group === gi ? [i] : []));
    for (let day = 0; day < grid.horizon.days; day++) {
      fullRows.push({ candidates: mine.filter((i) => candidates[i]!.day === day), coef: one, upper: cap.perDay[day] ?? 0 });
    }
    const weeks = new Set(mine.map((i) => input.weekOf(candidates[i]!.day)));
    for (const w of weeks) {
      const inWeek = mine.filter((i) => input.weekOf(candidates[i]!.day) === w);
      fullRows.push({ candidates: inWeek, coef: one, upper: cap.perWeekShifts[w] ?? 0 });
      fullRows.push({ candidates: inWeek, coef: paidHoursOf, upper: (cap.perWeekMinutes[w] ?? 0) / 60 });
    }
  });
  const full = buildModel(ctx, candidates, zero(), false, fullRows, true);
  const lp = await solveModel(full.model, { timeLimitSeconds: input.timeLimitSeconds, mipRelGap: input.mipRelGap, interiorPoint: true });
  if (!lp.feasible) throw new Error(`the shift-mix LP relaxation failed (status: ${lp.status})`);
  // What the relaxation gives each group each day: shifts and paid hours (shares weekly capacity).
  const lpShifts = groups.map(() => new Float64Array(grid.horizon.days));
  const lpHours = groups.map(() => new Float64Array(grid.horizon.days));
  candidates.forEach((c, i) => {
    const v = lp.values[full.xCol[i]!]!;
    lpShifts[c.group]![c.day]! += v;
    lpHours[c.group]![c.day]! += v * paidHoursOf(c);
  });

  // 2. One integer model per day with the other days' shifts fixed: a first pass in day order, then a
  // second pass giving the time left to days that may still improve (a new plan is kept only if better).
  const numDays = grid.horizon.days;
  const fixed = zero();
  const dayShifts: PlacedShift[][] = Array.from({ length: numDays }, () => []);
  const dayRuns: ({ day: number } & SolveResult)[] = [];
  const dayBound = new Float64Array(numDays).fill(Number.NEGATIVE_INFINITY);
  let largest = { variables: 0, integerVariables: 0, constraints: 0 };
  const used = (gi: number, days: (d: number) => boolean) => {
    let n = 0;
    let hours = 0;
    dayShifts.forEach((list, d) => {
      if (!days(d)) return;
      for (const sh of list) {
        if (sh.group !== gi) continue;
        n++;
        hours += sh.paidMinutes / 60;
      }
    });
    return { n, hours };
  };
  // First time round each day may use its share of the week's capacity as the relaxation divides it
  // (shift counts rounded so the week's total still fits); afterwards, whatever the other days leave.
  const share = groups.map((g, gi) => {
    const shifts = new Float64Array(numDays);
    const hours = new Float64Array(numDays);
    const cap = g.capacity;
    if (!cap) return { shifts, hours };
    const weeks = new Map<number, number[]>();
    for (let d = 0; d < numDays; d++) weeks.set(input.weekOf(d), [...(weeks.get(input.weekOf(d)) ?? []), d]);
    for (const [w, days] of weeks) {
      const lpTotal = days.reduce((sum, d) => sum + lpShifts[gi]![d]!, 0);
      let spare = Math.min(cap.perWeekShifts[w] ?? 0, Math.ceil(lpTotal - 1e-6));
      for (const d of days) {
        shifts[d] = Math.floor(lpShifts[gi]![d]! + 1e-6);
        spare -= shifts[d]!;
      }
      for (const d of [...days].sort((a, b) => (lpShifts[gi]![b]! % 1) - (lpShifts[gi]![a]! % 1))) {
        if (spare <= 0) break;
        shifts[d]! += 1;
        spare--;
      }
      const slack = Math.max(0, (cap.perWeekMinutes[w] ?? 0) / 60 - days.reduce((sum, d) => sum + lpHours[gi]![d]!, 0));
      for (const d of days) hours[d] = lpHours[gi]![d]! + slack / days.length;
    }
    return { shifts, hours };
  });
  const solveDay = async (day: number, timeLimitSeconds: number, firstPass: boolean) => {
    const dayCands = candidates.filter((c) => c.day === day);
    const w = input.weekOf(day);
    const rows: CapacityRow[] = [];
    groups.forEach((g, gi) => {
      const cap = g.capacity;
      if (!cap) return;
      const mine = dayCands.flatMap((c, i) => (c.group === gi ? [i] : []));
      const others = used(gi, (d) => d !== day && input.weekOf(d) === w);
      const shiftRoom = firstPass ? share[gi]!.shifts[day]! : (cap.perWeekShifts[w] ?? 0) - others.n;
      const hourRoom = firstPass ? share[gi]!.hours[day]! : (cap.perWeekMinutes[w] ?? 0) / 60 - others.hours;
      rows.push({ candidates: mine, coef: one, upper: Math.min(cap.perDay[day] ?? 0, shiftRoom) });
      rows.push({ candidates: mine, coef: paidHoursOf, upper: hourRoom + 1e-6 });
    });
    const dayStarted = performance.now();
    const built = buildModel(ctx, dayCands, fixed, true, rows, false);
    // The day's own relaxation (a vertex, so few counts are fractional) guides the rounding.
    const dayLp = await solveModel(built.model.variant(() => ({ integer: false })), { timeLimitSeconds: Math.max(0.5, timeLimitSeconds / 4), mipRelGap: input.mipRelGap });
    const relaxed = dayCands.map((c, i) => (dayLp.feasible ? dayLp.values[built.xCol[i]!]! : lp.values[full.xCol[candidates.indexOf(c)]!]!));
    let start = roundedStart(ctx, dayCands, built, relaxed, fixed, rows);
    // With those shift counts fixed the breaks alone are quick to place exactly: a better start.
    const isCount = new Uint8Array(built.model.numCols);
    for (const x of built.xCol) isCount[x] = 1;
    const countsFixed = built.model.variant((j) => (isCount[j] ? { lower: start[j]!, upper: start[j]! } : undefined));
    const breaksPlaced = await solveModel(countsFixed, { timeLimitSeconds: Math.max(0.3, timeLimitSeconds / 5), mipRelGap: input.mipRelGap, mipAbsGap: step * 0.999, start });
    if (breaksPlaced.feasible && breaksPlaced.objective < costOf(built.model, start) - 1e-6) start = breaksPlaced.values;
    const left = Math.max(0.5, timeLimitSeconds - (performance.now() - dayStarted) / 1000);
    const solved = await solveModel(built.model, { timeLimitSeconds: left, mipRelGap: input.mipRelGap, mipAbsGap: step * 0.999, start });
    const startCost = costOf(built.model, start);
    if (!solved.feasible || solved.objective > startCost + 1e-6) {
      // The solver ran out of time before matching the rounding: keep the rounding.
      Object.assign(solved, { feasible: true, values: start, objective: startCost });
    }
    solved.bound = Math.min(roundUpTo(solved.bound, step), solved.objective);
    solved.gap = (solved.objective - solved.bound) / Math.max(Math.abs(solved.objective), 1e-9);
    if (solved.objective - solved.bound < step * 0.999 || solved.gap <= input.mipRelGap) solved.status = 'optimal';
    dayBound[day] = Math.max(dayBound[day]!, solved.bound);
    if (built.model.numCols > largest.variables) {
      largest = { variables: built.model.numCols, integerVariables: built.model.integer.filter(Boolean).length, constraints: built.model.numRows };
    }
    return { placed: placeShifts(ctx, dayCands, built, solved.values), solved };
  };
  const globalCost = () => dayShifts.flat().reduce((sum, sh) => sum + sh.paidMinutes / 60, 0) + shortfall(ctx, fixed).penalty;

  const activeDays = [...Array(numDays).keys()].filter((d) => candidates.some((c) => c.day === d));
  const firstPassEnd = started + 0.65 * input.timeLimitSeconds * 1000;
  for (const [k, day] of activeDays.entries()) {
    const timeLimitSeconds = Math.max(1, (firstPassEnd - performance.now()) / 1000 / (activeDays.length - k));
    const { placed, solved } = await solveDay(day, timeLimitSeconds, true);
    dayShifts[day] = placed;
    applyShifts(fixed, placed, 1, ctx);
    dayRuns.push({ ...solved, day });
  }
  // Days that share capacity or shifts past midnight can still gain from a second look with the
  // other days settled; days on their own only if they stopped short of the tolerance.
  const coupled = groups.some((g) => g.capacity) || touchedBy.includes(-2);
  const settled = () => {
    const cost = globalCost();
    const lower = roundUpTo(lp.objective, step);
    return cost - lower < step * 0.999 || cost - lower <= input.mipRelGap * cost;
  };
  const retry = settled() ? [] : dayRuns.filter((r) => coupled || r.status !== 'optimal').sort((a, b) => b.gap - a.gap);
  for (const [k, run] of retry.entries()) {
    const left = (started + input.timeLimitSeconds * 1000 - performance.now()) / 1000;
    if (left < 1) break;
    const before = globalCost();
    applyShifts(fixed, dayShifts[run.day]!, -1, ctx);
    const { placed, solved } = await solveDay(run.day, left / (retry.length - k), false);
    applyShifts(fixed, placed, 1, ctx);
    const previous = dayShifts[run.day]!;
    dayShifts[run.day] = placed;
    if (globalCost() < before - 1e-9) {
      dayRuns[dayRuns.indexOf(run)] = { ...solved, day: run.day };
    } else {
      applyShifts(fixed, placed, -1, ctx);
      applyShifts(fixed, previous, 1, ctx);
      dayShifts[run.day] = previous;
      run.seconds += solved.seconds;
    }
  }
  const shifts = dayShifts.flat();
  const statuses = dayRuns;
  const dayBounds = dayBound.reduce((sum, b) => sum + (Number.isFinite(b) ? b : 0), 0);

  // 3. The result's cost, and its lower bound.
  const paidHours = shifts.reduce((sum, s) => sum + s.paidMinutes, 0) / 60;
  const short = shortfall(ctx, fixed);
  const objective = paidHours + short.penalty;
  let bound = roundUpTo(lp.objective, step);
  // Without weekly capacity or shifts past midnight the days are independent: their bounds add up,
  // plus the slots no shift can reach.
  const independent = groups.every((g) => !g.capacity) && !touchedBy.includes(-2);
  if (independent) {
    let unreachable = 0;
    req.forEach((r, q) => {
      r.forEach((v, s) => {
        if (v > 0 && touchedBy[s] === -1) unreachable += v * penaltyPerSlot[q]!;
      });
    });
    bound = Math.max(bound, dayBounds + unreachable);
  }
  bound = Math.min(bound, objective);
  const gap = objective > 0 ? (objective - bound) / objective : 0;
  // Optimal only when the whole is within the tolerance of the bound; every day solved to tolerance
  // given the days before it is "feasible"; otherwise the first day's limit that was hit.
  const notOptimal = statuses.find((s) => s.status !== 'optimal');
  const status = objective - bound < step * 0.999 || gap <= input.mipRelGap ? 'optimal' : (notOptimal?.status ?? 'feasible');
  return {
    shifts,
    status,
    objective,
    bound,
    lpRelaxation: lp.objective,
    gap,
    paidHours,
    shortAgentHours: short.agentSlots * slotHours,
    days: statuses.map((s) => ({ day: s.day, status: s.status, seconds: s.seconds, objective: s.objective, gap: s.gap })),
    ...largest,
    seconds: (performance.now() - started) / 1000,
  };
}
