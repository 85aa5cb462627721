import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { erlangCMetrics } from '../../workforce/erlang.ts';
import { erlangAMetrics } from '../../workforce/erlangA.ts';
import {
  StaffIntervalInputSchema,
  StaffIntervalResultSchema,
  staffInterval,
  staffIntervals,
  type StaffIntervalInput,
} from '../../workforce/staffing.ts';

// The textbook interval: 100 calls in 30 min at AHT 180 s = 10 Erlangs. Erlang C needs 14 agents for 80 % in
// 20 s with occupancy ≤ 85 % (SL 0.8884, P(wait) 0.1741; hand-checked in erlang.test.ts), i.e. 14 ÷ 0.7 = 20 FTE
// at 30 % shrinkage, the figure published in the pyworkforce README.
const textbook: StaffIntervalInput = {
  calls: 100,
  ahtSeconds: 180,
  intervalSeconds: 1800,
  targets: { serviceLevel: 0.8, serviceLevelSeconds: 20, maxOccupancy: 0.85 },
  shrinkage: 0.3,
};

function issuePath(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ZodError) return err.issues[0]!.path.join('.');
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('input schema', () => {
  it('fills the documented defaults', () => {
    expect(StaffIntervalInputSchema.parse({ calls: 50, ahtSeconds: 300 })).toEqual({
      calls: 50,
      ahtSeconds: 300,
      intervalSeconds: 1800,
      shrinkage: 0,
      targets: { serviceLevel: 0.8, serviceLevelSeconds: 20, serviceLevelBasis: 'offered', shortAbandonSeconds: 5 },
    });
  });

  it('names the bad field', () => {
    expect(issuePath(() => staffInterval({ calls: -1, ahtSeconds: 180 }))).toBe('calls');
    expect(issuePath(() => staffInterval({ calls: 10, ahtSeconds: 0 }))).toBe('ahtSeconds');
    expect(issuePath(() => staffInterval({ calls: 10, ahtSeconds: 180, shrinkage: 1 }))).toBe('shrinkage');
    expect(issuePath(() => staffInterval({ calls: 10, ahtSeconds: 180, targets: { serviceLevel: 1.2 } }))).toBe('targets.serviceLevel');
    expect(issuePath(() => staffInterval({ calls: 10, ahtSeconds: 180, targets: { maxOccupancy: 0 } }))).toBe('targets.maxOccupancy');
    expect(issuePath(() => staffInterval({ calls: 10, ahtSeconds: 180, targets: { maxAbandonRate: 0.05 } }))).toBe('targets.maxAbandonRate');
    expect(issuePath(() => staffInterval({ calls: 10, ahtSeconds: 180, patienceSeconds: -3 }))).toBe('patienceSeconds');
    expect(issuePath(() => staffInterval({ calls: Number.NaN, ahtSeconds: 180 }))).toBe('calls');
    expect(issuePath(() => staffInterval({ calls: 1e10, ahtSeconds: 600 }))).toBe('calls');
  });
});

