/**
 * KPI measures recomputed from summed counts (docs/metrics.md): a rate over several intervals, days, queues
 * or agents is Σ numerator ÷ Σ denominator, never an average of rates. The formulas are the ones of
 * core/kpis.ts, which the SQL marts use too.
 */
import { isKpiName, kpiInputs, kpiRatio, kpiValue } from '../core/kpis.ts';

export type Sums<K extends string> = Record<K, number>;

/** a ÷ b, or null when there is nothing to divide by (as `nullif(b, 0)` in the marts). */
export function ratio(a: number, b: number): number | null {
  return b === 0 || !Number.isFinite(b) ? null : a / b;
}

/** Sums of the queue measures, present in kpi_interval and kpi_daily. */
export const queueSumColumns = [
  'offered',
  'answered',
  'abandoned',
  'short_abandons',
  'answered_within_threshold',
  'wait_answered_seconds',
  'wait_abandoned_seconds',
  'handled',
  'handle_seconds',
  'transferred',
  'csat_responses',
  'csat_top2',
  'csat_sum',
  'logged_in_seconds',
  'ready_seconds',
  'state_handle_seconds',
] as const;

/** Sums of the ticket measures of /api/tickets. */
export const ticketSumColumns = [
  'tickets_created',
  'tickets_responded',
  'first_response_seconds_sum',
  'tickets_resolved',
  'resolution_seconds_sum',
  'tickets_resolved_reopened',
  'tickets_due',
  'tickets_met_sla',
] as const;

/** Sums of the bot measures of /api/bot. */
export const botSumColumns = ['bot_sessions', 'bot_contained', 'bot_verified_contained', 'bot_escalated', 'bot_fallback_turns', 'bot_user_turns'] as const;

/** Sums of the cross-channel measures, in kpi_daily only: touchpoints and journeys, then the bot and ticket sums. */
export const dailySumColumns = [
  'touchpoints',
  'inbound_touchpoints',
  'self_service_touchpoints',
  'journeys',
  'fcr_journeys',
  'resolved_journeys',
  ...botSumColumns,
  ...ticketSumColumns,
] as const;

/** Sums kept per agent in kpi_agent_daily. */
export const agentSumColumns = [
  'answered',
  'handle_seconds',
  'transferred',
  'csat_responses',
  'csat_top2',
  'logged_in_seconds',
  'ready_seconds',
  'handle_state_seconds',
  'not_ready_seconds',
] as const;

export type QueueSums = Sums<(typeof queueSumColumns)[number]>;
export type DailySums = Sums<(typeof dailySumColumns)[number]>;
export type AgentSums = Sums<(typeof agentSumColumns)[number]>;

/** The queue measures of /api/kpis, in the order of the contract. */
export const queueMeasureNames = [
  'offered',
  'answered',
  'abandoned',
  'short_abandons',
  'answered_within_threshold',
  'service_level',
  'asa_seconds',
  'avg_time_to_abandon_seconds',
  'abandon_rate',
  'answer_rate',
  'handled',
  'aht_seconds',
  'transfer_rate',
  'occupancy',
  'utilization',
  'shrinkage',
  'csat_responses',
  'csat_top2_rate',
  'csat_mean',
] as const;

/** The measures /api/kpis adds for grain day, week and month. */
export const dailyMeasureNames = [
  'touchpoints',
  'inbound_touchpoints',
  'self_service_rate',
  'journeys',
  'fcr_rate',
  'bot_sessions',
  'bot_containment_rate',
  'bot_escalation_rate',
  'bot_fallback_rate',
  'tickets_created',
  'ticket_sla_rate',
  'reopen_rate',
  'backlog',
] as const;

export type QueueMeasures = Record<(typeof queueMeasureNames)[number], number | null>;
export type DailyMeasures = Record<(typeof dailyMeasureNames)[number], number | null>;

/** The measures /api/kpis can answer (its `measures` parameter picks some). */
export const kpisMeasureNames = [...queueMeasureNames, ...dailyMeasureNames] as const;
export type KpisMeasureName = (typeof kpisMeasureNames)[number];

/**
 * The sum columns the named measures are computed from: a count is its own sum, a rate reads its KPI's inputs;
 * backlog is a stock, read apart.
 */
