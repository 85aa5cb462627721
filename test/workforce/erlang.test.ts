import { describe, expect, it } from 'vitest';
import {
  averageSpeedOfAnswer,
  erlangB,
  erlangBTable,
  erlangC,
  erlangCMetrics,
  occupancy,
  requiredAgents,
  serviceLevel,
  trafficIntensity,
  type StaffingTargets,
} from '../../workforce/erlang.ts';
import { seededRandom as random } from '../../workforce/forecast/synthetic.ts';

/** a / b for BigInts as a double, keeping about 20 significant digits. */
function bigRatio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const shift = den.toString().length - num.toString().length + 20;
  const scaled = shift >= 0 ? (num * 10n ** BigInt(shift)) / den : num / (den * 10n ** BigInt(-shift));
  return Number(scaled) / 10 ** shift;
}

/**
 * Erlang C by the textbook formula with exact rational arithmetic, for A = p/q:
 * C = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A)), everything multiplied by N!·q^N·(Nq − p).
 */
function exactErlangC(agents: number, p: bigint, q: bigint): number {
  const n = BigInt(agents);
  let factorialRatio = 1n; // N!/k!, built from k = N down to 0
  const terms: bigint[] = [];
  for (let k = agents; k >= 0; k--) {
    terms[k] = p ** BigInt(k) * q ** (n - BigInt(k)) * factorialRatio;
    factorialRatio *= BigInt(k === 0 ? 1 : k);
  }
  const last = terms[agents]! * n * q;
  const below = terms.slice(0, agents).reduce((s, t) => s + t, 0n) * (n * q - p);
  return bigRatio(last, below + last);
}

/** Erlang B by the plain recursion from B(0) = 1, the definition the fast start must reproduce. */
function plainErlangB(agents: number, erlangs: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (erlangs * b) / (n + erlangs * b);
  return b;
}

