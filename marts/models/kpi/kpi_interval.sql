-- Queue KPIs per queue and interval of arrival (ccmart_config.interval_minutes, default 30): the counts and
-- sums every rate is computed from, and the rates (metrics.md). Agent-state measures come from agents
-- attached to the queue (fct_agent_state.queue_id).
-- columns:
--   queue_id: Queue.
--   interval_start: Start of the interval (local wall clock).
--   date: Local date.
--   offered: Inbound contacts that entered the queue (outbound callbacks are not offered).
--   answered: Offered contacts connected to an agent.
--   abandoned: Offered contacts that ended before an answer.
--   short_abandons: Abandoned with a wait below short_abandon_seconds.
--   answered_within_threshold: Answered with wait ≤ T.
--   sl_threshold_seconds: The threshold T of the queue ("SL 20 s").
--   service_level: answered within T ÷ (answered + abandoned − short abandons).
--   asa_seconds: Σ wait of answered ÷ answered.
--   avg_time_to_abandon_seconds: Σ wait of abandoned ÷ abandoned.
--   abandon_rate: (abandoned − short) ÷ (offered − short).
--   answer_rate: answered ÷ offered (接通率).
--   handled: Answered contacts that ended.
--   aht_seconds: Σ (talk + hold + after-call work) ÷ handled.
--   transfer_rate: Answered contacts transferred ÷ answered.
--   csat_top2_rate: Survey answers 4–5 ÷ survey answers.
--   occupancy: Handling time ÷ (handling + ready time) of the queue's agents.
--   utilization: Handling time ÷ logged-in time.
--   shrinkage: (logged-in − ready − handling) ÷ logged-in time.
--   agents_logged_in: Average agents logged in during the interval.
-- tests:
--   unique: queue_id, interval_start
--   not_null: queue_id, interval_start, offered
--   relationships: queue_id -> dim_queue.queue_id
-- incremental: date
--   int_queue_offers: date
--   int_agent_intervals: date
with offers as (
    select * from int_queue_offers
),

agent_time as (
    select * from int_agent_intervals
),

cfg as (
    select * from ccmart_config
),

contact_kpis as (
    select
        queue_id,
        interval_start,
        count(*) as offered,
        count(*) filter (where answered) as answered,
        count(*) filter (where abandoned) as abandoned,
        count(*) filter (where short_abandon) as short_abandons,
        count(*) filter (where answered_within_threshold) as answered_within_threshold,
        any_value(sl_threshold_seconds) as sl_threshold_seconds,
        coalesce(sum(wait_seconds) filter (where answered), 0) as wait_answered_seconds,
        coalesce(sum(wait_seconds) filter (where abandoned), 0) as wait_abandoned_seconds,
        count(*) filter (where answered) as handled,
        coalesce(sum(handle_seconds) filter (where answered), 0) as handle_seconds,
        count(*) filter (where transferred) as transferred,
        count(csat) as csat_responses,
        count(*) filter (where csat >= 4) as csat_top2,
        coalesce(sum(csat), 0) as csat_sum
    from offers
    group by all
),

state_kpis as (
    select
        queue_id,
        interval_start,
        sum(seconds) as logged_in_seconds,
        coalesce(sum(seconds) filter (where state = 'ready'), 0) as ready_seconds,
        coalesce(sum(seconds) filter (where state in ('talking', 'acw')), 0) as state_handle_seconds,
        coalesce(sum(seconds) filter (where state = 'not_ready'), 0) as not_ready_seconds
    from agent_time
    group by all
),

joined as (
    select
        coalesce(c.queue_id, s.queue_id) as queue_id,
        coalesce(c.interval_start, s.interval_start) as interval_start,
        coalesce(c.offered, 0) as offered,
        coalesce(c.answered, 0) as answered,
        coalesce(c.abandoned, 0) as abandoned,
        coalesce(c.short_abandons, 0) as short_abandons,
        coalesce(c.answered_within_threshold, 0) as answered_within_threshold,
        coalesce(c.sl_threshold_seconds, q.sl_threshold_seconds) as sl_threshold_seconds,
        coalesce(c.wait_answered_seconds, 0) as wait_answered_seconds,
        coalesce(c.wait_abandoned_seconds, 0) as wait_abandoned_seconds,
        coalesce(c.handled, 0) as handled,
        coalesce(c.handle_seconds, 0) as handle_seconds,
        coalesce(c.transferred, 0) as transferred,
        coalesce(c.csat_responses, 0) as csat_responses,
        coalesce(c.csat_top2, 0) as csat_top2,
        coalesce(c.csat_sum, 0) as csat_sum,
        coalesce(s.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(s.ready_seconds, 0) as ready_seconds,
        coalesce(s.state_handle_seconds, 0) as state_handle_seconds,
        coalesce(s.not_ready_seconds, 0) as not_ready_seconds
    from contact_kpis c
    full outer join state_kpis s on s.queue_id = c.queue_id and s.interval_start = c.interval_start
    left join dim_queue q on q.queue_id = coalesce(c.queue_id, s.queue_id)
)

select
    j.queue_id,
    j.interval_start,
    j.interval_start::date as date,
    cfg.interval_minutes,
    j.* exclude (queue_id, interval_start),
    kpi_service_level(j.answered_within_threshold, j.answered, j.abandoned, j.short_abandons) as service_level,
    kpi_asa_seconds(j.wait_answered_seconds, j.answered) as asa_seconds,
    kpi_avg_time_to_abandon_seconds(j.wait_abandoned_seconds, j.abandoned) as avg_time_to_abandon_seconds,
    kpi_abandon_rate(j.abandoned, j.short_abandons, j.offered) as abandon_rate,
    kpi_answer_rate(j.answered, j.offered) as answer_rate,
    kpi_aht_seconds(j.handle_seconds, j.handled) as aht_seconds,
    kpi_transfer_rate(j.transferred, j.answered) as transfer_rate,
    kpi_csat_top2_rate(j.csat_top2, j.csat_responses) as csat_top2_rate,
    kpi_csat_mean(j.csat_sum, j.csat_responses) as csat_mean,
    kpi_occupancy(j.state_handle_seconds, j.ready_seconds) as occupancy,
    kpi_utilization(j.state_handle_seconds, j.logged_in_seconds) as utilization,
    kpi_shrinkage(j.logged_in_seconds, j.ready_seconds, j.state_handle_seconds) as shrinkage,
    j.logged_in_seconds / (cfg.interval_minutes * 60.0) as agents_logged_in
from joined j, cfg
