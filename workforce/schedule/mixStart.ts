import { shareOutSlot, type OnWork } from './allocate.ts';
import type { BuiltModel, Candidate, CapacityRow, Context } from './mixModel.ts';

/**
 * A feasible starting point for a day's integer model, found without the solver: the relaxation's
 * shift counts rounded (down, then up by largest fraction while the capacity rows allow), each break
 * put where its group has the most agents to spare; then shifts added greedily where slots are still
 * short, and dropped where they are not worth their pay. The integer model starts from it, so a hard
 * day still ends no worse.
 */
export function roundedStart(ctx: Context, cands: readonly Candidate[], built: BuiltModel, relaxed: readonly number[], fixed: readonly Int32Array[], capacity: readonly CapacityRow[]): Float64Array {
  const { rules, slotMinutes, groups } = ctx.input;
  const numQueues = ctx.req.length;
  const working = fixed.map((f) => Int32Array.from(f));
  const need = groups.map((g) => {
    const n = new Int32Array(ctx.numSlots);
    for (const q of g.queues) for (let t = 0; t < ctx.numSlots; t++) n[t]! += ctx.req[q]![t]!;
    return n;
  });
  const inSlots = (from: number, to: number, f: (slot: number) => void) => {
    for (let t = from; t < to; t += slotMinutes) if (t / slotMinutes < ctx.numSlots) f(t / slotMinutes);
  };
  const rowUse = capacity.map(() => 0);
  const rowsOf = cands.map((_, i) => capacity.flatMap((row, r) => (row.candidates.includes(i) ? [r] : [])));
  const fits = (i: number) => rowsOf[i]!.every((r) => rowUse[r]! + capacity[r]!.coef(cands[i]!) <= capacity[r]!.upper + 1e-6);

  // One entry per shift: its candidate and its breaks' offset indices.
  const units: { cand: number; offsets: number[] }[] = [];
  const count = cands.map(() => 0);
  const add = (i: number) => {
    const c = cands[i]!;
    const t = rules.shiftTypes[c.type]!;
    inSlots(c.start, c.start + t.lengthMinutes, (s) => (working[c.group]![s]! += 1));
    const offsets = c.breakOffsets.map((options, bi) => {
      const len = t.breaks[bi]!.lengthMinutes;
      let best = 0;
      let bestMin = Number.NEGATIVE_INFINITY;
      let bestSum = Number.NEGATIVE_INFINITY;
      options.forEach((o, oi) => {
        let min = Number.POSITIVE_INFINITY;
        let sum = 0;
        inSlots(c.start + o, c.start + o + len, (s) => {
          const spare = working[c.group]![s]! - need[c.group]![s]!;
          min = Math.min(min, spare);
          sum += spare;
        });
        if (min > bestMin || (min === bestMin && sum > bestSum)) [best, bestMin, bestSum] = [oi, min, sum];
      });
      inSlots(c.start + options[best]!, c.start + options[best]! + len, (s) => (working[c.group]![s]! -= 1));
      return best;
    });
    units.push({ cand: i, offsets });
    count[i]! += 1;
    rowsOf[i]!.forEach((r) => (rowUse[r]! += capacity[r]!.coef(c)));
  };
  const remove = (u: number) => {
    const { cand, offsets } = units[u]!;
    const c = cands[cand]!;
    const t = rules.shiftTypes[c.type]!;
    inSlots(c.start, c.start + t.lengthMinutes, (s) => (working[c.group]![s]! -= 1));
    offsets.forEach((oi, bi) => {
      const o = c.breakOffsets[bi]![oi]!;
      inSlots(c.start + o, c.start + o + t.breaks[bi]!.lengthMinutes, (s) => (working[c.group]![s]! += 1));
    });
    units.splice(u, 1);
    count[cand]! -= 1;
    rowsOf[cand]!.forEach((r) => (rowUse[r]! -= capacity[r]!.coef(c)));
  };

  // Short agents per queue in a slot, with the agents on work shared out among their queues.
  const required = new Int32Array(numQueues);
  const shortIn = (s: number): Int32Array => {
    ctx.req.forEach((r, q) => (required[q] = r[s]!));
    const short = new Int32Array(numQueues);
    if (ctx.single) {
      let deficit = -working[0]![s]!;
      required.forEach((r) => (deficit += r));
      const order = [...required.keys()].filter((q) => required[q]! > 0).sort((a, b) => ctx.penaltyPerSlot[a]! - ctx.penaltyPerSlot[b]!);
      for (const q of order) {
        const v = Math.max(0, Math.min(deficit, required[q]!));
        short[q] = v;
        deficit -= v;
      }
      return short;
    }
    const onWork: OnWork[] = [];
    groups.forEach((g, gi) => {
      for (let n = working[gi]![s]!; n > 0; n--) onWork.push({ skills: g.queues, previous: -1 });
    });
    const served = new Int32Array(numQueues);
    for (const q of shareOutSlot(onWork, required, ctx.penaltyPerSlot)) if (q >= 0) served[q]! += 1;
    required.forEach((r, q) => (short[q] = Math.max(0, r - served[q]!)));
    return short;
  };
  const spanPenalty = (from: number, to: number) => {
    let p = 0;
    inSlots(from, to, (s) => shortIn(s).forEach((v, q) => (p += v * ctx.penaltyPerSlot[q]!)));
    return p;
  };
  const endOf = (i: number) => cands[i]!.start + rules.shiftTypes[cands[i]!.type]!.lengthMinutes;

  // 1. The relaxation rounded down, then up where its fractions are largest while the capacity rows
  // allow (the relaxation already chose shift types that fit them).
  cands.forEach((c, i) => {
    for (let n = Math.min(c.upper, Math.floor(relaxed[i]! + 1e-6)); n > 0 && fits(i); n--) add(i);
  });
  const fraction = (i: number) => relaxed[i]! - Math.floor(relaxed[i]! + 1e-6);
  for (const i of cands.map((_, i) => i).filter((i) => fraction(i) > 1e-6).sort((a, b) => fraction(b) - fraction(a))) {
    if (count[i]! < cands[i]!.upper && fits(i)) add(i);
  }
  // 2. Add the shift that saves the most penalty per paid hour while one saves more than it costs.
  for (let round = 0; round < 500; round++) {
    const shortSlots = new Map<number, Int32Array>();
    for (const s of built.rowSlots) {
      const sh = shortIn(s);
      if (sh.some((v) => v > 0)) shortSlots.set(s, sh);
    }
    if (shortSlots.size === 0) break;
    let pick = -1;
    let pickScore = 0;
    cands.forEach((c, i) => {
      if (count[i]! >= c.upper || !fits(i)) return;
      let gain = 0;
      inSlots(c.start, endOf(i), (s) => {
        const sh = shortSlots.get(s);
        if (sh) gain += Math.max(...groups[c.group]!.queues.map((q) => (sh[q]! > 0 ? ctx.penaltyPerSlot[q]! : 0)));
      });
      const score = gain / (rules.shiftTypes[c.type]!.paidMinutes / 60);
      if (gain > rules.shiftTypes[c.type]!.paidMinutes / 60 && score > pickScore) [pick, pickScore] = [i, score];
    });
    if (pick < 0) break;
    add(pick);
  }
  // 3. Drop shifts whose absence costs less than their pay, the last added first.
  for (let u = units.length - 1; u >= 0; u--) {
    const { cand } = units[u]!;
    const before = spanPenalty(cands[cand]!.start, endOf(cand));
    const kept = { ...units[u]! };
    remove(u);
    const after = spanPenalty(cands[cand]!.start, endOf(cand));
    if (after - before >= rules.shiftTypes[cands[cand]!.type]!.paidMinutes / 60 - 1e-9) {
      // Needed: put it back as it was.
      const c = cands[kept.cand]!;
      const t = rules.shiftTypes[c.type]!;
      inSlots(c.start, c.start + t.lengthMinutes, (s) => (working[c.group]![s]! += 1));
      kept.offsets.forEach((oi, bi) => {
        const o = c.breakOffsets[bi]![oi]!;
        inSlots(c.start + o, c.start + o + t.breaks[bi]!.lengthMinutes, (s) => (working[c.group]![s]! -= 1));
      });
      units.splice(u, 0, kept);
      count[kept.cand]! += 1;
      rowsOf[kept.cand]!.forEach((r) => (rowUse[r]! += capacity[r]!.coef(c)));
    }
  }

  // The column values: counts, break offsets, then shortfall and queue shares slot by slot.
  const values = new Float64Array(built.model.numCols);
  for (const { cand, offsets } of units) {
    values[built.xCol[cand]!]! += 1;
    const fam = built.families[built.familyOf[cand]!]!;
    offsets.forEach((oi, bi) => {
      const tau = cands[cand]!.start + cands[cand]!.breakOffsets[bi]![oi]!;
      const b = fam.breaks[bi]!;
      values[b.cols[b.times.indexOf(tau)]!]! += 1;
    });
  }
  for (const s of built.rowSlots) {
    const short = shortIn(s);
    short.forEach((v, q) => {
      const col = built.shortCol.get(`${q},${s}`);
      if (col !== undefined) values[col] = v;
    });
    if (ctx.single) continue;
    // Queue shares per group: serve each queue up to its requirement.
    const onWork: OnWork[] = [];
    const groupOf: number[] = [];
    groups.forEach((g, gi) => {
      for (let n = working[gi]![s]!; n > 0; n--) {
        onWork.push({ skills: g.queues, previous: -1 });
        groupOf.push(gi);
      }
    });
    const served = new Int32Array(numQueues);
    shareOutSlot(onWork, required, ctx.penaltyPerSlot).forEach((q, n) => {
      if (q < 0 || served[q]! >= required[q]!) return;
      const col = built.yCol.get(`${groupOf[n]},${q},${s}`);
      if (col === undefined) return;
      values[col]! += 1;
      served[q]! += 1;
    });
  }
  return values;
}

