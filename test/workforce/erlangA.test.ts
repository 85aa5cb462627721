import { describe, expect, it } from 'vitest';
import { erlangCMetrics } from '../../workforce/erlang.ts';
import { erlangAMetrics, patienceFromData, requiredAgentsErlangA, type ErlangATargets } from '../../workforce/erlangA.ts';
import { digammaDifference, lnGamma, regularizedGamma } from '../../workforce/staffing/special.ts';
import { seededRandom as random } from '../../workforce/forecast/synthetic.ts';

/** ln(Σ e^v) without overflow. */
function logSumExp(values: number[]): number {
  const top = Math.max(...values);
  return top + Math.log(values.reduce((s, v) => s + Math.exp(v - top), 0));
}

interface ChainFigures {
  pWait: number;
  pAbandon: number;
  serviceLevel: number;
  shortAbandon: number;
  asa: number;
  averageWait: number;
}

/**
 * Erlang A solved as a truncated birth–death chain, independently of the closed forms under test:
 * stationary probabilities from detailed balance (in log space), P(abandon) = θ·E[queue]/λ, and for a caller
 * who finds j waiting ahead, a small absorbing chain (ahead count i → i−1 at rate Nμ + iθ, own hang-up at θ,
 * answered from i = 0 at rate Nμ) solved by uniformization for "answered within T" / "abandoned within s" and
 * by first-step analysis for E[wait · 1{answered}].
 */
function solveChain(agents: number, erlangs: number, aht: number, patience: number, seconds: number, shortSeconds: number): ChainFigures {
  const mu = 1 / aht;
  const theta = 1 / patience;
  const lambda = erlangs * mu;
  const logW = [0];
  let peak = 0;
  for (let k = 1; ; k++) {
    const death = Math.min(k, agents) * mu + Math.max(0, k - agents) * theta;
    const next = logW[k - 1]! + Math.log(lambda / death);
    logW.push(next);
    peak = Math.max(peak, next);
    if (k > agents && next < peak - 80 && lambda < death) break;
  }
  const logTotal = logSumExp(logW);
  const pi = logW.map((v) => Math.exp(v - logTotal));
  const queueStates = pi.slice(agents); // j = 0.. waiting ahead of an arrival
  const pWait = queueStates.reduce((s, p) => s + p, 0);
  const meanQueue = queueStates.reduce((s, p, j) => s + j * p, 0);
  const pAbandon = (theta * meanQueue) / lambda;

  // Uniformization of the tagged caller's absorbing chain, for all starting positions at once.
  const positions = queueStates.length;
  const advance = (i: number) => agents * mu + i * theta;
  const rate = advance(positions - 1) + theta;
  const withinBy = (t: number, absorbInto: 'answered' | 'abandoned') => {
    let h = new Array<number>(positions).fill(0);
    const result = new Array<number>(positions).fill(0);
    const lt = rate * t;
    let logPoisson = -lt;
    const steps = Math.ceil(lt + 12 * Math.sqrt(lt) + 40);
    for (let k = 0; k <= steps; k++) {
      if (k > 0) {
        logPoisson += Math.log(lt) - Math.log(k);
        const next = new Array<number>(positions);
        for (let i = 0; i < positions; i++) {
          const stay = 1 - (advance(i) + theta) / rate;
          const onAdvance = i === 0 ? (absorbInto === 'answered' ? 1 : 0) : h[i - 1]!;
          const onHangUp = absorbInto === 'abandoned' ? 1 : 0;
          next[i] = (advance(i) / rate) * onAdvance + (theta / rate) * onHangUp + stay * h[i]!;
        }
        h = next;
      }
      const weight = Math.exp(logPoisson);
      for (let i = 0; i < positions; i++) result[i]! += weight * h[i]!;
    }
    return result;
  };
  const answeredWithin = seconds === 0 ? new Array<number>(positions).fill(0) : withinBy(seconds, 'answered');
  const abandonedWithin = shortSeconds === 0 ? new Array<number>(positions).fill(0) : withinBy(shortSeconds, 'abandoned');
  const pNoWait = 1 - pWait;
  let serviceLevel = pNoWait;
  let shortAbandon = 0;
  let answeredWait = 0;
  let pAnswered = 0;
  let m = 0;
  for (let i = 0; i < positions; i++) {
    const out = advance(i) + theta;
    pAnswered = i === 0 ? advance(0) / out : (advance(i) / out) * pAnswered;
    m = pAnswered / out + (i === 0 ? 0 : (advance(i) / out) * m);
    serviceLevel += queueStates[i]! * answeredWithin[i]!;
    shortAbandon += queueStates[i]! * abandonedWithin[i]!;
    answeredWait += queueStates[i]! * m;
  }
  return { pWait, pAbandon, serviceLevel, shortAbandon, asa: answeredWait / (1 - pAbandon), averageWait: meanQueue / lambda };
}