describe('staffInterval', () => {
  it('Erlang C: the textbook interval needs 14 agents, 20 FTE', () => {
    const r = staffInterval(textbook);
    expect(r).toMatchObject({ erlangs: 10, model: 'erlang-c', agents: 14, agentsErlangC: 14, agentsErlangA: null, pAbandon: 0 });
    expect(r.fte).toBeCloseTo(20, 12);
    expect(r.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(r.pWait).toBeCloseTo(0.1741, 4);
    expect(r.occupancy).toBeCloseTo(10 / 14, 14);
    expect(r.serviceLevelExcludingShortAbandons).toBe(r.serviceLevel);
    expect(StaffIntervalResultSchema.parse(r)).toEqual(r);
  });

  it('Erlang A with patience: recommends the Erlang A staffing and reports its figures', () => {
    const r = staffInterval({ ...textbook, patienceSeconds: 300, targets: { ...textbook.targets, maxAbandonRate: 0.05 } });
    const at = (agents: number) => erlangAMetrics({ agents, erlangs: 10, ahtSeconds: 180, patienceSeconds: 300 }, { serviceLevelSeconds: 20 });
    expect(r.model).toBe('erlang-a');
    expect(r.agentsErlangC).toBe(14);
    expect(r.agents).toBe(r.agentsErlangA);
    // Meets the targets at N, misses one of them at N − 1.
    const m = at(r.agents);
    expect(m.serviceLevel >= 0.8 && m.occupancy <= 0.85 && m.pAbandon <= 0.05).toBe(true);
    const below = at(r.agents - 1);
    expect(below.serviceLevel >= 0.8 && below.occupancy <= 0.85 && below.pAbandon <= 0.05).toBe(false);
    expect(r).toMatchObject({ serviceLevel: m.serviceLevel, asa: m.asa, pWait: m.pWait, pAbandon: m.pAbandon, occupancy: m.occupancy });
    expect(r.fte).toBeCloseTo(r.agents / 0.7, 12);
    expect(StaffIntervalResultSchema.parse(r)).toEqual(r);
  });

  it('no targets means the smallest stable staffing; default targets are 80 % in 20 s', () => {
    expect(staffInterval({ calls: 100, ahtSeconds: 180, targets: {} }).agents).toBe(11);
    const byDefault = staffInterval({ calls: 100, ahtSeconds: 180 });
    expect(byDefault.agents).toBe(14); // SL 0.7956 at 13, 0.8884 at 14
    expect(erlangCMetrics(13, 10, 180, 20).serviceLevel).toBeLessThan(0.8);
  });

  it('the metrics.md basis (short abandons left out) never needs more agents than the offered basis', () => {
    for (const calls of [20, 150, 600]) {
      const base = { calls, ahtSeconds: 300, patienceSeconds: 40 };
      const offered = staffInterval({ ...base, targets: { serviceLevel: 0.8 } });
      const excluding = staffInterval({ ...base, targets: { serviceLevel: 0.8, serviceLevelBasis: 'excluding-short-abandons', shortAbandonSeconds: 10 } });
      expect(excluding.agents).toBeLessThanOrEqual(offered.agents);
      expect(excluding.serviceLevelExcludingShortAbandons).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('no calls: no agents, nothing waits', () => {
    for (const patienceSeconds of [undefined, 120]) {
      const r = staffInterval({ calls: 0, ahtSeconds: 300, shrinkage: 0.35, patienceSeconds });
      expect(r).toMatchObject({ erlangs: 0, agents: 0, fte: 0, serviceLevel: 1, asa: 0, occupancy: 0, pWait: 0, pAbandon: 0 });
    }
  });

  it('staffIntervals keeps the order and equals one-by-one staffing', () => {
    const inputs: StaffIntervalInput[] = [textbook, { calls: 3, ahtSeconds: 600 }, { calls: 250, ahtSeconds: 420, patienceSeconds: 90 }];
    expect(staffIntervals(inputs)).toEqual(inputs.map((i) => staffInterval(i)));
  });

  it('staffIntervals checks each interval as staffInterval does, the shared targets once', () => {
    // a week of one queue: one targets object shared by the intervals, each with its own numbers
    const targets = { serviceLevel: 0.8, serviceLevelSeconds: 20 };
    const week: StaffIntervalInput[] = Array.from({ length: 48 }, (_, i) => ({
      calls: (i % 12) * 17,
      ahtSeconds: 240 + i,
      intervalSeconds: 1800,
      targets,
      shrinkage: 0.3,
      patienceSeconds: i < 24 ? 120 : undefined,
    }));
    expect(staffIntervals(week)).toEqual(week.map((i) => staffInterval(i)));
    // a bad interval among good ones names its own field, as one-by-one staffing does
    const bad = (change: Partial<StaffIntervalInput>) => [...week.slice(0, 5), { ...week[5]!, ...change }, ...week.slice(6)];
    expect(issuePath(() => staffIntervals(bad({ calls: -1 })))).toBe('calls');
    expect(issuePath(() => staffIntervals(bad({ ahtSeconds: 0 })))).toBe('ahtSeconds');
    expect(issuePath(() => staffIntervals(bad({ intervalSeconds: Number.NaN })))).toBe('intervalSeconds');
    expect(issuePath(() => staffIntervals(bad({ calls: 1e12 })))).toBe('calls'); // beyond the supported traffic
    expect(issuePath(() => staffIntervals(bad({ targets: { serviceLevel: 1.5 } })))).toBe('targets.serviceLevel');
  });
});
