/**
 * Erlang C (M/M/N): Poisson arrivals, exponential handle times, N agents, callers who never hang up.
 * Definitions follow docs/metrics.md ("Workforce planning"). All functions are pure.
 *
 * The probability of waiting comes from the Erlang B recursion B(0) = 1, B(n) = A·B(n−1)/(n + A·B(n−1)),
 * which stays in [0, 1] (no factorials, no overflow) and is exact to double precision up to any size.
 */

/** Offered traffic in Erlangs: calls × AHT ÷ interval length (both in seconds). */
export function trafficIntensity(calls: number, ahtSeconds: number, intervalSeconds: number): number {
  if (!(calls >= 0) || !Number.isFinite(calls)) throw new RangeError(`calls must be a finite number ≥ 0, got ${calls}`);
  positive(ahtSeconds, 'ahtSeconds');
  positive(intervalSeconds, 'intervalSeconds');
  return (calls * ahtSeconds) / intervalSeconds;
}

/**
 * Where to start the Erlang B recursion for B(agents). Started at n0 < A from the rough value 1 − n0/A, each
 * step n < A shrinks the starting error by a factor about n/A (steps above A do not enlarge it relatively).
 * With top = min(N, floor(A)), the m steps below top contract by at least exp(m·ln(A/top) + m(m−1)/(2·top));
 * m is chosen so this reaches e^72 (a residual below 5e-32), which costs O(√A) steps instead of O(A).
 */
function recursionStart(agents: number, erlangs: number): number {
  const top = Math.min(agents, Math.floor(erlangs));
  if (top <= 0) return 0;
  const c = 1 / (2 * top);
  const linear = Math.log(erlangs / top) - c;
  const steps = Math.ceil((-linear + Math.sqrt(linear * linear + 4 * c * 72)) / (2 * c));
  return Math.max(0, top - steps);
}

/** Erlang B blocking probability B(N, A) for N ≥ 0 agents (an integer) and A ≥ 0 Erlangs. */
export function erlangB(agents: number, erlangs: number): number {
  checkAgents(agents);
  checkErlangs(erlangs);
  if (erlangs === 0) return agents === 0 ? 1 : 0;
  const start = recursionStart(agents, erlangs);
  let b = start === 0 ? 1 : 1 - start / erlangs;
  for (let n = start + 1; n <= agents; n++) b = (erlangs * b) / (n + erlangs * b);
  return b;
}

/**
 * Erlang B for many staffing levels of one traffic, from `fromAgents` upward: the recursion runs once up to
 * the largest N asked for and is remembered, so a staffing search pays for it once instead of per candidate.
 */
export function erlangBTable(erlangs: number, fromAgents: number): (agents: number) => number {
  checkErlangs(erlangs);
  checkAgents(fromAgents);
  const start = erlangs === 0 ? fromAgents : recursionStart(fromAgents, erlangs);
  const table = [erlangs === 0 ? erlangB(start, 0) : start === 0 ? 1 : 1 - start / erlangs];
  return (agents: number) => {
    if (agents < fromAgents) return erlangB(agents, erlangs);
    for (let n = start + table.length; n <= agents; n++) {
      const b = table[table.length - 1]!;
      table.push(erlangs === 0 ? 0 : (erlangs * b) / (n + erlangs * b));
    }
    return table[agents - start]!;
  };
}

/** Erlang C from Erlang B: C = N·B / (N − A·(1 − B)); 1 when N ≤ A (the queue grows without bound). */
function erlangCFromB(agents: number, erlangs: number, b: number): number {
  if (erlangs === 0) return 0;
  if (agents <= erlangs) return 1;
  return (agents * b) / (agents - erlangs * (1 - b));
}

/** Probability that a call waits, P(W > 0) = C(N, A). 1 when N ≤ A and A > 0; 0 when A = 0. */
export function erlangC(agents: number, erlangs: number): number {
  return erlangCFromB(agents, erlangs, erlangB(agents, erlangs));
}

/** The Erlang C figures for one staffing level. */
export interface ErlangCMetrics {
  /** Probability a call waits at all. */
  pWait: number;
  /** Share of calls answered within `serviceLevelSeconds`; 0 when N ≤ A. */
  serviceLevel: number;
  serviceLevelSeconds: number;
  /** Average speed of answer in seconds (all calls; nobody abandons). Infinity when N ≤ A. */
  asa: number;
  /** A ÷ N, at most 1 (agents are saturated when N ≤ A). */
  occupancy: number;
  /** N > A (or no traffic): the queue has a steady state. */
  stable: boolean;
}

function metricsFromB(agents: number, erlangs: number, ahtSeconds: number, seconds: number, b: number): ErlangCMetrics {
  const stable = erlangs === 0 || agents > erlangs;
  const pWait = erlangCFromB(agents, erlangs, b);
  if (!stable) return { pWait, serviceLevel: 0, serviceLevelSeconds: seconds, asa: Infinity, occupancy: 1, stable };
  if (erlangs === 0) return { pWait: 0, serviceLevel: 1, serviceLevelSeconds: seconds, asa: 0, occupancy: 0, stable };
  const spare = agents - erlangs;
  return {
    pWait,
    serviceLevel: 1 - pWait * Math.exp((-spare * seconds) / ahtSeconds),
    serviceLevelSeconds: seconds,
    asa: (pWait * ahtSeconds) / spare,
    occupancy: erlangs / agents,
    stable,
  };
}