/** Composite Simpson rule on 20,000 panels: ample for the smooth integrands of the special-function checks. */
function integrate(f: (t: number) => number, a: number, b: number): number {
  const panels = 20_000;
  const h = (b - a) / panels;
  let sum = f(a) + f(b);
  for (let k = 1; k < panels; k++) sum += (k % 2 === 1 ? 4 : 2) * f(a + k * h);
  return (sum * h) / 3;
}

describe('special functions', () => {
  it('lnGamma matches factorials and Γ(1/2) = √π', () => {
    let lnFactorial = 0;
    for (let n = 1; n <= 200; n++) {
      expect(lnGamma(n + 1)).toBeCloseTo((lnFactorial += Math.log(n)), 11);
    }
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(10.5)).toBeCloseTo(lnGamma(0.5) + [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5].reduce((s, v) => s + Math.log(v), 0), 12);
  });

  it('P(n, y) for whole n equals the Poisson tail 1 − e^(−y) Σ_{k<n} y^k/k!', () => {
    for (const [n, y] of [[1, 0.3], [1, 30], [5, 2], [5, 9], [40, 31], [40, 52], [3000, 2950], [3000, 3100], [20000, 19000]] as Array<[number, number]>) {
      const logTerms = Array.from({ length: n }, (_, k) => -y + k * Math.log(y) - lnGamma(k + 1));
      const lnQ = logSumExp(logTerms);
      const g = regularizedGamma(n, y);
      expect(Math.abs(g.lnQ - lnQ), `Q(${n}, ${y})`).toBeLessThan(1e-9);
      expect(Math.exp(g.lnP) + Math.exp(g.lnQ)).toBeCloseTo(1, 13);
    }
  });

  it('P(s, y) for fractional s matches numerical integration of the gamma density', () => {
    for (const [s, y] of [[1.5, 0.7], [7.3, 5], [7.3, 7.3], [7.3, 12], [23.6, 30]] as Array<[number, number]>) {
      // t = u² turns the gamma density into the smooth 2·u^(2s−1)·e^(−u²).
      const density = (u: number) => (u === 0 ? 0 : 2 * Math.exp((2 * s - 1) * Math.log(u) - u * u));
      const p = integrate(density, 0, Math.sqrt(y)) / integrate(density, 0, Math.sqrt(s + 60 * Math.sqrt(s) + 60));
      expect(Math.exp(regularizedGamma(s, y).lnP)).toBeCloseTo(p, 10);
    }
  });

  it('digamma differences match direct harmonic sums', () => {
    for (const [z, m] of [[0.3, 1000], [5.5, 500], [1234.5, 3000], [1e5, 100]] as Array<[number, number]>) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += 1 / (z + k);
      expect(digammaDifference(z, z + m)).toBeCloseTo(sum, 12);
    }
  });
});

describe('published Erlang A figures', () => {
  // pyworkforce (github.com/rodrigo-arenas/pyworkforce, pyworkforce/queuing/tests/test_abandonment.py):
  // 100 calls / 30 min, AHT 3 min, patience 5 min, 14 agents → P(wait) 0.14526, P(abandon) 0.013984,
  // occupancy 0.704297, mean wait of all callers 0.069919 min, answered within 20 s ÷ all callers 0.916792.
  it('match the reference implementation at 14 agents', () => {
    const m = erlangAMetrics({ agents: 14, erlangs: 10, ahtSeconds: 180, patienceSeconds: 300 }, { serviceLevelSeconds: 20 });
    expect(m.pWait).toBeCloseTo(0.14526, 5);
    expect(m.pAbandon).toBeCloseTo(0.013984, 6);
    expect(m.occupancy).toBeCloseTo(0.704297, 6);
    expect(m.averageWait / 60).toBeCloseTo(0.069919, 6);
    expect(m.serviceLevel).toBeCloseTo(0.916792, 6);
  });
});

