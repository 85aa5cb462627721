-- One row per ticket, with response, resolution and SLA measures.
-- columns:
--   ticket_id: Ticket.
--   created_at: Creation (local).
--   first_response_seconds: First agent reply − created.
--   resolution_seconds: First resolution − created.
--   due_at: SLA due time.
--   met_sla: Resolved by its due time (NULL when it has no due time, or is open and not yet due).
--   reopened: Reopened at least once.
--   is_open: Status is not resolved, closed or cancelled.
-- tests:
--   unique: ticket_id
--   not_null: ticket_id, created_at, status
-- incremental: ticket_id
--   int_tickets: ticket_id
--   int_data_end: select ticket_id from fct_ticket where met_sla is null and due_at is not null
with tickets as (
    select * from int_tickets
),

data_end as (
    select ticket_last_event_at as last_at from int_data_end
)

select
    t.ticket_id,
    t.created_at,
    t.created_at::date as date,
    t.channel,
    t.customer_id,
    coalesce(t.queue_id, 'none') as queue_id,
    t.last_queue_id,
    t.agent_id,
    t.priority,
    t.contact_id,
    t.subject,
    t.status,
    t.first_response_at,
    epoch(t.first_response_at) - epoch(t.created_at) as first_response_seconds,
    t.resolved_at,
    epoch(t.resolved_at) - epoch(t.created_at) as resolution_seconds,
    t.closed_at,
    t.due_at,
    case when t.due_at is null then null
         when t.resolved_at is not null then t.resolved_at <= t.due_at
         when t.due_at < d.last_at then false end as met_sla,
    t.reopen_count,
    t.reopen_count > 0 as reopened,
    t.reassignments,
    t.status not in ('resolved', 'closed', 'cancelled') as is_open,
    t.events
from tickets t, data_end d
