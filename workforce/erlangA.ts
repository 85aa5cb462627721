/**
 * Erlang A (M/M/N+M, Palm's model): Erlang C plus callers who hang up after an exponentially distributed
 * patience with mean 1/θ. Valid for any staffing, including N ≤ A, because abandonment keeps the queue finite.
 *
 * Notation: λ arrivals per second, μ = 1/AHT, θ = 1/patience, A = λ/μ, a = Nμ/θ, x = λ/θ.
 * Relative to the probability π_N of "all agents busy, nobody waiting", the stationary probability of j
 * callers waiting is t_j = Π_{i=1..j} x/(a + i), and
 *   S = Σ_j t_j = P(a, x) / (x^a e^(−x) / Γ(a + 1))               (regularised incomplete gamma P),
 *   P(wait) = S / (1/B(N, A) − 1 + S)                             (B = Erlang B).
 * A caller who finds j waiting is answered with probability a/(a + j + 1), which sums to
 *   P(answered | waits) = (a/x)·P(a+1, x) / P(a, x).
 * The density of the offered wait V
 * for V > 0 is λ·π_(N−1)·exp(λ(1 − e^(−θv))/θ − Nμv) (Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of
 * performance measures"), which integrates to
 *   P(answered within T | waits) = (a/x)·[P(a+1, x) − P(a+1, x·e^(−θT))] / P(a, x),
 *   P(V > t | waits)             = P(a, x·e^(−θt)) / P(a, x).
 */
import {
  checkAgents,
  checkErlangs,
  checkTargets,
  erlangB,
  erlangBTable,
  nonNegative,
  positive,
  requiredAgents,
  type StaffingTargets,
} from './erlang.ts';
import { digammaDifference, lnGammaPrefix, regularizedGamma, regularizedGammaPair, type IncompleteGamma } from './staffing/special.ts';

/** One queue under Erlang A. */
export interface ErlangAQueue {
  /** Agents answering, a whole number ≥ 1 when there is traffic. */
  agents: number;
  /** Offered traffic A = λ × AHT in Erlangs. */
  erlangs: number;
  ahtSeconds: number;
  /** Mean time a caller is willing to wait, 1/θ, in seconds. */
  patienceSeconds: number;
}

/**
 * How the service level is divided:
 * - `offered`: answered within T ÷ all arrivals (abandoned calls count as missed), the default here;
 * - `excluding-short-abandons`: answered within T ÷ (arrivals − calls abandoned within `shortAbandonSeconds`),
 *   the default of docs/metrics.md, so forecasts compare with the measured KPI.
 */
export type ServiceLevelBasis = 'offered' | 'excluding-short-abandons';

export interface ErlangAOptions {
  /** T for the service level, seconds (default 20). */
  serviceLevelSeconds?: number | undefined;
  /** Abandons quicker than this are "short" (default 5 s, as in metrics.md). */
  shortAbandonSeconds?: number | undefined;
}

/** The Erlang A figures for one staffing level. */
export interface ErlangAMetrics {
  /** Probability a caller finds every agent busy. */
  pWait: number;
  /** Probability a caller hangs up before being answered. */
  pAbandon: number;
  /** Answered within T ÷ all arrivals. */
  serviceLevel: number;
  /** Answered within T ÷ (arrivals − short abandons): the metrics.md convention. */
  serviceLevelExcludingShortAbandons: number;
  serviceLevelSeconds: number;
  /** Probability a caller abandons within `shortAbandonSeconds`. */
  pShortAbandon: number;
  shortAbandonSeconds: number;
  /** Average speed of answer of answered calls, seconds (metrics.md ASA). */
  asa: number;
  /** Mean time in queue over all callers, answered or abandoned, seconds (= P(abandon) × patience). */
  averageWait: number;
  /** Carried traffic ÷ agents = A·(1 − P(abandon)) ÷ N. */
  occupancy: number;
}

function checkQueue(q: ErlangAQueue): void {
  checkAgents(q.agents);
  checkErlangs(q.erlangs);
  positive(q.ahtSeconds, 'ahtSeconds');
  positive(q.patienceSeconds, 'patienceSeconds');
  if (q.agents === 0 && q.erlangs > 0) throw new RangeError('Erlang A needs at least 1 agent when there is traffic');
}

/** ln(e^u − e^v) for u ≥ v, i.e. the log of a difference of two probabilities given as logs. */
function lnDiff(u: number, v: number): number {
  if (v === -Infinity) return u;
  return u + Math.log(-Math.expm1(v - u));
}