describe('Erlang A against the birth–death chain', () => {
  const cases: Array<[string, number, number, number, number]> = [
    ['textbook load', 13, 10, 180, 300],
    ['overloaded, N < A', 8, 10, 300, 60],
    ['single agent', 1, 0.5, 240, 30],
    ['heavily overloaded', 50, 70, 200, 600],
    ['impatient callers', 120, 100, 300, 10],
    ['very impatient (a < 1)', 3, 2.5, 600, 1],
    ['very patient (near Erlang C)', 12, 10, 180, 1e5],
  ];
  it.each(cases)('%s: N=%i A=%f AHT=%f patience=%f', (_, agents, erlangs, aht, patience) => {
    for (const seconds of [0, 5, 20, 120]) {
      const chain = solveChain(agents, erlangs, aht, patience, seconds, 5);
      const m = erlangAMetrics({ agents, erlangs, ahtSeconds: aht, patienceSeconds: patience }, { serviceLevelSeconds: seconds });
      expect(m.pWait).toBeCloseTo(chain.pWait, 10);
      expect(m.pAbandon).toBeCloseTo(chain.pAbandon, 10);
      expect(m.serviceLevel, `SL ${seconds}s`).toBeCloseTo(chain.serviceLevel, 9);
      expect(m.pShortAbandon).toBeCloseTo(chain.shortAbandon, 9);
      expect(m.averageWait).toBeCloseTo(chain.averageWait, 7);
      expect(Math.abs(m.asa - chain.asa)).toBeLessThanOrEqual(1e-8 * chain.asa + 1e-9);
      expect(m.serviceLevelExcludingShortAbandons).toBeCloseTo(chain.serviceLevel / (1 - chain.shortAbandon), 9);
    }
  });

  it('stays exact for 20,000 agents, under and over load', () => {
    for (const [erlangs, patience] of [[19_900, 300], [20_300, 120]] as const) {
      const chain = solveChain(20_000, erlangs, 300, patience, 20, 5);
      const m = erlangAMetrics({ agents: 20_000, erlangs, ahtSeconds: 300, patienceSeconds: patience });
      expect(m.pWait).toBeCloseTo(chain.pWait, 8);
      expect(m.pAbandon).toBeCloseTo(chain.pAbandon, 9);
      expect(m.serviceLevel).toBeCloseTo(chain.serviceLevel, 8);
      expect(m.asa / chain.asa).toBeCloseTo(1, 7);
    }
  });
});

describe('Erlang A against a simulated queue', () => {
  it('agrees with a seeded M/M/N+M simulation', () => {
    const rand = random(11);
    const agents = 9;
    const aht = 240;
    const patience = 90;
    const erlangs = 10;
    const lambda = erlangs / aht;
    const freeAt = new Array<number>(agents).fill(0);
    let clock = 0;
    let waited = 0;
    let abandoned = 0;
    let shortAbandoned = 0;
    let within = 0;
    let answeredWait = 0;
    const calls = 400_000;
    for (let i = 0; i < calls; i++) {
      clock += -Math.log(1 - rand()) / lambda;
      const willWait = -Math.log(1 - rand()) * patience;
      let k = 0;
      for (let j = 1; j < agents; j++) if (freeAt[j]! < freeAt[k]!) k = j;
      const offered = Math.max(0, freeAt[k]! - clock); // FCFS: callers who hang up never take an agent
      if (offered > 0) waited++;
      if (offered > willWait) {
        abandoned++;
        if (willWait < 5) shortAbandoned++;
        continue;
      }
      if (offered <= 20) within++;
      answeredWait += offered;
      freeAt[k] = clock + offered - Math.log(1 - rand()) * aht;
    }
    const m = erlangAMetrics({ agents, erlangs, ahtSeconds: aht, patienceSeconds: patience }, { serviceLevelSeconds: 20 });
    expect(Math.abs(waited / calls - m.pWait)).toBeLessThan(0.01);
    expect(Math.abs(abandoned / calls - m.pAbandon)).toBeLessThan(0.01);
    expect(Math.abs(shortAbandoned / calls - m.pShortAbandon)).toBeLessThan(0.005);
    expect(Math.abs(within / calls - m.serviceLevel)).toBeLessThan(0.01);
    expect(Math.abs(answeredWait / (calls - abandoned) / m.asa - 1)).toBeLessThan(0.05);
  });
});

