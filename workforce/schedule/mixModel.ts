import { shareOutSlot, type OnWork } from './allocate.ts';
import type { RequirementGrid } from './requirements.ts';
import type { Rules } from './rules.ts';
import { LinearModel } from './solver.ts';
import { clockMinutes, gcd } from './time.ts';

/**
 * The shift-mix model: how many shifts of each type start at each time of each day, per skill group,
 * with the breaks and lunches of those shifts placed. Variables are counts aggregated by group × shift
 * type × day × start (never per agent), so the model stays compact:
 *
 *   minimise  Σ paid hours · x  +  Σ penalty · weight(queue) · short
 *   x[j]           shifts of candidate j (integer)
 *   β[f,k,τ]       breaks k of family f (group × type × day) starting at τ (integer); Σ_τ β = Σ_{j∈f} x,
 *                  and for every run i…j of consecutive starts Σ_{s=i..j} x[s] ≤ Σ β inside their windows
 *   working_g(τ) = Σ x covering slot τ − Σ β covering τ        (agents of group g on work in τ)
 *   one group:     working(τ) + Σ_q short[q,τ] ≥ Σ_q req[q,τ]
 *   several:       Σ_q y[g,q,τ] ≤ working_g(τ),  Σ_g y[g,q,τ] + short[q,τ] ≥ req[q,τ]
 * plus, when the agents are known, how many of each group can work each day, week and shift.
 */

/** Limits a known agent pool puts on one group's shifts. */
export interface GroupCapacity {
  /** Agents of the group able to work this exact shift (type allowed, available, contract long enough). */
  shiftUpper(type: number, day: number, start: number): number;
  /** Agents of the group available on each day of the horizon. */
  perDay: number[];
  /** Shifts the group's agents can work in each week (Σ of their working-day limits). */
  perWeekShifts: number[];
  /** Paid minutes the group's agents are contracted for in each week. */
  perWeekMinutes: number[];
}

export interface SkillGroup {
  /** Queue indices the group's agents serve. */
  queues: number[];
  capacity?: GroupCapacity;
}

export interface PlacedBreak {
  activity: 'break' | 'lunch';
  start: number;
  end: number;
}

/** One shift to be given to an agent: timeline minutes, its group and type, breaks placed. */
export interface PlacedShift {
  group: number;
  type: number;
  day: number;
  start: number;
  end: number;
  paidMinutes: number;
  breaks: PlacedBreak[];
}

/** What every model of one schedule shares. */
export interface MixSetting {
  grid: RequirementGrid;
  rules: Rules;
  slotMinutes: number;
  groups: SkillGroup[];
}

/** Requirement per queue per slot (whole agents). */
export function slotRequirements(grid: RequirementGrid, slotMinutes: number, numSlots: number): Int32Array[] {
  const req = grid.queues.map(() => new Int32Array(numSlots));
  const perInterval = grid.intervalMinutes / slotMinutes;
  for (const row of grid.rows) {
    const first = row.start / slotMinutes;
    for (let k = 0; k < perInterval; k++) {
      const s = first + k;
      if (s < numSlots) req[row.queue]![s] = row.required;
    }
  }
  return req;
}

/** Start times (minutes after midnight) a shift type may start at. */
export function startTimes(rules: Rules, type: number): number[] {
  const t = rules.shiftTypes[type]!;
  const first = clockMinutes(t.startWindow.earliest)!;
  const last = clockMinutes(t.startWindow.latest)!;
  const out: number[] = [];
  for (let s = first; s <= last; s += t.startWindow.stepMinutes) out.push(s);
  return out;
}

/** Slot grid: the coarsest step that every interval, start, length, break length and offset falls on. */
export function slotLength(rules: Rules, intervalMinutes: number): number {
  let g = intervalMinutes;
  for (const t of rules.shiftTypes) {
    g = gcd(g, t.lengthMinutes);
    g = gcd(g, clockMinutes(t.startWindow.earliest)!);
    g = gcd(g, t.startWindow.stepMinutes);
    for (const b of t.breaks) {
      g = gcd(g, b.lengthMinutes);
      g = gcd(g, b.earliestOffsetMinutes);
      g = gcd(g, b.latestOffsetMinutes);
    }
  }
  return g;
}