describe('published Erlang C figures', () => {
  // 100 calls in 30 min, AHT 180 s → A = 100·180/1800 = 10 Erlangs (the Call Centre Helper example reused
  // in the pyworkforce README, github.com/rodrigo-arenas/pyworkforce: 14 agents, SL 80/20 met at 0.8884,
  // P(wait) 0.1741, occupancy 0.7143, 20 positions after 30 % shrinkage).
  // Checked by hand with the recursion: B(14, 10) = 0.056819 → C = 14·0.056819/(14 − 10·0.943181) = 0.17413;
  // SL = 1 − 0.17413·e^(−4·20/180) = 0.88835. For 11 agents B = 0.163233 → C = 0.68212,
  // SL = 1 − 0.68212·e^(−20/180) = 0.38961, ASA = 0.68212·180/1 = 122.78 s; 13 agents give SL 0.79559 < 0.8.
  it('A = 10 Erlangs from 100 calls / 30 min at AHT 180 s', () => {
    expect(trafficIntensity(100, 180, 1800)).toBe(10);
  });

  it('matches the published N = 14 figures', () => {
    const m = erlangCMetrics(14, 10, 180, 20);
    expect(m.pWait).toBeCloseTo(0.1741, 4);
    expect(m.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(m.occupancy).toBeCloseTo(0.7143, 4);
  });

  it('matches the hand computation for N = 11 and N = 13', () => {
    const m11 = erlangCMetrics(11, 10, 180, 20);
    expect(m11.pWait).toBeCloseTo(0.68212, 5);
    expect(m11.serviceLevel).toBeCloseTo(0.38961, 5);
    expect(m11.asa).toBeCloseTo(122.78, 2);
    expect(serviceLevel(13, 10, 180, 20)).toBeCloseTo(0.79559, 5);
  });

  it('staffs 14 agents for 80 % in 20 s with at most 85 % occupancy', () => {
    expect(requiredAgents(10, 180, { serviceLevel: 0.8, serviceLevelSeconds: 20, maxOccupancy: 0.85 })).toBe(14);
  });
});

describe('Erlang C against exact rational arithmetic', () => {
  const cases: Array<[number, bigint, bigint]> = [];
  // A = p/q over a grid of loads; N from just above A to well above it.
  for (const [p, q] of [[1n, 2n], [10n, 1n], [73n, 7n], [200n, 3n], [150n, 1n]] as Array<[bigint, bigint]>) {
    const a = Number(p) / Number(q);
    for (const extra of [0.3, 1, 2, 5, 12, 30]) {
      const agents = Math.ceil(a + extra * Math.sqrt(a) + 0.01);
      if (agents > a) cases.push([agents, p, q]);
    }
  }

  it.each(cases)('N = %i, A = %i/%i', (agents, p, q) => {
    const a = Number(p) / Number(q);
    const exact = exactErlangC(agents, p, q);
    expect(Math.abs(erlangC(agents, a) - exact)).toBeLessThanOrEqual(1e-13 * exact + 1e-300);
  });

  it('ASA and SL follow from the exact P(wait)', () => {
    const exact = exactErlangC(80, 150n, 2n); // A = 75
    expect(averageSpeedOfAnswer(80, 75, 300)).toBeCloseTo((exact * 300) / 5, 10);
    expect(serviceLevel(80, 75, 300, 30)).toBeCloseTo(1 - exact * Math.exp((-5 * 30) / 300), 12);
  });
});

describe('Erlang B recursion', () => {
  it('the fast start reproduces the full recursion for large traffic', () => {
    for (const a of [150, 1000, 5000, 19_700]) {
      const around = Array.from({ length: 61 }, (_, k) => Math.max(0, Math.floor(a + ((k - 40) * Math.sqrt(a)) / 2)));
      for (const agents of [1, Math.floor(a / 3), Math.floor(a * 0.9), ...around, Math.floor(a * 1.3)]) {
        const full = plainErlangB(agents, a);
        expect(Math.abs(erlangB(agents, a) - full)).toBeLessThanOrEqual(1e-12 * full + 1e-300);
      }
    }
  });

  it('the remembered table used by staffing searches equals the recursion', () => {
    for (const a of [0, 7.5, 150, 3000]) {
      const from = Math.floor(a * 0.8);
      const table = erlangBTable(a, from);
      for (const agents of [from + 40, from, from + 3, Math.floor(a) + 1, from - 1 >= 0 ? from - 1 : 0]) {
        const full = a === 0 ? (agents === 0 ? 1 : 0) : plainErlangB(agents, a);
        expect(Math.abs(table(agents) - full)).toBeLessThanOrEqual(1e-12 * full);
      }
    }
  });

  it('stays finite and exact for 20,000 agents', () => {
    const b = erlangB(20_000, 19_800);
    expect(b).toBeCloseTo(plainErlangB(20_000, 19_800), 15);
    const m = erlangCMetrics(20_000, 19_800, 300, 20);
    expect(Number.isFinite(m.pWait) && m.pWait > 0 && m.pWait < 1).toBe(true);
    expect(m.pWait).toBeCloseTo((20_000 * b) / (20_000 - 19_800 * (1 - b)), 14);
    // 1 Erlang on 20,000 agents: B underflows to 0, which is the right double.
    expect(erlangC(20_000, 1)).toBe(0);
  });
});

describe('edge cases', () => {
  it('no traffic: nobody waits and no agent is needed', () => {
    expect(erlangCMetrics(3, 0, 180, 20)).toEqual({ pWait: 0, serviceLevel: 1, serviceLevelSeconds: 20, asa: 0, occupancy: 0, stable: true });
    expect(erlangCMetrics(0, 0, 180, 20).serviceLevel).toBe(1);
    expect(requiredAgents(0, 180, { serviceLevel: 0.9 })).toBe(0);
  });

  it('N ≤ A: everyone waits, SL 0, ASA infinite, occupancy 1', () => {
    for (const agents of [0, 5, 10]) {
      const m = erlangCMetrics(agents, 10, 180, 20);
      expect(m).toMatchObject({ pWait: 1, serviceLevel: 0, asa: Infinity, occupancy: 1, stable: false });
    }
    expect(occupancy(5, 10)).toBe(1);
  });

  it('T = 0 gives SL = 1 − P(wait)', () => {
    expect(serviceLevel(14, 10, 180, 0)).toBeCloseTo(1 - erlangC(14, 10), 15);
  });

  it('huge traffic (one million Erlangs) is staffed quickly and correctly', () => {
    const a = 1e6;
    const n = requiredAgents(a, 300, { serviceLevel: 0.8, serviceLevelSeconds: 20 });
    expect(serviceLevel(n, a, 300, 20)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(n - 1, a, 300, 20)).toBeLessThan(0.8);
    // Square-root staffing: N ≈ A + β√A with β of order 1 for this target.
    expect(n - a).toBeGreaterThan(0);
    expect(n - a).toBeLessThan(3 * Math.sqrt(a));
  });

  it('rejects impossible or malformed input with a clear error', () => {
    expect(() => erlangB(2.5, 1)).toThrow(/whole number/);
    expect(() => erlangC(3, -1)).toThrow(/Erlangs/);
    expect(() => requiredAgents(10, 180, { serviceLevel: 1 })).toThrow(/serviceLevel/);
    expect(() => requiredAgents(10, 180, { asaSeconds: 0 })).toThrow(/asaSeconds/);
    expect(() => requiredAgents(10, 180, { maxOccupancy: 1.2 })).toThrow(/maxOccupancy/);
    expect(() => trafficIntensity(-1, 180, 1800)).toThrow(/calls/);
  });
});

describe('requiredAgents', () => {
  const loads = [0.2, 1.7, 10, 37.5, 120, 480, 2500];
  const targetSets: StaffingTargets[] = [
    {},
    { serviceLevel: 0.8, serviceLevelSeconds: 20 },
    { serviceLevel: 0.95, serviceLevelSeconds: 10 },
    { serviceLevel: 0.5, serviceLevelSeconds: 0 },
    { asaSeconds: 15 },
    { maxOccupancy: 0.85 },
    { serviceLevel: 0.9, serviceLevelSeconds: 30, asaSeconds: 5, maxOccupancy: 0.9 },
  ];
  const meets = (n: number, a: number, aht: number, t: StaffingTargets) => {
    if (n <= a) return false;
    const m = erlangCMetrics(n, a, aht, t.serviceLevelSeconds ?? 20);
    return (
      (t.serviceLevel === undefined || m.serviceLevel >= t.serviceLevel) &&
      (t.asaSeconds === undefined || m.asa <= t.asaSeconds) &&
      (t.maxOccupancy === undefined || m.occupancy <= t.maxOccupancy)
    );
  };

  it('meets every target and one agent fewer does not', () => {
    for (const a of loads) {
      for (const aht of [180, 600]) {
        for (const t of targetSets) {
          const n = requiredAgents(a, aht, t);
          expect(meets(n, a, aht, t), `A=${a} AHT=${aht} ${JSON.stringify(t)}`).toBe(true);
          expect(meets(n - 1, a, aht, t), `A=${a} AHT=${aht} ${JSON.stringify(t)} N−1`).toBe(false);
        }
      }
    }
  });

  it('is the smallest N > A by exhaustive search for small loads', () => {
    for (const a of [0.5, 3.2, 10, 24.9]) {
      for (const t of targetSets) {
        let n = Math.floor(a) + 1;
        while (!meets(n, a, 240, t)) n++;
        expect(requiredAgents(a, 240, t)).toBe(n);
      }
    }
  });
});

describe('Erlang C against a simulated queue', () => {
  it('P(wait), SL and ASA agree with a seeded M/M/N simulation', () => {
    const rand = random(7);
    const agents = 12;
    const aht = 180;
    const lambda = 10 / aht; // A = 10
    const freeAt = new Array<number>(agents).fill(0);
    let clock = 0;
    let waited = 0;
    let within20 = 0;
    let totalWait = 0;
    const calls = 400_000;
    for (let i = 0; i < calls; i++) {
      clock += -Math.log(1 - rand()) / lambda;
      let k = 0;
      for (let j = 1; j < agents; j++) if (freeAt[j]! < freeAt[k]!) k = j;
      const wait = Math.max(0, freeAt[k]! - clock);
      if (wait > 0) waited++;
      if (wait <= 20) within20++;
      totalWait += wait;
      freeAt[k] = clock + wait - Math.log(1 - rand()) * aht;
    }
    const m = erlangCMetrics(agents, 10, aht, 20);
    expect(Math.abs(waited / calls - m.pWait)).toBeLessThan(0.015);
    expect(Math.abs(within20 / calls - m.serviceLevel)).toBeLessThan(0.015);
    expect(Math.abs(totalWait / calls - m.asa) / m.asa).toBeLessThan(0.06);
  });
});