describe('limits and edge cases', () => {
  it('tends to Erlang C as patience grows (N > A)', () => {
    for (const agents of [11, 14, 20]) {
      const c = erlangCMetrics(agents, 10, 180, 20);
      const a = erlangAMetrics({ agents, erlangs: 10, ahtSeconds: 180, patienceSeconds: 1e9 });
      expect(a.pWait).toBeCloseTo(c.pWait, 5);
      expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 5);
      // Patient callers still abandon at rate θ, which shortens ASA by O(θ): 5e-4 s at a mean patience of 1e9 s.
      expect(a.asa).toBeCloseTo(c.asa, 2);
      expect(a.pAbandon).toBeLessThan(1e-5);
    }
  });

  it('no traffic: nobody waits; no agents needed', () => {
    const m = erlangAMetrics({ agents: 2, erlangs: 0, ahtSeconds: 180, patienceSeconds: 60 });
    expect(m).toMatchObject({ pWait: 0, pAbandon: 0, serviceLevel: 1, asa: 0, occupancy: 0 });
    expect(requiredAgentsErlangA({ erlangs: 0, ahtSeconds: 180, patienceSeconds: 60 }, { serviceLevel: 0.8 })).toBe(0);
  });

  it('T = 0 gives SL = 1 − P(wait); N ≤ A gives finite figures', () => {
    const m = erlangAMetrics({ agents: 10, erlangs: 12, ahtSeconds: 300, patienceSeconds: 60 }, { serviceLevelSeconds: 0 });
    expect(m.serviceLevel).toBeCloseTo(1 - m.pWait, 14);
    for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
    // Carried load cannot exceed the agents: occupancy ≤ 1 and P(abandon) ≥ 1 − N/A.
    expect(m.occupancy).toBeLessThanOrEqual(1);
    expect(m.pAbandon).toBeGreaterThanOrEqual(1 - 10 / 12);
  });

  it('huge traffic (200,000 Erlangs) stays finite and follows the fluid limit', () => {
    const q = { erlangs: 2e5, ahtSeconds: 300, patienceSeconds: 180 };
    const n = requiredAgentsErlangA(q, { serviceLevel: 0.8, serviceLevelSeconds: 20 });
    const at = erlangAMetrics({ agents: n, ...q });
    const below = erlangAMetrics({ agents: n - 1, ...q });
    expect(at.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(below.serviceLevel).toBeLessThan(0.8);
    // Overloaded many-server queues with abandonment behave like a fluid: every answered caller waits about
    // ln(A/N)/θ, and N/A of the callers are answered. "80 % within 20 s of all callers" is therefore met as
    // soon as that wait drops below 20 s, at N ≈ A·e^(−20θ) (here 0.895·A, with N/A ≥ 0.8), plus O(√A).
    const fluid = 2e5 * Math.exp(-20 / 180);
    expect(n).toBeGreaterThan(fluid);
    expect(n).toBeLessThan(fluid + 4 * Math.sqrt(2e5));
    // An abandonment ceiling brings the staffing back to the square-root rule around A.
    const capped = requiredAgentsErlangA(q, { serviceLevel: 0.8, serviceLevelSeconds: 20, maxAbandonRate: 0.001 });
    expect(Math.abs(capped - 2e5)).toBeLessThan(3 * Math.sqrt(2e5));
    expect(erlangAMetrics({ agents: capped, ...q }).pAbandon).toBeLessThanOrEqual(0.001);
    expect(erlangAMetrics({ agents: capped - 1, ...q }).pAbandon).toBeGreaterThan(0.001);
  });

  it('the answer does not depend on where the search starts', () => {
    const rand = random(29);
    for (let i = 0; i < 60; i++) {
      const q = { erlangs: 0.5 + rand() * 80, ahtSeconds: 120 + rand() * 480, patienceSeconds: 20 + rand() * 300 };
      const targets: ErlangATargets = i % 3 === 0 ? { serviceLevel: 0.9, serviceLevelSeconds: 15, maxAbandonRate: 0.03 } : { serviceLevel: 0.5 + rand() * 0.45, serviceLevelSeconds: 20 };
      const n = requiredAgentsErlangA(q, targets);
      for (const start of [1, n - 7, n - 1, n, n + 1, n + 40, 100_000]) expect(requiredAgentsErlangA(q, targets, undefined, start), `${JSON.stringify(q)} from ${start}`).toBe(n);
    }
  });

  it('rejects malformed input', () => {
    expect(() => erlangAMetrics({ agents: 0, erlangs: 3, ahtSeconds: 180, patienceSeconds: 60 })).toThrow(/at least 1 agent/);
    expect(() => erlangAMetrics({ agents: 3, erlangs: 3, ahtSeconds: 180, patienceSeconds: 0 })).toThrow(/patienceSeconds/);
    expect(() => requiredAgentsErlangA({ erlangs: 3, ahtSeconds: 180, patienceSeconds: 60 }, { maxAbandonRate: 0 })).toThrow(/maxAbandonRate/);
  });
});