/** A shift that may be chosen: group, type and start; `upper` agents can work it. */
export interface Candidate {
  group: number;
  type: number;
  day: number;
  start: number;
  upper: number;
  /** Per break of the type, the offsets it may start at. */
  breakOffsets: number[][];
}

export interface Context {
  input: MixSetting;
  numSlots: number;
  req: Int32Array[];
  /** Per group, 1 where one of its queues has a requirement. */
  needs: Uint8Array[];
  penaltyPerSlot: number[];
  single: boolean;
}

/** Capacity rows: Σ coef·x over `cols` ≤ upper. */
export interface CapacityRow {
  candidates: number[];
  coef: (c: Candidate) => number;
  upper: number;
}

/** Shifts of one group, type and day, and the break-start variables of each of the type's breaks. */
export interface Family {
  /** Candidate indices, by start time. */
  cands: number[];
  /** Per break: the possible start times (timeline minutes) and their columns. */
  breaks: { times: number[]; cols: number[] }[];
}

export interface BuiltModel {
  model: LinearModel;
  xCol: number[];
  families: Family[];
  /** Family of each candidate. */
  familyOf: number[];
  /** Shortfall column per "queue,slot", and the slots that have coverage rows. */
  shortCol: Map<string, number>;
  /** Flow column per "group,queue,slot" (several groups only). */
  yCol: Map<string, number>;
  rowSlots: number[];
}

/**
 * Builds the model over `cands`. `fixed[g][τ]` counts agents of group g already on work in slot τ
 * (shifts chosen for earlier days). `allSlots` adds rows for every slot with a requirement (the
 * whole-horizon relaxation), else only for slots the candidates reach.
 */
