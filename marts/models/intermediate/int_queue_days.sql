-- Queues seen per day and where they were seen, the base of dim_queue: a day's new logs change only that
-- day's rows.
-- columns:
--   date: Day the queue was seen (local).
--   queue_id: Queue identifier as the sources name it.
--   seen_in: contact (a contact's queue), transfer (a contact's transfer target), ticket (a ticket's group),
--     bot_escalation (a bot hand-off target) or agent_state (an agent state's queue).
-- tests:
--   unique: date, queue_id, seen_in
--   not_null: date, queue_id, seen_in
--   accepted_values: seen_in = contact, transfer, ticket, bot_escalation, agent_state
-- incremental: date
--   raw_acd_contacts: arrival_at::date
--   raw_agent_states: start_at::date
--   raw_ticket_events: event_at::date
--   raw_bot_turns: event_at::date
select distinct date, queue_id, seen_in
from (
    select arrival_at::date as date, queue as queue_id, 'contact' as seen_in from raw_acd_contacts where queue is not null
    union all select arrival_at::date, transfer_to, 'transfer' from raw_acd_contacts where transfer_to is not null
    union all select event_at::date, group_name, 'ticket' from raw_ticket_events where group_name is not null
    union all select event_at::date, escalation_to, 'bot_escalation' from raw_bot_turns where escalation_to is not null
    union all select start_at::date, queue, 'agent_state' from raw_agent_states where queue is not null
)