describe('requiredAgentsErlangA', () => {
  const targetSets: ErlangATargets[] = [
    {},
    { serviceLevel: 0.8, serviceLevelSeconds: 20 },
    { serviceLevel: 0.8, serviceLevelSeconds: 20, serviceLevelBasis: 'excluding-short-abandons' },
    { serviceLevel: 0.9, serviceLevelSeconds: 0 },
    { asaSeconds: 10 },
    { maxAbandonRate: 0.03 },
    { maxOccupancy: 0.85 },
    { serviceLevel: 0.8, serviceLevelSeconds: 20, maxOccupancy: 0.85, maxAbandonRate: 0.05, asaSeconds: 30 },
  ];
  const meets = (agents: number, erlangs: number, aht: number, patience: number, t: ErlangATargets) => {
    if (agents < 1) return false;
    const m = erlangAMetrics({ agents, erlangs, ahtSeconds: aht, patienceSeconds: patience }, { serviceLevelSeconds: t.serviceLevelSeconds ?? 20 });
    const sl = t.serviceLevelBasis === 'excluding-short-abandons' ? m.serviceLevelExcludingShortAbandons : m.serviceLevel;
    return (
      (t.serviceLevel === undefined || sl >= t.serviceLevel) &&
      (t.asaSeconds === undefined || m.asa <= t.asaSeconds) &&
      (t.maxOccupancy === undefined || m.occupancy <= t.maxOccupancy) &&
      (t.maxAbandonRate === undefined || m.pAbandon <= t.maxAbandonRate)
    );
  };

  it('meets every target and one agent fewer does not', () => {
    for (const erlangs of [0.4, 3, 10, 55, 240, 1500]) {
      for (const [aht, patience] of [[180, 300], [600, 60], [300, 15]]) {
        for (const t of targetSets) {
          const n = requiredAgentsErlangA({ erlangs, ahtSeconds: aht!, patienceSeconds: patience! }, t);
          const label = `A=${erlangs} AHT=${aht} patience=${patience} ${JSON.stringify(t)}`;
          expect(meets(n, erlangs, aht!, patience!, t), label).toBe(true);
          expect(meets(n - 1, erlangs, aht!, patience!, t), `${label} N−1`).toBe(false);
        }
      }
    }
  });

  it('is the smallest N by exhaustive search for small loads', () => {
    for (const erlangs of [0.7, 4, 12, 30]) {
      for (const t of targetSets) {
        let n = 1;
        while (!meets(n, erlangs, 240, 45, t)) n++;
        expect(requiredAgentsErlangA({ erlangs, ahtSeconds: 240, patienceSeconds: 45 }, t)).toBe(n);
      }
    }
  });
});

describe('patienceFromData', () => {
  it('is total waiting time of all callers ÷ abandoned calls', () => {
    // 40 abandoned, callers waited 12,000 s in all → θ = 40/12000 per second → mean patience 300 s.
    expect(patienceFromData(40, 12_000)).toBe(300);
    expect(patienceFromData(0, 5_000)).toBe(Infinity);
    expect(() => patienceFromData(3, 0)).toThrow(/cannot be estimated/);
    expect(() => patienceFromData(-1, 10)).toThrow(/abandonedCount/);
  });

  it('recovers the patience of a simulated queue', () => {
    const rand = random(3);
    const agents = 5;
    const aht = 300;
    const patience = 120;
    const lambda = 6 / aht;
    const freeAt = new Array<number>(agents).fill(0);
    let clock = 0;
    let abandoned = 0;
    let totalWait = 0;
    for (let i = 0; i < 200_000; i++) {
      clock += -Math.log(1 - rand()) / lambda;
      const willWait = -Math.log(1 - rand()) * patience;
      let k = 0;
      for (let j = 1; j < agents; j++) if (freeAt[j]! < freeAt[k]!) k = j;
      const offered = Math.max(0, freeAt[k]! - clock);
      if (offered > willWait) {
        abandoned++;
        totalWait += willWait;
        continue;
      }
      totalWait += offered;
      freeAt[k] = clock + offered - Math.log(1 - rand()) * aht;
    }
    expect(patienceFromData(abandoned, totalWait) / patience).toBeCloseTo(1, 1);
  });
});