/** ln(P(s, big) − P(s, small)) for small ≤ big, using whichever of P or Q keeps its digits. */
function lnGammaIncrement(big: IncompleteGamma, small: IncompleteGamma): number {
  const half = -Math.LN2;
  if (big.lnP <= half) return lnDiff(big.lnP, small.lnP);
  if (small.lnQ <= half) return lnDiff(small.lnQ, big.lnQ);
  return Math.log(Math.max(0, 1 - Math.exp(small.lnP) - Math.exp(big.lnQ)));
}

/**
 * Stationary state of one Erlang A queue, with the expensive parts computed on first use so that a staffing
 * search pays only for the figures its targets need.
 */
class ErlangAState {
  readonly a: number;
  readonly x: number;
  readonly theta: number;
  readonly pWait: number;
  /** P(abandon | waits) = 1 − P(answered | waits) = 1 − (a/x)·P(a+1, x)/P(a, x). */
  readonly abandonGivenWait: number;
  /** ln P(a, x). */
  private readonly lnPax: number;
  /** P(a + 1, x) and Q(a + 1, x) as logs. */
  private readonly gammaNext: IncompleteGamma;
  private answeredWaitGivenWait?: number;

  /** `blocking` is Erlang B at q.agents when the caller already has it (a staffing search keeps a table). */
  constructor(readonly q: ErlangAQueue, blocking?: number) {
    const ratio = q.patienceSeconds / q.ahtSeconds;
    this.a = q.agents * ratio;
    this.x = q.erlangs * ratio;
    this.theta = 1 / q.patienceSeconds;
    const b = blocking ?? erlangB(q.agents, q.erlangs);
    const pair = regularizedGammaPair(this.a, this.x);
    this.lnPax = pair.at.lnP;
    this.gammaNext = pair.next;
    const lnS = this.lnPax - lnGammaPrefix(this.a, this.x);
    // (1/B − 1) is the below-N probability mass relative to π_N.
    const lnBelow = b === 0 ? Infinity : Math.log1p(-b) - Math.log(b);
    this.pWait = 1 / (1 + Math.exp(lnBelow - lnS));
    this.abandonGivenWait = Math.max(0, -Math.expm1(Math.log(this.a / this.x) + this.gammaNext.lnP - this.lnPax));
  }

  get pAbandon(): number {
    return this.pWait * this.abandonGivenWait;
  }

  /**
   * E[wait · 1{answered}] over all callers, seconds. A caller finding j waiting is answered with probability
   * a/(a+j+1) after an expected D_j/θ, D_j = Σ_{i=1..j+1} 1/(a+i) (given answered), so
   * E[wait·1{answered} | waits] = Σ_j t_j·(a/(a+j+1))·D_j / (θ·S). The sum walks from the most likely j both
   * ways until the remaining terms cannot change a digit: O(√x) terms, no overflow.
   */
  get answeredWait(): number {
    if (this.answeredWaitGivenWait === undefined) this.answeredWaitGivenWait = answeredWaitSum(this.a, this.x) / this.theta;
    return this.pWait * this.answeredWaitGivenWait;
  }

  /** P(answered within T) over all arrivals. */
  serviceLevel(seconds: number): number {
    const { a, x } = this;
    if (this.pWait === 0) return 1;
    if (seconds === 0) return 1 - this.pWait;
    const full = this.gammaNext;
    const cut = regularizedGamma(a + 1, x * Math.exp(-this.theta * seconds));
    const answeredGivenWait = Math.exp(Math.log(a / x) + lnGammaIncrement(full, cut) - this.lnPax);
    return Math.min(1, 1 - this.pWait + this.pWait * Math.min(1, answeredGivenWait));
  }

  /** P(offered wait V > t). */
  waitLongerThan(seconds: number): number {
    const lnPcut = regularizedGamma(this.a, this.x * Math.exp(-this.theta * seconds)).lnP;
    return this.pWait * Math.exp(lnPcut - this.lnPax);
  }

  /** P(abandon within s) = 1 − E[e^(−θ·min(V, s))] = 1 − SL(s) − e^(−θs)·P(V > s). */
  shortAbandon(seconds: number): number {
    if (seconds === 0 || this.pWait === 0) return 0;
    const p = 1 - this.serviceLevel(seconds) - Math.exp(-this.theta * seconds) * this.waitLongerThan(seconds);
    return Math.min(this.pAbandon, Math.max(0, p));
  }

  get occupancy(): number {
    return (this.q.erlangs * (1 - this.pAbandon)) / this.q.agents;
  }
}

