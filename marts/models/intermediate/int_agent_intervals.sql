-- Agent state time cut at interval boundaries (ccmart_config.interval_minutes): seconds per agent, queue,
-- interval and state, so occupancy and observed staffing can be read per interval.
-- columns:
--   interval_start: Interval (local).
--   seconds: Seconds of the state inside the interval.
-- tests:
--   not_null: agent_id, interval_start, state, seconds
-- incremental: date
--   fct_agent_state: started_at::date .. ended_at::date
--   fct_agent_state read: started_at < (select max(key) from affected) + 1 and ended_at >= (select min(key) from affected)
with states as (
    select * from fct_agent_state where state <> 'logged_out' and duration_seconds > 0
),

cfg as (
    select * from ccmart_config
),

pieces as (
    select
        s.agent_id, s.queue_id, s.state, s.reason, s.started_at, s.ended_at,
        unnest(generate_series(
            time_bucket(to_minutes(cfg.interval_minutes::integer), s.started_at),
            s.ended_at - to_microseconds(1),
            to_minutes(cfg.interval_minutes::integer))) as interval_start,
        cfg.interval_minutes
    from states s, cfg
)

select
    agent_id,
    queue_id,
    state,
    reason,
    interval_start,
    interval_start::date as date,
    epoch(least(ended_at, interval_start + to_minutes(interval_minutes::integer))) - epoch(greatest(started_at, interval_start)) as seconds
from pieces
-- in day order: reading a few days skips the row groups of the others
order by date