/** All Erlang C figures for N agents, A Erlangs, AHT and the service-level threshold T (seconds). */
export function erlangCMetrics(agents: number, erlangs: number, ahtSeconds: number, serviceLevelSeconds = 20): ErlangCMetrics {
  positive(ahtSeconds, 'ahtSeconds');
  nonNegative(serviceLevelSeconds, 'serviceLevelSeconds');
  return metricsFromB(agents, erlangs, ahtSeconds, serviceLevelSeconds, erlangB(agents, erlangs));
}

/** SL(T) = 1 − C·exp(−(N − A)·T / AHT): the share of calls answered within T seconds. */
export function serviceLevel(agents: number, erlangs: number, ahtSeconds: number, seconds: number): number {
  return erlangCMetrics(agents, erlangs, ahtSeconds, seconds).serviceLevel;
}

/** ASA = C·AHT / (N − A) in seconds; Infinity when N ≤ A. */
export function averageSpeedOfAnswer(agents: number, erlangs: number, ahtSeconds: number): number {
  return erlangCMetrics(agents, erlangs, ahtSeconds).asa;
}

/** Occupancy A ÷ N, capped at 1. */
export function occupancy(agents: number, erlangs: number): number {
  checkAgents(agents);
  checkErlangs(erlangs);
  if (erlangs === 0) return 0;
  return Math.min(1, erlangs / agents);
}

/** Staffing targets; every target given must be met. */
export interface StaffingTargets {
  /** Share of calls to answer within `serviceLevelSeconds`, in (0, 1). */
  serviceLevel?: number | undefined;
  /** T for the service level, in seconds (default 20). */
  serviceLevelSeconds?: number | undefined;
  /** Highest acceptable average speed of answer, seconds (> 0). */
  asaSeconds?: number | undefined;
  /** Highest acceptable occupancy, in (0, 1]. */
  maxOccupancy?: number | undefined;
}

/** Validates targets shared by Erlang C and Erlang A; a service level of 1 or an ASA of 0 can never be met. */
export function checkTargets(targets: StaffingTargets): void {
  const { serviceLevel: sl, serviceLevelSeconds: t, asaSeconds, maxOccupancy } = targets;
  if (sl !== undefined && !(sl > 0 && sl < 1)) throw new RangeError(`serviceLevel target must be in (0, 1), got ${sl}`);
  if (t !== undefined) nonNegative(t, 'serviceLevelSeconds');
  if (asaSeconds !== undefined) positive(asaSeconds, 'asaSeconds');
  if (maxOccupancy !== undefined && !(maxOccupancy > 0 && maxOccupancy <= 1)) {
    throw new RangeError(`maxOccupancy must be in (0, 1], got ${maxOccupancy}`);
  }
}

/**
 * The smallest number of agents N > A meeting every target given (Erlang C). With no target this is the
 * smallest stable staffing, floor(A) + 1. No traffic needs no agents (0).
 *
 * The search walks N upward from max(floor(A) + 1, A ÷ max occupancy) and advances Erlang B by one
 * recursion step per agent, so each candidate costs a handful of operations.
 */
export function requiredAgents(erlangs: number, ahtSeconds: number, targets: StaffingTargets = {}): number {
  checkErlangs(erlangs);
  positive(ahtSeconds, 'ahtSeconds');
  checkTargets(targets);
  if (erlangs === 0) return 0;
  const seconds = targets.serviceLevelSeconds ?? 20;
  let n = Math.floor(erlangs) + 1;
  if (targets.maxOccupancy !== undefined) {
    n = Math.max(n, Math.ceil(erlangs / targets.maxOccupancy));
    while (erlangs / n > targets.maxOccupancy) n++;
  }
  let b = erlangB(n, erlangs);
  // Far beyond any reachable answer: P(wait) falls faster than geometrically once N − A exceeds a few √A.
  const limit = erlangs + 100 * Math.sqrt(erlangs) + 1000;
  for (;;) {
    const spare = n - erlangs;
    const pWait = (n * b) / (n - erlangs * (1 - b));
    const slOk = targets.serviceLevel === undefined || 1 - pWait * Math.exp((-spare * seconds) / ahtSeconds) >= targets.serviceLevel;
    const asaOk = targets.asaSeconds === undefined || (pWait * ahtSeconds) / spare <= targets.asaSeconds;
    if (slOk && asaOk) return n;
    n++;
    b = (erlangs * b) / (n + erlangs * b);
    if (n > limit) throw new RangeError(`requiredAgents: no staffing up to ${Math.floor(limit)} agents meets the targets`);
  }
}

export function checkAgents(agents: number): void {
  if (!Number.isSafeInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, got ${agents}`);
}

export function checkErlangs(erlangs: number): void {
  if (!(erlangs >= 0) || !Number.isFinite(erlangs)) throw new RangeError(`traffic must be a finite number of Erlangs ≥ 0, got ${erlangs}`);
}

export function positive(value: number, name: string): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
}

export function nonNegative(value: number, name: string): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
}
