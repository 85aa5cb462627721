-- Every customer interaction on any channel, before journey logic: ACD contacts, bot sessions and
-- tickets in one shape.
-- columns:
--   touchpoint_id: 'acd:<contact_id>', 'bot:<session_id>' or 'ticket:<ticket_id>'.
--   touchpoint_type: contact, bot_session or ticket.
-- tests:
--   unique: touchpoint_id
-- incremental: touchpoint_id
--   int_contacts: 'acd:' || contact_id
--   int_bot_sessions: 'bot:' || session_id
--   int_tickets: 'ticket:' || ticket_id
with contacts as (
    select * from int_contacts
),

bot as (
    select * from int_bot_sessions
),

tickets as (
    select * from int_tickets
)

select
    'acd:' || contact_id as touchpoint_id,
    'contact' as touchpoint_type,
    contact_id as source_id,
    channel,
    direction,
    customer_id,
    queue_id,
    agent_id,
    started_at,
    started_at_utc,
    ended_at,
    wait_seconds,
    talk_seconds,
    hold_seconds,
    acw_seconds,
    case when outcome = 'answered' then handle_seconds end as handle_seconds,
    csat,
    outcome,
    transferred,
    resolved_by_disposition,
    0 as reopen_count,
    null::varchar as linked_contact_id
from contacts

union all

select
    'bot:' || session_id,
    'bot_session',
    session_id,
    channel,
    'inbound',
    customer_id,
    escalation_queue_id,
    null,
    started_at,
    started_at_utc,
    ended_at,
    null, null, null, null, null, null,
    case when escalated then 'escalated' else 'self_service' end,
    false,
    null,
    0,
    escalated_contact_id
from bot

union all

select
    'ticket:' || ticket_id,
    'ticket',
    ticket_id,
    case when contact_id is not null then 'ticket' else coalesce(channel, 'ticket') end,
    'inbound',
    customer_id,
    queue_id,
    agent_id,
    created_at,
    created_at_utc,
    coalesce(last_resolved_at, last_event_at),
    null, null, null, null, null, null,
    case when status in ('resolved', 'closed') then 'resolved' when status = 'cancelled' then 'cancelled' else 'open' end,
    reassignments > 0,
    null,
    reopen_count,
    contact_id
from tickets