export function buildModel(ctx: Context, cands: readonly Candidate[], fixed: readonly Int32Array[], integral: boolean, capacity: readonly CapacityRow[], allSlots: boolean): BuiltModel {
  const { input, numSlots, req, needs } = ctx;
  const { rules, slotMinutes, groups, grid } = input;
  const model = new LinearModel();
  const xCol: number[] = [];
  const terms: Map<number, number>[][] = groups.map(() => Array.from({ length: numSlots }, () => new Map<number, number>()));
  const inModel = new Uint8Array(numSlots);
  const add = (g: number, slot: number, col: number, v: number) => {
    if (slot >= numSlots || needs[g]![slot] !== 1) return;
    inModel[slot] = 1;
    const m = terms[g]![slot]!;
    m.set(col, (m.get(col) ?? 0) + v);
  };
  for (const c of cands) {
    const t = rules.shiftTypes[c.type]!;
    const x = model.addVar(t.paidMinutes / 60, 0, c.upper, integral);
    xCol.push(x);
    const first = c.start / slotMinutes;
    for (let k = 0; k < t.lengthMinutes / slotMinutes; k++) add(c.group, first + k, x, 1);
  }

  // Breaks, aggregated by start time per family (group × type × day) rather than per shift: every
  // shift's break window is the same offsets from its start, so later shifts have later windows and
  // the counts admit a matching of breaks to shifts exactly when every run of consecutive starts i…j
  // has at least as many breaks inside the union of its windows as it has shifts (Hall's condition).
  const familyKey = new Map<string, number>();
  const families: Family[] = [];
  const familyOf = cands.map((c, i) => {
    const key = `${c.group}/${c.type}/${c.day}`;
    let f = familyKey.get(key);
    if (f === undefined) {
      f = families.length;
      familyKey.set(key, f);
      families.push({ cands: [], breaks: [] });
    }
    families[f]!.cands.push(i);
    return f;
  });
  for (const fam of families) {
    fam.cands.sort((a, b) => cands[a]!.start - cands[b]!.start);
    const c0 = cands[fam.cands[0]!]!;
    const t = rules.shiftTypes[c0.type]!;
    const upper = fam.cands.reduce((sum, i) => sum + cands[i]!.upper, 0);
    const xs = fam.cands.map((i) => xCol[i]!);
    fam.breaks = t.breaks.map((b) => {
      const times = [...new Set(fam.cands.flatMap((i) => cands[i]!.breakOffsets[t.breaks.indexOf(b)]!.map((o) => cands[i]!.start + o)))].sort((p, q) => p - q);
      const cols = times.map(() => model.addVar(0, 0, upper, integral));
      const len = b.lengthMinutes / slotMinutes;
      times.forEach((tau, k) => {
        for (let j = 0; j < len; j++) add(c0.group, tau / slotMinutes + j, cols[k]!, -1);
      });
      // As many breaks as shifts.
      model.addRow(0, 0, [...cols, ...xs], [...cols.map(() => 1), ...xs.map(() => -1)]);
      // Hall's condition on every run of consecutive starts whose windows join up.
      const from = (i: number) => cands[fam.cands[i]!]!.start + b.earliestOffsetMinutes;
      const to = (i: number) => cands[fam.cands[i]!]!.start + b.latestOffsetMinutes;
      for (let i = 0; i < fam.cands.length; i++) {
        for (let j = i; j < fam.cands.length; j++) {
          if (j > i && from(j) > to(j - 1) + slotMinutes) break;
          if (i === 0 && j === fam.cands.length - 1) continue; // implied by the equality
          const inside = cols.filter((_, k) => times[k]! >= from(i) && times[k]! <= to(j));
          const run = xs.slice(i, j + 1);
          model.addRow(0, Number.POSITIVE_INFINITY, [...inside, ...run], [...inside.map(() => 1), ...run.map(() => -1)]);
        }
      }
      return { times, cols };
    });
  }

  const slots: number[] = [];
  for (let s = 0; s < numSlots; s++) {
    if (inModel[s] || (allSlots && req.some((r) => r[s]! > 0))) slots.push(s);
  }
  const shortCol = new Map<string, number>();
  const yCol = new Map<string, number>();
  const shortVar = (q: number, s: number, upper: number) => {
    const col = model.addVar(ctx.penaltyPerSlot[q]!, 0, upper, false);
    shortCol.set(`${q},${s}`, col);
    return col;
  };

  if (ctx.single) {
    for (const s of slots) {
      let total = 0;
      for (const r of req) total += r[s]!;
      const need = total - fixed[0]![s]!;
      if (need <= 0) continue;
      const idx: number[] = [];
      const val: number[] = [];
      req.forEach((r, q) => {
        if (r[s]! > 0) {
          idx.push(shortVar(q, s, r[s]!));
          val.push(1);
        }
      });
      for (const [col, v] of terms[0]![s]!) {
        idx.push(col);
        val.push(v);
      }
      model.addRow(need, Number.POSITIVE_INFINITY, idx, val);
    }
  } else {
    for (const s of slots) {
      const served: number[][] = req.map(() => []);
      groups.forEach((g, gi) => {
        const qs = g.queues.filter((q) => req[q]![s]! > 0);
        if (qs.length === 0) return;
        const w = terms[gi]![s]!;
        if (w.size === 0 && fixed[gi]![s]! === 0) return;
        const idx: number[] = [];
        const val: number[] = [];
        for (const q of qs) {
          const y = model.addVar(0, 0, Number.POSITIVE_INFINITY, false);
          served[q]!.push(y);
          yCol.set(`${gi},${q},${s}`, y);
          idx.push(y);
          val.push(1);
        }
        for (const [col, v] of w) {
          idx.push(col);
          val.push(-v);
        }
        model.addRow(Number.NEGATIVE_INFINITY, fixed[gi]![s]!, idx, val);
      });
      req.forEach((r, q) => {
        if (r[s]! <= 0) return;
        const ys = served[q]!;
        model.addRow(r[s]!, Number.POSITIVE_INFINITY, [...ys, shortVar(q, s, r[s]!)], [...ys.map(() => 1), 1]);
      });
    }
  }

  for (const row of capacity) {
    if (row.candidates.length === 0) continue;
    model.addRow(
      Number.NEGATIVE_INFINITY,
      Math.max(0, row.upper),
      row.candidates.map((i) => xCol[i]!),
      row.candidates.map((i) => row.coef(cands[i]!)),
    );
  }
  return { model, xCol, families, familyOf, shortCol, yCol, rowSlots: slots };
}

/** Objective of a column vector. */
export function costOf(model: LinearModel, values: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < model.numCols; j++) sum += model.cost[j]! * values[j]!;
  return sum;
}

