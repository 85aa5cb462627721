/**
 * What-if staffing: the demand per queue and interval (forecast or history) scaled by the planner's
 * factors, staffed with workforce/staffing.ts (Erlang C, and Erlang A when the queue's patience is known)
 * against the queue's targets or the ones given. Pure in-memory maths.
 */
import { ZodError } from 'zod';
import { patienceFromData } from '../workforce/erlangA.ts';
import { staffIntervals, type StaffIntervalInput } from '../workforce/staffing.ts';
import { badParameter } from './errors.ts';
import { kpiValue } from '../core/kpis.ts';
import type { DemandRow, QueuePolicyRow } from './queries/workforce.ts';

export interface WhatIfChanges {
  sl_target?: number | undefined;
  sl_seconds?: number | undefined;
  aht_factor: number;
  aht_seconds?: number | undefined;
  shrinkage?: number | undefined;
  volume_factor: number;
  patience_seconds?: number | undefined;
  max_occupancy?: number | undefined;
  asa_seconds?: number | undefined;
  max_abandon?: number | undefined;
}

/** Shrinkage when the data show none that is plausible (no agent states, or ≥ 90 %). */
export const DEFAULT_SHRINKAGE = 0.3;
/** Service-level target of a queue without one in the catalog. */
export const DEFAULT_SL_TARGET = 0.8;

export interface QueueAssumptions {
  queue_id: string;
  model: 'erlang-c' | 'erlang-a';
  sl_target: number;
  sl_seconds: number;
  shrinkage: number;
  patience_seconds: number | null;
  max_abandon: number | null;
  /** Mean handle time of the history, used where an interval has calls but no AHT. */
  aht_history_seconds: number | null;
}

export function queueAssumptions(p: QueuePolicyRow, changes: WhatIfChanges): QueueAssumptions {
  const observedShrinkage = kpiValue('shrinkage', p);
  const observedPatience = p.abandoned > 0 && p.wait_seconds > 0 ? patienceFromData(p.abandoned, p.wait_seconds) : null;
  const patience = changes.patience_seconds ?? observedPatience;
  return {
    queue_id: p.queue_id,
    model: patience ? 'erlang-a' : 'erlang-c',
    sl_target: changes.sl_target ?? p.sl_target ?? DEFAULT_SL_TARGET,
    sl_seconds: changes.sl_seconds ?? p.sl_threshold_seconds,
    shrinkage: changes.shrinkage ?? (observedShrinkage !== null && observedShrinkage >= 0 && observedShrinkage < 0.9 ? observedShrinkage : DEFAULT_SHRINKAGE),
    patience_seconds: patience,
    // an abandonment ceiling needs Erlang A: a queue without a patience is staffed with Erlang C, without it
    max_abandon: patience ? (changes.max_abandon ?? p.abandon_target) : null,
    aht_history_seconds: kpiValue('aht_seconds', p),
  };
}

export interface WhatIfRow {
  queue_id: string;
  interval_start: string;
  calls: number;
  aht_seconds: number;
  erlangs: number;
  agents: number;
  agents_erlang_c: number;
  agents_erlang_a: number | null;
  fte: number;
  service_level: number;
  asa_seconds: number | null;
  occupancy: number;
  abandon: number | null;
}

export interface WhatIfTotals {
  calls: number;
  agent_hours: number;
  agent_hours_erlang_c: number;
  fte_hours: number;
}

/** Which request field a problem found by the staffing schema comes from. */
const fieldOf: Record<string, string> = {
  calls: 'volume_factor',
  ahtSeconds: 'aht_seconds',
  'targets.serviceLevel': 'sl_target',
  'targets.serviceLevelSeconds': 'sl_seconds',
  'targets.asaSeconds': 'asa_seconds',
  'targets.maxOccupancy': 'max_occupancy',
  'targets.maxAbandonRate': 'max_abandon',
  shrinkage: 'shrinkage',
  patienceSeconds: 'patience_seconds',
};

export function whatIf(demand: DemandRow[], assumptions: Map<string, QueueAssumptions>, changes: WhatIfChanges): { rows: WhatIfRow[]; totals: WhatIfTotals } {
  const inputs: StaffIntervalInput[] = [];
  const shaped: { d: DemandRow; calls: number; aht: number; a: QueueAssumptions }[] = [];
  // one targets object per queue: staffIntervals checks a queue's targets once
  const targetsOf = new Map<QueueAssumptions, StaffIntervalInput['targets']>();
  for (const d of demand) {
    const a = assumptions.get(d.queue_id);
    if (!a) continue;
    const calls = Math.max(0, d.calls) * changes.volume_factor;
    // A forecast may carry no (or a zero) AHT for a quiet interval: the queue's history stands in.
    const base = d.aht_seconds !== null && d.aht_seconds > 0 ? d.aht_seconds : (a.aht_history_seconds ?? 0);
    const aht = changes.aht_seconds ?? base * changes.aht_factor;
    if (!(aht > 0) && calls > 0) throw badParameter('aht_seconds', `queue ${d.queue_id} has calls but no handle time in the data: give aht_seconds`);
    shaped.push({ d, calls, aht: aht > 0 ? aht : 1, a });
    inputs.push({
      calls,
      ahtSeconds: aht > 0 ? aht : 1,
      intervalSeconds: d.interval_minutes * 60,
      targets: targetsOf.get(a) ?? targetsOf.set(a, {
        serviceLevel: a.sl_target,
        serviceLevelSeconds: a.sl_seconds,
        asaSeconds: changes.asa_seconds,
        maxOccupancy: changes.max_occupancy,
        maxAbandonRate: a.max_abandon ?? undefined,
      }).get(a),
      shrinkage: a.shrinkage,
      patienceSeconds: a.patience_seconds ?? undefined,
    });
  }
  let results;
  try {
    results = staffIntervals(inputs);
  } catch (err) {
    if (err instanceof ZodError) {
      const issue = err.issues[0]!;
      const field = fieldOf[issue.path.join('.')] ?? 'body';
      throw badParameter(field, issue.message);
    }
    if (err instanceof RangeError) throw badParameter('body', err.message);
    throw err;
  }
  const totals: WhatIfTotals = { calls: 0, agent_hours: 0, agent_hours_erlang_c: 0, fte_hours: 0 };
  const rows = shaped.map(({ d, calls, aht, a }, i): WhatIfRow => {
    const r = results[i]!;
    const hours = d.interval_minutes / 60;
    totals.calls += calls;
    totals.agent_hours += r.agents * hours;
    totals.agent_hours_erlang_c += r.agentsErlangC * hours;
    totals.fte_hours += r.fte * hours;
    return {
      queue_id: d.queue_id,
      interval_start: d.interval_start,
      calls,
      aht_seconds: aht,
      erlangs: r.erlangs,
      agents: r.agents,
      agents_erlang_c: r.agentsErlangC,
      agents_erlang_a: r.agentsErlangA,
      fte: r.fte,
      service_level: r.serviceLevel,
      asa_seconds: Number.isFinite(r.asa) ? r.asa : null,
      occupancy: r.occupancy,
      abandon: a.model === 'erlang-a' ? r.pAbandon : null,
    };
  });
  return { rows, totals };
}
