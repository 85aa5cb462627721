-- Agent state intervals from raw_agent_states. A state left open in the log is closed at the agent's
-- next state (or given zero length when it is the agent's last).
-- columns:
--   agent_id: Agent.
--   state: logged_in, ready, not_ready, talking, acw or logged_out.
--   reason: Reason of a not_ready state.
--   started_at: Start (local wall clock).
--   ended_at: End (local wall clock), closed as described above.
--   duration_seconds: ended_at − started_at.
-- tests:
--   not_null: agent_id, state, started_at, ended_at
--   unique: agent_id, started_at
-- incremental: started_at::date
--   raw_agent_states: start_at::date
--   raw_agent_states: with new_rows as (select agent, min(start_at) as first_new, max(start_at) as last_new from changed group by 1),
--       previous as (select s.agent, max(s.start_at) as previous_start from raw_agent_states s join new_rows n using (agent)
--                     where s.start_at < n.first_new group by 1)
--     select s.start_at::date from raw_agent_states s join new_rows n using (agent) left join previous p using (agent)
--     where s.end_at is null and s.start_at >= coalesce(p.previous_start, n.first_new) and s.start_at < n.last_new
--   raw_agent_states read: start_at >= (select min(key) from affected)
with source as (
    select * from raw_agent_states
),

closed as (
    select
        agent as agent_id,
        state,
        reason,
        queue as queue_id,
        start_at as started_at,
        start_at_utc as started_at_utc,
        coalesce(end_at, lead(start_at) over (partition by agent order by start_at), start_at) as ended_at
    from source
)

select *, epoch(ended_at) - epoch(started_at) as duration_seconds
from closed
-- in day order: an incremental build reads a few days of states, and DuckDB skips the row groups of other days
order by started_at::date
