-- Where the data ends, one row: flags that depend on it (complete journeys, SLA breaches and SLA results of
-- open tickets, the ticket backlog) are final only once the data reaches past them. Kept apart so that a
-- build that adds a day knows which rows such flags can change.
-- columns:
--   touchpoint_last_start: Latest start of any touchpoint (local).
--   touchpoint_last_end: Latest end of any touchpoint, or its start when it has no end (local).
--   ticket_last_event_at: Latest ticket event (local).
with touchpoints as (
    select * from int_touchpoints
),

tickets as (
    select * from int_tickets
)

select
    (select max(started_at) from touchpoints) as touchpoint_last_start,
    (select max(coalesce(ended_at, started_at)) from touchpoints) as touchpoint_last_end,
    (select max(last_event_at) from tickets) as ticket_last_event_at
