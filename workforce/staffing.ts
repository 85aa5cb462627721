/**
 * Staffing one interval (or many) from a forecast: the input contract shared by the CLI, the what-if API and
 * the marts, and the figures a planner reads. Erlang C always; Erlang A as well when a mean patience is given,
 * in which case the Erlang A staffing is the recommendation.
 */
import { z } from 'zod';
import { erlangCMetrics, requiredAgents, trafficIntensity } from './erlang.ts';
import { erlangAMetrics, requiredAgentsErlangA } from './erlangA.ts';

/** Traffic above this is outside the supported range (the maths stays exact, the search gets slow). */
export const MAX_ERLANGS = 1_000_000;
/** An interval's length when the input does not give one (30 minutes). */
const DEFAULT_INTERVAL_SECONDS = 1800;

const above0 = 'must be greater than 0';
const atLeast0 = 'must be 0 or more';
const belowOne = 'must be below 1 (a share, e.g. 0.8 for 80 %)';

export const StaffingTargetsSchema = z.object({
  /** Share of calls answered within `serviceLevelSeconds`, in (0, 1). */
  serviceLevel: z.number().gt(0, above0).lt(1, belowOne).optional(),
  /** T of the service level, seconds. */
  serviceLevelSeconds: z.number().min(0, atLeast0).default(20),
  /** Erlang A only: divide by all arrivals (`offered`) or leave out short abandons (metrics.md default). */
  serviceLevelBasis: z.enum(['offered', 'excluding-short-abandons']).default('offered'),
  /** Erlang A only: abandons quicker than this are short abandons, seconds. */
  shortAbandonSeconds: z.number().min(0, atLeast0).default(5),
  /** Highest acceptable average speed of answer (answered calls), seconds. */
  asaSeconds: z.number().gt(0, above0).optional(),
  /** Highest acceptable occupancy, in (0, 1]. */
  maxOccupancy: z.number().gt(0, above0).max(1, 'must be at most 1 (a share, e.g. 0.85)').optional(),
  /** Erlang A only: highest acceptable P(abandon), in (0, 1). */
  maxAbandonRate: z.number().gt(0, above0).lt(1, belowOne).optional(),
});
export type StaffingTargets = z.infer<typeof StaffingTargetsSchema>;

/** Targets used when none are given: 80 % of calls answered within 20 s. */
export const DEFAULT_TARGETS = { serviceLevel: 0.8, serviceLevelSeconds: 20 } as const;

export const StaffIntervalInputSchema = z
  .object({
    /** Forecast calls offered in the interval. */
    calls: z.number().min(0, atLeast0),
    /** Average handle time (talk + hold + after-call work), seconds. */
    ahtSeconds: z.number().gt(0, above0),
    /** Interval length, seconds. */
    intervalSeconds: z.number().gt(0, above0).default(DEFAULT_INTERVAL_SECONDS),
    /** Every target given must be met; omitted → 80 % within 20 s; `{}` → just enough agents for a stable queue. */
    targets: StaffingTargetsSchema.prefault(DEFAULT_TARGETS),
    /** Share of paid time not available for calls, in [0, 1). */
    shrinkage: z.number().min(0, atLeast0).lt(1, belowOne).default(0),
    /** Mean caller patience (1/θ), seconds: turns on Erlang A. */
    patienceSeconds: z.number().gt(0, above0).optional(),
  })
  .superRefine((input, ctx) => {
    const erlangs = (input.calls * input.ahtSeconds) / input.intervalSeconds;
    if (erlangs > MAX_ERLANGS) {
      ctx.addIssue({ code: 'custom', path: ['calls'], message: `traffic of ${erlangs.toFixed(0)} Erlangs exceeds the supported ${MAX_ERLANGS}` });
    }
    if (input.targets.maxAbandonRate !== undefined && input.patienceSeconds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['targets', 'maxAbandonRate'], message: 'an abandonment target needs patienceSeconds (Erlang C has no abandonment)' });
    }
  });
/** What callers pass (defaults optional). */
export type StaffIntervalInput = z.input<typeof StaffIntervalInputSchema>;
/** The validated input with defaults filled in. */
export type StaffIntervalRequest = z.infer<typeof StaffIntervalInputSchema>;

export const StaffIntervalResultSchema = z.object({
  /** Offered traffic A = calls × AHT ÷ interval. */
  erlangs: z.number(),
  /** Model behind `agents` and the figures below. */
  model: z.enum(['erlang-c', 'erlang-a']),
  /** Recommended agents on the phones: Erlang A when patience is given, else Erlang C. */
  agents: z.number().int(),
  agentsErlangC: z.number().int(),
  agentsErlangA: z.number().int().nullable(),
  /** Scheduled FTE = agents ÷ (1 − shrinkage). */
  fte: z.number(),
  /** Answered within T ÷ all arrivals, at `agents`. */
  serviceLevel: z.number(),
  /** Answered within T ÷ (arrivals − short abandons), the metrics.md convention; equals serviceLevel under Erlang C. */
  serviceLevelExcludingShortAbandons: z.number(),
  serviceLevelSeconds: z.number(),
  /** Average speed of answer of answered calls, seconds. */
  asa: z.number(),
  occupancy: z.number(),
  pWait: z.number(),
  /** 0 under Erlang C. */
  pAbandon: z.number(),
});
export type StaffIntervalResult = z.infer<typeof StaffIntervalResultSchema>;