/** Σ_j t_j·(a/(a+j+1))·D_j / Σ_j t_j with t_j = Π_{i≤j} x/(a+i) and D_j = Σ_{i=1..j+1} 1/(a+i). */
function answeredWaitSum(a: number, x: number): number {
  const peak = Math.max(0, Math.floor(x - a));
  const dPeak = digammaDifference(a + 1, a + peak + 2);
  let total = 0;
  let weighted = 0;
  // Upward from the peak: t_(j+1) = t_j·x/(a+j+1).
  let w = 1;
  let d = dPeak;
  for (let j = peak; ; j++) {
    total += w;
    weighted += (w * a * d) / (a + j + 1);
    const ratio = x / (a + j + 1);
    w *= ratio;
    d += 1 / (a + j + 2);
    const nextRatio = x / (a + j + 2);
    // Weights a·D_j/(a+j+1) stay below 1, so w/(1 − ratio) bounds the rest of both sums.
    if (ratio < 1 && w / (1 - nextRatio) < 1e-17 * weighted) break;
  }
  // Downward: t_(j−1) = t_j·(a+j)/x.
  w = 1;
  d = dPeak;
  for (let j = peak; j > 0; j--) {
    w *= (a + j) / x;
    d -= 1 / (a + j + 1);
    total += w;
    weighted += (w * a * d) / (a + j);
    if (w / (1 - (a + j - 1) / x) < 1e-17 * weighted) break;
  }
  return weighted / total;
}

function noTraffic(seconds: number, shortSeconds: number): ErlangAMetrics {
  return {
    pWait: 0,
    pAbandon: 0,
    serviceLevel: 1,
    serviceLevelExcludingShortAbandons: 1,
    serviceLevelSeconds: seconds,
    pShortAbandon: 0,
    shortAbandonSeconds: shortSeconds,
    asa: 0,
    averageWait: 0,
    occupancy: 0,
  };
}

/** All Erlang A figures for one staffing level. Needs N ≥ 1 when A > 0; any N, also N ≤ A, is valid. */
export function erlangAMetrics(queue: ErlangAQueue, options: ErlangAOptions = {}): ErlangAMetrics {
  checkQueue(queue);
  const seconds = options.serviceLevelSeconds ?? 20;
  const shortSeconds = options.shortAbandonSeconds ?? 5;
  nonNegative(seconds, 'serviceLevelSeconds');
  nonNegative(shortSeconds, 'shortAbandonSeconds');
  if (queue.erlangs === 0) return noTraffic(seconds, shortSeconds);
  const state = new ErlangAState(queue);
  const pAbandon = state.pAbandon;
  const serviceLevel = state.serviceLevel(seconds);
  const pShortAbandon = state.shortAbandon(shortSeconds);
  return {
    pWait: state.pWait,
    pAbandon,
    serviceLevel,
    serviceLevelExcludingShortAbandons: Math.min(1, serviceLevel / (1 - pShortAbandon)),
    serviceLevelSeconds: seconds,
    pShortAbandon,
    shortAbandonSeconds: shortSeconds,
    asa: state.answeredWait / (1 - pAbandon),
    averageWait: pAbandon * queue.patienceSeconds,
    occupancy: state.occupancy,
  };
}

/** Erlang A targets: the Erlang C ones plus a ceiling on abandonment and the service-level basis. */
export interface ErlangATargets extends StaffingTargets {
  /** Highest acceptable P(abandon), in (0, 1). */
  maxAbandonRate?: number | undefined;
  serviceLevelBasis?: ServiceLevelBasis | undefined;
  /** Short-abandon threshold for the `excluding-short-abandons` basis (default 5 s). */
  shortAbandonSeconds?: number | undefined;
}

function meetsTargets(state: ErlangAState, targets: ErlangATargets): boolean {
  if (targets.maxOccupancy !== undefined && state.occupancy > targets.maxOccupancy) return false;
  if (targets.maxAbandonRate !== undefined && state.pAbandon > targets.maxAbandonRate) return false;
  if (targets.asaSeconds !== undefined && state.answeredWait / (1 - state.pAbandon) > targets.asaSeconds) return false;
  if (targets.serviceLevel !== undefined) {
    let sl = state.serviceLevel(targets.serviceLevelSeconds ?? 20);
    if (targets.serviceLevelBasis === 'excluding-short-abandons') {
      sl = Math.min(1, sl / (1 - state.shortAbandon(targets.shortAbandonSeconds ?? 5)));
    }
    if (sl < targets.serviceLevel) return false;
  }
  return true;
}

/**
 * The smallest number of agents meeting every target given under Erlang A (it may be below A when callers
 * abandon). No traffic needs no agents; no target at all needs 1 agent.
 *
 * The search starts at the Erlang C answer, gallops down or up until it brackets the answer and then bisects,
 * relying on each figure improving as agents are added (true for service level, abandonment and occupancy;
 * the result always meets the targets and one agent fewer never does). A proven floor cuts the search:
 * P(answered) ≤ N/A, so a service level s (offered basis) needs N ≥ s·A and an abandon ceiling p needs
 * N ≥ (1 − p)·A.
 */
