/**
 * Every KPI rate, defined once (formulas from docs/metrics.md): a ratio of sums of additive measures. The SQL
 * marts call the DuckDB macros generated from these definitions (`kpi_service_level(…)`, created by
 * `ccmart build` and kept in the database for analysts), and the API evaluates the same definitions on summed
 * rows with `kpiValue`, so a rate over many days or queues is always Σ numerator ÷ Σ denominator.
 */

/** A linear combination of additive measures: measure → coefficient. */
export type Terms = Readonly<Record<string, number>>;

export interface KpiRatio {
  name: string;
  description: string;
  numerator: Terms;
  denominator: Terms;
}

const kpi = (name: string, description: string, numerator: Terms, denominator: Terms): KpiRatio => ({ name, description, numerator, denominator });

export const kpiRatios = [
  kpi('service_level', 'answered within T ÷ (answered + abandoned − short abandons)', { answered_within_threshold: 1 }, { answered: 1, abandoned: 1, short_abandons: -1 }),
  kpi('asa_seconds', 'Σ wait of answered ÷ answered', { wait_answered_seconds: 1 }, { answered: 1 }),
  kpi('avg_time_to_abandon_seconds', 'Σ wait of abandoned ÷ abandoned', { wait_abandoned_seconds: 1 }, { abandoned: 1 }),
  kpi('abandon_rate', '(abandoned − short) ÷ (offered − short)', { abandoned: 1, short_abandons: -1 }, { offered: 1, short_abandons: -1 }),
  kpi('answer_rate', 'answered ÷ offered', { answered: 1 }, { offered: 1 }),
  kpi('aht_seconds', 'Σ (talk + hold + after-call work) ÷ handled', { handle_seconds: 1 }, { handled: 1 }),
  kpi('transfer_rate', 'answered contacts transferred ÷ answered', { transferred: 1 }, { answered: 1 }),
  kpi('csat_top2_rate', 'survey answers 4–5 ÷ survey answers', { csat_top2: 1 }, { csat_responses: 1 }),
  kpi('csat_mean', 'mean survey score', { csat_sum: 1 }, { csat_responses: 1 }),
  kpi('occupancy', 'handling ÷ (handling + ready time)', { state_handle_seconds: 1 }, { state_handle_seconds: 1, ready_seconds: 1 }),
  kpi('utilization', 'handling ÷ logged-in time', { state_handle_seconds: 1 }, { logged_in_seconds: 1 }),
  kpi('shrinkage', '(logged-in − ready − handling) ÷ logged-in time', { logged_in_seconds: 1, ready_seconds: -1, state_handle_seconds: -1 }, { logged_in_seconds: 1 }),
  kpi('self_service_rate', 'self-service touchpoints ÷ inbound touchpoints', { self_service_touchpoints: 1 }, { inbound_touchpoints: 1 }),
  kpi('fcr_rate', 'journeys resolved by their first touchpoint ÷ journeys', { fcr_journeys: 1 }, { journeys: 1 }),
  kpi('bot_containment_rate', 'bot sessions without hand-off ÷ bot sessions', { bot_contained: 1 }, { bot_sessions: 1 }),
  kpi('bot_verified_containment_rate', 'contained with no repeat within 24 h ÷ bot sessions', { bot_verified_contained: 1 }, { bot_sessions: 1 }),
  kpi('bot_escalation_rate', 'bot sessions handed to an agent ÷ bot sessions', { bot_escalated: 1 }, { bot_sessions: 1 }),
  kpi('bot_fallback_rate', 'fallback turns ÷ user turns', { bot_fallback_turns: 1 }, { bot_user_turns: 1 }),
  kpi('avg_first_response_seconds', 'mean first agent response time of tickets', { first_response_seconds_sum: 1 }, { tickets_responded: 1 }),
  kpi('avg_resolution_seconds', 'mean resolution time of resolved tickets', { resolution_seconds_sum: 1 }, { tickets_resolved: 1 }),
  kpi('ticket_sla_rate', 'tickets resolved by their due time ÷ tickets due', { tickets_met_sla: 1 }, { tickets_due: 1 }),
  kpi('reopen_rate', 'resolved tickets reopened at least once ÷ tickets resolved', { tickets_resolved_reopened: 1 }, { tickets_resolved: 1 }),
] as const satisfies readonly KpiRatio[];

export type KpiName = (typeof kpiRatios)[number]['name'];

const byName = new Map<string, KpiRatio>(kpiRatios.map((k) => [k.name, k]));

export function kpiRatio(name: KpiName): KpiRatio {
  return byName.get(name)!;
}

export function isKpiName(name: string): name is KpiName {
  return byName.has(name);
}

/** Measures a KPI reads, in the order of its macro's parameters (numerator's first). */
export function kpiInputs(k: KpiRatio): string[] {
  return [...new Set([...Object.keys(k.numerator), ...Object.keys(k.denominator)])];
}

/** Each KPI's terms as flat arrays, so evaluating one per row of an answer allocates nothing. */
interface Compiled {
  numerator: [string, number][];
  denominator: [string, number][];
}
const compiled = new Map<string, Compiled>(kpiRatios.map((k) => [k.name, { numerator: Object.entries(k.numerator), denominator: Object.entries(k.denominator) }]));

function combine(name: string, terms: [string, number][], sums: Record<string, unknown>): number {
  let total = 0;
  for (const [m, c] of terms) {
    const v = sums[m];
    if (typeof v !== 'number') throw new Error(`kpi ${name}: measure ${m} missing`);
    total += c * v;
  }
  return total;
}

/** The KPI from summed measures; null when its denominator is 0 (as `nullif(…, 0)` in SQL). */
export function kpiValue(name: KpiName, sums: object): number | null {
  const k = compiled.get(name)!;
  const den = combine(name, k.denominator, sums as Record<string, unknown>);
  return den === 0 || !Number.isFinite(den) ? null : combine(name, k.numerator, sums as Record<string, unknown>) / den;
}

function sqlTerms(terms: Terms): string {
  return Object.entries(terms)
    .map(([m, c], i) => `${c < 0 ? (i === 0 ? '-' : ' - ') : i === 0 ? '' : ' + '}${Math.abs(c) === 1 ? '' : `${Math.abs(c)} * `}${m}`)
    .join('');
}

/** `CREATE OR REPLACE MACRO schema.kpi_<name>(inputs…)` for every KPI. */
export function kpiMacrosSql(schema: string): string[] {
  return kpiRatios.map(
    (k) => `CREATE OR REPLACE MACRO ${schema}.kpi_${k.name}(${kpiInputs(k).join(', ')}) AS (${sqlTerms(k.numerator)})::DOUBLE / nullif(${sqlTerms(k.denominator)}, 0)`,
  );
}