/**
 * Staffs one validated interval. `erlangADrop`, the Erlang C answer less the Erlang A one of a similar interval
 * (the one before, in a series), starts the Erlang A search near its answer; the result does not depend on it.
 */
export function staffRequest(request: StaffIntervalRequest, erlangADrop?: number): StaffIntervalResult {
  const { calls, ahtSeconds, intervalSeconds, targets, shrinkage, patienceSeconds } = request;
  const erlangs = trafficIntensity(calls, ahtSeconds, intervalSeconds);
  const seconds = targets.serviceLevelSeconds;
  const agentsErlangC = requiredAgents(erlangs, ahtSeconds, targets);

  if (patienceSeconds === undefined) {
    const m = erlangCMetrics(agentsErlangC, erlangs, ahtSeconds, seconds);
    return {
      erlangs,
      model: 'erlang-c',
      agents: agentsErlangC,
      agentsErlangC,
      agentsErlangA: null,
      fte: agentsErlangC / (1 - shrinkage),
      serviceLevel: m.serviceLevel,
      serviceLevelExcludingShortAbandons: m.serviceLevel,
      serviceLevelSeconds: seconds,
      asa: m.asa,
      occupancy: m.occupancy,
      pWait: m.pWait,
      pAbandon: 0,
    };
  }

  const agents = requiredAgentsErlangA({ erlangs, ahtSeconds, patienceSeconds }, targets, agentsErlangC, erlangADrop === undefined ? undefined : agentsErlangC - erlangADrop);
  const m =
    agents === 0
      ? erlangAMetrics({ agents: 1, erlangs: 0, ahtSeconds, patienceSeconds }, { serviceLevelSeconds: seconds })
      : erlangAMetrics({ agents, erlangs, ahtSeconds, patienceSeconds }, { serviceLevelSeconds: seconds, shortAbandonSeconds: targets.shortAbandonSeconds });
  return {
    erlangs,
    model: 'erlang-a',
    agents,
    agentsErlangC,
    agentsErlangA: agents,
    fte: agents / (1 - shrinkage),
    serviceLevel: m.serviceLevel,
    serviceLevelExcludingShortAbandons: m.serviceLevelExcludingShortAbandons,
    serviceLevelSeconds: seconds,
    asa: m.asa,
    occupancy: m.occupancy,
    pWait: m.pWait,
    pAbandon: m.pAbandon,
  };
}

/** Validates and staffs one interval; throws a ZodError naming the bad field. */
export function staffInterval(input: StaffIntervalInput): StaffIntervalResult {
  return staffRequest(StaffIntervalInputSchema.parse(input));
}

/**
 * Staffs many intervals (a week of a queue, a what-if grid), one result per input in the same order. Inputs
 * mostly share their targets, shrinkage and patience (a queue's week): the schema checks them once per run of
 * inputs sharing them (the same targets object) and the interval's own numbers are checked here; an input
 * failing a check goes through the schema, which throws the error naming its field.
 */
export function staffIntervals(inputs: readonly StaffIntervalInput[]): StaffIntervalResult[] {
  // the set of the previous input, when this one has the same (callers share one targets object per queue)
  let last: { input: StaffIntervalInput; policy: StaffIntervalRequest } | undefined;
  // neighbouring intervals of a series need about as many agents fewer under Erlang A than under Erlang C
  let drop: number | undefined;
  return inputs.map((input) => {
    const same = last && last.input.targets === input.targets && last.input.shrinkage === input.shrinkage && last.input.patienceSeconds === input.patienceSeconds;
    if (!same) last = { input, policy: StaffIntervalInputSchema.parse({ ...input, calls: 0, ahtSeconds: 1, intervalSeconds: 1 }) };
    const policy = last!.policy;
    const { calls, ahtSeconds, intervalSeconds = DEFAULT_INTERVAL_SECONDS } = input;
    const fine =
      calls >= 0 && ahtSeconds > 0 && intervalSeconds > 0 && Number.isFinite(calls + ahtSeconds + intervalSeconds) && (calls * ahtSeconds) / intervalSeconds <= MAX_ERLANGS;
    if (!fine) return staffInterval(input);
    const result = staffRequest({ ...policy, calls, ahtSeconds, intervalSeconds }, same ? drop : undefined);
    if (result.agentsErlangA !== null && result.agentsErlangA > 0) drop = result.agentsErlangC - result.agentsErlangA;
    return result;
  });
}