export function sumsFor(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const n of names) {
    if (n === 'backlog') continue;
    for (const c of isKpiName(n) ? kpiInputs(kpiRatio(n)) : [n]) out.add(c);
  }
  return [...out];
}

/** The named measures from summed rows: counts as summed, rates by their KPI definition; `backlog` given apart. */
export function measureValues<N extends string>(names: readonly N[], sums: object, backlog: number | null = null): Record<N, number | null> {
  const s = sums as Record<string, number>;
  const out = {} as Record<N, number | null>;
  for (const n of names) out[n] = n === 'backlog' ? backlog : isKpiName(n) ? kpiValue(n, s) : s[n]!;
  return out;
}

export function queueMeasures(s: QueueSums): QueueMeasures {
  return measureValues(queueMeasureNames, s);
}

/** `backlog` is a stock (tickets open at the end of the period), not a sum: the caller measures it at the period's end. */
export function dailyMeasures(s: DailySums, backlog: number): DailyMeasures {
  return measureValues(dailyMeasureNames, s, backlog);
}

/** Agent figures in the shape of the queue measures; what kpi_agent_daily cannot tell is null. */
export function agentQueueMeasures(s: AgentSums): QueueMeasures {
  // kpi_agent_daily names the state handling time handle_state_seconds and counts answered legs as handled
  const sums = { ...s, handled: s.answered, state_handle_seconds: s.handle_state_seconds };
  return {
    offered: null,
    answered: s.answered,
    abandoned: null,
    short_abandons: null,
    answered_within_threshold: null,
    service_level: null,
    asa_seconds: null,
    avg_time_to_abandon_seconds: null,
    abandon_rate: null,
    answer_rate: null,
    handled: s.answered,
    aht_seconds: kpiValue('aht_seconds', sums),
    transfer_rate: kpiValue('transfer_rate', sums),
    occupancy: kpiValue('occupancy', sums),
    utilization: kpiValue('utilization', sums),
    shrinkage: kpiValue('shrinkage', sums),
    csat_responses: s.csat_responses,
    csat_top2_rate: kpiValue('csat_top2_rate', sums),
    csat_mean: null,
  };
}

export function emptyDailyMeasures(): DailyMeasures {
  return Object.fromEntries(dailyMeasureNames.map((n) => [n, null])) as DailyMeasures;
}

/** Ticket measures of /api/tickets. */
export type TicketSums = Sums<(typeof ticketSumColumns)[number]>;

export function ticketMeasures(s: TicketSums, backlog: number) {
  return {
    tickets_created: s.tickets_created,
    tickets_responded: s.tickets_responded,
    avg_first_response_seconds: kpiValue('avg_first_response_seconds', s),
    tickets_resolved: s.tickets_resolved,
    avg_resolution_seconds: kpiValue('avg_resolution_seconds', s),
    tickets_due: s.tickets_due,
    tickets_met_sla: s.tickets_met_sla,
    ticket_sla_rate: kpiValue('ticket_sla_rate', s),
    tickets_reopened: s.tickets_resolved_reopened,
    reopen_rate: kpiValue('reopen_rate', s),
    backlog,
  };
}

/** Bot measures of /api/bot. */
export type BotSums = Sums<(typeof botSumColumns)[number]>;

export function botMeasures(s: BotSums) {
  return {
    bot_sessions: s.bot_sessions,
    bot_contained: s.bot_contained,
    bot_containment_rate: kpiValue('bot_containment_rate', s),
    bot_verified_contained: s.bot_verified_contained,
    bot_verified_containment_rate: kpiValue('bot_verified_containment_rate', s),
    bot_escalated: s.bot_escalated,
    bot_escalation_rate: kpiValue('bot_escalation_rate', s),
    bot_fallback_turns: s.bot_fallback_turns,
    bot_user_turns: s.bot_user_turns,
    bot_fallback_rate: kpiValue('bot_fallback_rate', s),
  };
}

/** Journey measures of /api/journeys. */
export function journeyMeasures(s: { journeys: number; fcr_journeys: number; resolved_journeys: number }) {
  return {
    journeys: s.journeys,
    fcr_journeys: s.fcr_journeys,
    fcr_rate: kpiValue('fcr_rate', s),
    resolved_journeys: s.resolved_journeys,
    resolved_rate: ratio(s.resolved_journeys, s.journeys),
  };
}