/** Adds (sign 1) or removes (sign -1) shifts' agents on work to `fixed`. */
export function applyShifts(fixed: Int32Array[], shifts: readonly PlacedShift[], sign: 1 | -1, ctx: Context): void {
  const { slotMinutes } = ctx.input;
  const bump = (g: number, from: number, to: number, v: number) => {
    for (let t = from; t < to; t += slotMinutes) {
      const s = t / slotMinutes;
      if (s < ctx.numSlots) fixed[g]![s]! += v;
    }
  };
  for (const sh of shifts) {
    bump(sh.group, sh.start, sh.end, sign);
    for (const b of sh.breaks) bump(sh.group, b.start, b.end, -sign);
  }
}

/**
 * Shifts (with breaks placed) of a solved model. Break start times are matched to shifts earliest
 * first: each break goes to the earliest-starting shift still without one whose window reaches it,
 * which succeeds whenever the model's Hall rows hold.
 */
export function placeShifts(ctx: Context, cands: readonly Candidate[], built: BuiltModel, values: Float64Array): PlacedShift[] {
  const { rules } = ctx.input;
  const out: PlacedShift[] = [];
  for (const fam of built.families) {
    const c0 = cands[fam.cands[0]!]!;
    const t = rules.shiftTypes[c0.type]!;
    const units = fam.cands.flatMap((i) => Array<number>(Math.max(0, Math.round(values[built.xCol[i]!]!))).fill(i));
    if (units.length === 0) continue;
    const breakStarts = units.map(() => new Array<number>(t.breaks.length).fill(Number.NaN));
    fam.breaks.forEach(({ times, cols }, bi) => {
      const b = t.breaks[bi]!;
      const taken = new Uint8Array(units.length);
      times.forEach((tau, k) => {
        for (let n = Math.round(values[cols[k]!]!); n > 0; n--) {
          const u = units.findIndex((i, ui) => !taken[ui] && cands[i]!.start + b.latestOffsetMinutes >= tau && cands[i]!.start + b.earliestOffsetMinutes <= tau);
          if (u < 0) continue;
          taken[u] = 1;
          breakStarts[u]![bi] = tau;
        }
      });
      // Rounding noise only: a shift left without this break takes it mid-window.
      units.forEach((i, ui) => {
        if (!taken[ui]) {
          const offsets = cands[i]!.breakOffsets[bi]!;
          breakStarts[ui]![bi] = cands[i]!.start + offsets[Math.floor(offsets.length / 2)]!;
        }
      });
    });
    units.forEach((i, ui) => {
      const c = cands[i]!;
      out.push({
        group: c.group,
        type: c.type,
        day: c.day,
        start: c.start,
        end: c.start + t.lengthMinutes,
        paidMinutes: t.paidMinutes,
        breaks: t.breaks.map((b, bi) => ({ activity: b.activity, start: breakStarts[ui]![bi]!, end: breakStarts[ui]![bi]! + b.lengthMinutes })),
      });
    });
  }
  return out;
}

/** Weighted shortfall of fixed coverage, slot by slot (working agents shared out among their queues). */
export function shortfall(ctx: Context, fixed: readonly Int32Array[]): { penalty: number; agentSlots: number } {
  const { groups } = ctx.input;
  const weights = ctx.penaltyPerSlot;
  let penalty = 0;
  let agentSlots = 0;
  const required = new Int32Array(ctx.req.length);
  for (let s = 0; s < ctx.numSlots; s++) {
    let any = false;
    ctx.req.forEach((r, q) => {
      required[q] = r[s]!;
      if (r[s]! > 0) any = true;
    });
    if (!any) continue;
    const onWork: OnWork[] = [];
    groups.forEach((g, gi) => {
      for (let n = fixed[gi]![s]!; n > 0; n--) onWork.push({ skills: g.queues, previous: -1 });
    });
    const served = new Int32Array(ctx.req.length);
    for (const q of shareOutSlot(onWork, required, weights)) if (q >= 0) served[q]! += 1;
    required.forEach((r, q) => {
      const short = Math.max(0, r - served[q]!);
      agentSlots += short;
      penalty += short * weights[q]!;
    });
  }
  return { penalty, agentSlots };
}

