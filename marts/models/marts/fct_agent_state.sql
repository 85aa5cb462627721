-- One row per agent state interval, with the agent's queue that day.
-- columns:
--   agent_id: Agent.
--   state: logged_in, ready, not_ready, talking, acw or logged_out.
--   reason: Not-ready reason.
--   started_at: Start (local).
--   ended_at: End (local).
--   duration_seconds: Length of the state.
--   queue_id: The state's queue when logged, else the queue of most of the agent's answered legs that day, else 'none'.
-- tests:
--   not_null: agent_id, state, started_at, duration_seconds, queue_id
--   accepted_values: state = logged_in, ready, not_ready, talking, acw, logged_out
-- incremental: date
--   stg_agent_states: started_at::date
--   stg_acd_legs: answer_at::date
with states as (
    select * from stg_agent_states
),

agent_day_queue as (
    select agent_id, answer_at::date as date, mode(queue_id) as queue_id
    from stg_acd_legs where answer_at is not null and agent_id is not null
    group by all
)

select
    s.agent_id,
    s.state,
    s.reason,
    s.started_at,
    s.started_at_utc,
    s.ended_at,
    s.started_at::date as date,
    s.duration_seconds,
    coalesce(s.queue_id, q.queue_id, 'none') as queue_id
from states s
left join agent_day_queue q on q.agent_id = s.agent_id and q.date = s.started_at::date
-- in day order, as stg_agent_states: reading a few days skips the row groups of the others
order by date
