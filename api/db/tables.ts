/**
 * The tables the API reads, column by column (from the headers of marts/models/**.sql and the workforce
 * tables), as one runtime description. The Kysely `Database` type is derived from it, and a test checks it
 * against a real build, so the types cannot drift from the marts silently.
 *
 * Column kinds: text, date ('YYYY-MM-DD'), timestamp ('YYYY-MM-DD HH:MM:SS'), int, num, bool, map
 * (seconds by key); a trailing '?' marks a column that may be NULL.
 */

type Kind = 'text' | 'date' | 'timestamp' | 'int' | 'num' | 'bool' | 'map';
type Spec = Kind | `${Kind}?`;

type KindType<K extends Kind> = K extends 'int' | 'num' ? number : K extends 'bool' ? boolean : K extends 'map' ? Record<string, number> : string;
type ColumnType<S> = S extends `${infer K extends Kind}?` ? KindType<K> | null : S extends Kind ? KindType<S> : never;

const sums = {
  offered: 'int',
  answered: 'int',
  abandoned: 'int',
  short_abandons: 'int',
  answered_within_threshold: 'int',
  sl_threshold_seconds: 'int?',
  wait_answered_seconds: 'num',
  wait_abandoned_seconds: 'num',
  handled: 'int',
  handle_seconds: 'num',
  transferred: 'int',
  csat_responses: 'int',
  csat_top2: 'int',
  csat_sum: 'num',
  logged_in_seconds: 'num',
  ready_seconds: 'num',
  state_handle_seconds: 'num',
  not_ready_seconds: 'num',
} as const satisfies Record<string, Spec>;

const queueRates = {
  service_level: 'num?',
  asa_seconds: 'num?',
  avg_time_to_abandon_seconds: 'num?',
  abandon_rate: 'num?',
  answer_rate: 'num?',
  aht_seconds: 'num?',
  transfer_rate: 'num?',
  csat_top2_rate: 'num?',
  csat_mean: 'num?',
  occupancy: 'num?',
  utilization: 'num?',
  shrinkage: 'num?',
} as const satisfies Record<string, Spec>;

