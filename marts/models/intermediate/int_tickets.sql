-- One row per ticket: creation, first agent response, resolution, reopens, reassignments and due time.
-- columns:
--   ticket_id: Ticket.
--   created_at: First event of the ticket.
--   first_response_at: First agent reply (or first move out of new/open by an agent when replies are not logged: NULL).
--   resolved_at: First time it reached resolved or closed.
--   last_resolved_at: Last time it reached resolved or closed.
--   reopen_count: Times it was reopened after resolution.
--   reassignments: Group changes after creation.
--   status: Status after its last event.
-- tests:
--   unique: ticket_id
--   not_null: ticket_id, created_at, status
-- incremental: ticket_id
--   stg_ticket_events: ticket_id
with events as (
    select * from stg_ticket_events
)

select
    ticket_id,
    min(event_at) as created_at,
    min(event_at_utc) as created_at_utc,
    arg_min(channel, event_seq) filter (where channel is not null) as channel,
    arg_max(customer_id, event_seq) filter (where customer_id is not null) as customer_id,
    arg_min(queue_id, event_seq) filter (where queue_id is not null) as queue_id,
    arg_max(queue_id, event_seq) filter (where queue_id is not null) as last_queue_id,
    arg_min(agent_id, event_seq) filter (where agent_id is not null) as agent_id,
    arg_max(priority, event_seq) filter (where priority is not null) as priority,
    arg_max(due_at, event_seq) filter (where due_at is not null) as due_at,
    arg_min(contact_id, event_seq) filter (where contact_id is not null) as contact_id,
    arg_min(subject, event_seq) filter (where subject is not null) as subject,
    min(event_at) filter (where event_type = 'agent_reply') as first_response_at,
    min(event_at) filter (where status in ('resolved', 'closed')) as resolved_at,
    max(event_at) filter (where status in ('resolved', 'closed')) as last_resolved_at,
    min(event_at) filter (where status = 'closed') as closed_at,
    count(*) filter (where is_reopen) as reopen_count,
    count(*) filter (where previous_queue_id is not null and queue_id is distinct from previous_queue_id) as reassignments,
    arg_max(status, event_seq) as status,
    max(event_at) as last_event_at,
    count(*) as events
from events
group by ticket_id
