-- Daily KPIs per agent: contacts handled, handle time, transfers, CSAT, and time by state with occupancy,
-- utilization and shrinkage by reason.
-- columns:
--   date: Local date.
--   agent_id: Agent.
--   answered: Contact legs the agent answered that day.
--   aht_seconds: Σ (talk + hold + after-call work) ÷ answered legs.
--   logged_in_seconds: Time in any state but logged_out.
--   ready_seconds: Time ready (available, idle).
--   handle_state_seconds: Time talking or in after-call work.
--   not_ready_seconds: Time not ready (any reason).
--   not_ready_by_reason: Seconds not ready per reason.
--   occupancy: handle ÷ (handle + ready).
--   utilization: handle ÷ logged-in.
--   shrinkage: (logged-in − ready − handle) ÷ logged-in.
-- tests:
--   unique: date, agent_id
--   not_null: date, agent_id
--   relationships: agent_id -> dim_agent.agent_id
-- incremental: date
--   stg_acd_legs: answer_at::date
--   fct_agent_state: date
with legs as (
    select * from stg_acd_legs where answer_at is not null and agent_id is not null
),

states as (
    select * from fct_agent_state where state <> 'logged_out'
),

contact_kpis as (
    select answer_at::date as date, agent_id,
        count(*) as answered,
        sum(coalesce(talk_seconds, 0) + hold_seconds + acw_seconds) as handle_seconds,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        count(*) filter (where transfer_to is not null) as transferred,
        count(csat) as csat_responses,
        count(*) filter (where csat >= 4) as csat_top2
    from legs group by all
),

reasons as (
    select date, agent_id, map_from_entries(list({'k': reason, 'v': seconds} order by reason)) as not_ready_by_reason
    from (select date, agent_id, coalesce(reason, '(none)') as reason, sum(duration_seconds) as seconds
          from states where state = 'not_ready' group by all)
    group by all
),

state_kpis as (
    select date, agent_id,
        sum(duration_seconds) as logged_in_seconds,
        coalesce(sum(duration_seconds) filter (where state = 'ready'), 0) as ready_seconds,
        coalesce(sum(duration_seconds) filter (where state in ('talking', 'acw')), 0) as handle_state_seconds,
        coalesce(sum(duration_seconds) filter (where state = 'not_ready'), 0) as not_ready_seconds
    from states group by all
),

joined as (
    select
        coalesce(c.date, s.date) as date,
        coalesce(c.agent_id, s.agent_id) as agent_id,
        coalesce(c.answered, 0) as answered,
        coalesce(c.handle_seconds, 0) as handle_seconds,
        coalesce(c.talk_seconds, 0) as talk_seconds,
        coalesce(c.hold_seconds, 0) as hold_seconds,
        coalesce(c.acw_seconds, 0) as acw_seconds,
        coalesce(c.transferred, 0) as transferred,
        coalesce(c.csat_responses, 0) as csat_responses,
        coalesce(c.csat_top2, 0) as csat_top2,
        coalesce(s.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(s.ready_seconds, 0) as ready_seconds,
        coalesce(s.handle_state_seconds, 0) as handle_state_seconds,
        coalesce(s.not_ready_seconds, 0) as not_ready_seconds
    from contact_kpis c
    full outer join state_kpis s on s.date = c.date and s.agent_id = c.agent_id
)

select
    j.*,
    r.not_ready_by_reason,
    kpi_aht_seconds(j.handle_seconds, j.answered) as aht_seconds,
    kpi_transfer_rate(j.transferred, j.answered) as transfer_rate,
    kpi_csat_top2_rate(j.csat_top2, j.csat_responses) as csat_top2_rate,
    kpi_occupancy(j.handle_state_seconds, j.ready_seconds) as occupancy,
    kpi_utilization(j.handle_state_seconds, j.logged_in_seconds) as utilization,
    kpi_shrinkage(j.logged_in_seconds, j.ready_seconds, j.handle_state_seconds) as shrinkage
from joined j
left join reasons r using (date, agent_id)