export const tables = {
  kpi_interval: {
    queue_id: 'text',
    interval_start: 'timestamp',
    date: 'date',
    interval_minutes: 'int',
    ...sums,
    ...queueRates,
    agents_logged_in: 'num?',
  },
  kpi_daily: {
    date: 'date',
    queue_id: 'text',
    channel: 'text',
    ...sums,
    touchpoints: 'int',
    inbound_touchpoints: 'int',
    self_service_touchpoints: 'int',
    ivr_abandons: 'int',
    unidentified_touchpoints: 'int',
    journeys: 'int',
    fcr_journeys: 'int',
    resolved_journeys: 'int',
    bot_sessions: 'int',
    bot_contained: 'int',
    bot_verified_contained: 'int',
    bot_escalated: 'int',
    bot_fallback_turns: 'int',
    bot_user_turns: 'int',
    tickets_created: 'int',
    tickets_responded: 'int',
    first_response_seconds_sum: 'num',
    tickets_resolved: 'int',
    resolution_seconds_sum: 'num',
    tickets_resolved_reopened: 'int',
    tickets_due: 'int',
    tickets_met_sla: 'int',
    backlog: 'int',
    ...queueRates,
    self_service_rate: 'num?',
    fcr_rate: 'num?',
    bot_containment_rate: 'num?',
    bot_verified_containment_rate: 'num?',
    bot_escalation_rate: 'num?',
    bot_fallback_rate: 'num?',
    avg_first_response_seconds: 'num?',
    avg_resolution_seconds: 'num?',
    ticket_sla_rate: 'num?',
    reopen_rate: 'num?',
  },
  kpi_agent_daily: {
    date: 'date',
    agent_id: 'text',
    answered: 'int',
    handle_seconds: 'num',
    talk_seconds: 'num',
    hold_seconds: 'num',
    acw_seconds: 'num',
    transferred: 'int',
    csat_responses: 'int',
    csat_top2: 'int',
    logged_in_seconds: 'num',
    ready_seconds: 'num',
    handle_state_seconds: 'num',
    not_ready_seconds: 'num',
    not_ready_by_reason: 'map?',
    aht_seconds: 'num?',
    transfer_rate: 'num?',
    csat_top2_rate: 'num?',
    occupancy: 'num?',
    utilization: 'num?',
    shrinkage: 'num?',
  },
  kpi_breakpoint_daily: {
    date: 'date',
    queue_id: 'text',
    channel: 'text',
    breakpoint_type: 'text',
    node_key: 'text',
    breakpoints: 'int',
    short_abandons: 'int',
    recovered: 'int',
    recovery_known: 'int',
    recovery_rate: 'num?',
    recovery_seconds_sum: 'num',
    avg_recovery_seconds: 'num?',
  },
  kpi_node_flow: {
    date: 'date',
    queue_id: 'text',
    channel: 'text',
    from_node: 'text',
    to_node: 'text',
    touchpoints: 'int',
  },
  dim_queue: {
    queue_id: 'text',
    queue_name: 'text',
    queue_name_en: 'text',
    channel: 'text?',
    in_catalog: 'bool',
    sl_threshold_seconds: 'int',
    sl_target: 'num?',
    abandon_target: 'num?',
    asa_target_seconds: 'num?',
  },
  dim_channel: {
    channel: 'text',
    channel_name: 'text',
    channel_name_zh: 'text',
    is_realtime: 'bool',
  },
  dim_agent: {
    agent_id: 'text',
    first_seen_at: 'timestamp?',
    last_seen_at: 'timestamp?',
    contacts_answered: 'int',
    primary_queue_id: 'text?',
  },
  seed_kpi_targets: {
    metric: 'text',
    target: 'num',
    direction: 'text',
    unit: 'text?',
    description: 'text?',
  },
  mart_catalog: {
    table_name: 'text',
    layer: 'text',
    table_description: 'text?',
    column_name: 'text',
    column_type: 'text',
    column_description: 'text?',
    ordinal: 'int',
  },
  build_history: {
    schema_name: 'text',
    finished_at: 'timestamp',
    seconds: 'num',
    models: 'int',
    rows: 'int',
    tests: 'int',
    tests_failed: 'int',
    status: 'text',
  },
  ccmart_config: {
    timezone: 'text',
    sl_threshold_seconds: 'num',
    short_abandon_seconds: 'num',
    journey_window_days: 'num',
    self_service_window_hours: 'num',
    interval_minutes: 'int',
  },
  fct_forecast: {
    queue_id: 'text',
    interval_start: 'timestamp',
    date: 'date',
    interval_minutes: 'int',
    volume_forecast: 'num',
    volume_lower: 'num?',
    volume_upper: 'num?',
    aht_forecast_seconds: 'num?',
    model: 'text?',
    backtest_wape: 'num?',
    backtest_mase: 'num?',
  },
  fct_staffing: {
    queue_id: 'text',
    interval_start: 'timestamp',
    date: 'date',
    calls: 'num',
    aht_seconds: 'num',
    erlangs: 'num',
    agents_erlang_c: 'int',
    agents_erlang_a: 'int',
    fte: 'num',
    service_level_expected: 'num?',
    asa_expected_seconds: 'num?',
    abandon_expected: 'num?',
    occupancy_expected: 'num?',
    shrinkage: 'num',
    sl_target: 'num',
    sl_seconds: 'num',
    patience_seconds: 'num?',
  },
  fct_coverage: {
    queue_id: 'text',
    interval_start: 'timestamp',
    required: 'num',
    scheduled: 'num',
    gap: 'num',
    service_level_erlang_c: 'num?',
    service_level_erlang_a: 'num?',
  },
  'information_schema.tables': {
    table_catalog: 'text',
    table_schema: 'text',
    table_name: 'text',
    table_type: 'text',
  },
} as const satisfies Record<string, Record<string, Spec>>;

export type TableName = keyof typeof tables;

/** Tables that later features add (forecasting, scheduling); endpoints reading them check they exist. */
export const optionalTables = ['fct_forecast', 'fct_staffing', 'fct_coverage'] as const satisfies readonly TableName[];
export type OptionalTable = (typeof optionalTables)[number];

export type Database = {
  -readonly [T in TableName]: { -readonly [C in keyof (typeof tables)[T]]: ColumnType<(typeof tables)[T][C]> };
};

/** Whether a DuckDB type (information_schema data_type) stores a column of this kind. */
export function kindMatches(spec: Spec, duckdbType: string): boolean {
  const kind = spec.replace('?', '') as Kind;
  const t = duckdbType.toUpperCase();
  const integer = /^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT)$/.test(t);
  switch (kind) {
    case 'int':
      return integer;
    case 'num':
      return integer || /^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(t);
    case 'text':
      return t === 'VARCHAR';
    case 'date':
      return t === 'DATE';
    case 'timestamp':
      return t === 'TIMESTAMP';
    case 'bool':
      return t === 'BOOLEAN';
    case 'map':
      return t.startsWith('MAP(');
  }
}