export function requiredAgentsErlangA(
  traffic: { erlangs: number; ahtSeconds: number; patienceSeconds: number },
  targets: ErlangATargets = {},
  /** The Erlang C answer for the same traffic and targets, when the caller has it already. */
  erlangCAgents?: number,
  /**
   * Where to start the search instead of the Erlang C answer: a guess of the answer, such as the Erlang C answer
   * less the difference found for the interval before. The answer does not depend on it, only the search's cost.
   */
  start?: number,
): number {
  const { erlangs, ahtSeconds, patienceSeconds } = traffic;
  checkErlangs(erlangs);
  positive(ahtSeconds, 'ahtSeconds');
  positive(patienceSeconds, 'patienceSeconds');
  checkTargets(targets);
  if (targets.maxAbandonRate !== undefined && !(targets.maxAbandonRate > 0 && targets.maxAbandonRate < 1)) {
    throw new RangeError(`maxAbandonRate must be in (0, 1), got ${targets.maxAbandonRate}`);
  }
  if (targets.shortAbandonSeconds !== undefined) nonNegative(targets.shortAbandonSeconds, 'shortAbandonSeconds');
  if (erlangs === 0) return 0;

  const floorShare = Math.max(
    targets.serviceLevel !== undefined && targets.serviceLevelBasis !== 'excluding-short-abandons' ? targets.serviceLevel : 0,
    targets.maxAbandonRate !== undefined ? 1 - targets.maxAbandonRate : 0,
  );
  const lowest = Math.max(1, Math.ceil(floorShare * erlangs * (1 - 1e-12)));
  const blocking = erlangBTable(erlangs, lowest);
  const meets = (agents: number) => meetsTargets(new ErlangAState({ agents, erlangs, ahtSeconds, patienceSeconds }, blocking(agents)), targets);
  const limit = erlangs + 100 * Math.sqrt(erlangs) + 1000;
  const guess = Math.max(lowest, start !== undefined && Number.isSafeInteger(start) ? start : (erlangCAgents ?? requiredAgents(erlangs, ahtSeconds, erlangCTargets(targets))));

  let failing = lowest - 1; // every N ≤ failing misses a target (proven or tried)
  let meeting: number;
  if (meets(guess)) {
    meeting = guess;
    for (let step = 1; meeting - step > failing; step *= 2) {
      const candidate = meeting - step;
      if (!meets(candidate)) {
        failing = candidate;
        break;
      }
      meeting = candidate;
    }
  } else {
    failing = guess;
    for (let step = Math.max(1, Math.ceil(Math.sqrt(erlangs) / 4)); ; step *= 2) {
      const candidate = Math.min(failing + step, Math.ceil(limit));
      if (meets(candidate)) {
        meeting = candidate;
        break;
      }
      if (candidate >= limit) throw new RangeError(`requiredAgentsErlangA: no staffing up to ${Math.ceil(limit)} agents meets the targets`);
      failing = candidate;
    }
  }
  while (meeting - failing > 1) {
    const mid = Math.floor((meeting + failing) / 2);
    if (meets(mid)) meeting = mid;
    else failing = mid;
  }
  return meeting;
}

/** The targets Erlang C understands, for the starting guess (Erlang C has no abandonment). */
function erlangCTargets(targets: ErlangATargets): StaffingTargets {
  const { serviceLevel, serviceLevelSeconds, asaSeconds, maxOccupancy } = targets;
  return { serviceLevel, serviceLevelSeconds, asaSeconds, maxOccupancy };
}

/**
 * Mean patience in seconds estimated from queue data, 1/θ̂ with θ̂ = abandoned ÷ total time all callers spent
 * waiting (answered and abandoned alike; the maximum-likelihood estimate for exponential patience with waits
 * cut short by answering). Infinity when nobody abandoned: the data show no impatience, so use Erlang C.
 */
export function patienceFromData(abandonedCount: number, totalWaitSecondsOfAllCalls: number): number {
  nonNegative(abandonedCount, 'abandonedCount');
  nonNegative(totalWaitSecondsOfAllCalls, 'totalWaitSecondsOfAllCalls');
  if (abandonedCount === 0) return Infinity;
  if (totalWaitSecondsOfAllCalls === 0) throw new RangeError('abandoned calls with no waiting time at all: patience cannot be estimated');
  return totalWaitSecondsOfAllCalls / abandonedCount;
}
