-- Ticket events from raw_ticket_events, in order per ticket, with the previous status and group.
-- columns:
--   ticket_id: Ticket.
--   event_seq: Order of the event within its ticket (1 = first).
--   event_at: When it happened (local wall clock).
--   event_type: created, status_change, agent_reply, customer_reply, assignment or update.
--   status: Status after the event.
--   previous_status: Status before the event.
--   queue_id: Group the ticket is assigned to (the ticket's queue).
--   is_reopen: The event reopened a resolved or closed ticket.
-- tests:
--   unique: ticket_id, event_seq
--   not_null: ticket_id, event_at, status
-- incremental: ticket_id
--   raw_ticket_events: ticket_id
with source as (
    select * from raw_ticket_events
),

ordered as (
    select
        ticket_id,
        row_number() over (partition by ticket_id order by event_at, _ingest_id, _line) as event_seq,
        event_at,
        event_at_utc,
        event_type,
        status,
        channel,
        customer_id,
        group_name as queue_id,
        assignee as agent_id,
        priority,
        due_at,
        contact_id,
        subject
    from source
)

select
    *,
    lag(status) over (partition by ticket_id order by event_seq) as previous_status,
    lag(queue_id) over (partition by ticket_id order by event_seq) as previous_queue_id,
    coalesce(status = 'reopened'
        or (lag(status) over (partition by ticket_id order by event_seq) in ('resolved', 'closed')
            and status in ('open', 'new', 'pending', 'on_hold')), false) as is_reopen
from ordered
