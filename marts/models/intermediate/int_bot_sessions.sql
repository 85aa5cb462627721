-- One row per bot session: turns, fallbacks and whether (and where) it was handed to an agent.
-- columns:
--   session_id: Bot session.
--   user_turns: Turns spoken by the user.
--   fallback_turns: User or bot turns marked as not understood.
--   escalated: The session was handed to an agent queue.
--   escalation_queue_id: Queue it was handed to.
--   escalation_turn: Turn order of the hand-off.
--   escalated_at: Time of the hand-off (local).
--   last_turn_fallback: The last user turn was not understood.
-- tests:
--   unique: session_id
--   not_null: session_id, started_at
-- incremental: session_id
--   stg_bot_turns: session_id
with turns as (
    select * from stg_bot_turns
),

last_user as (
    select session_id, arg_max(fallback, turn_order) as last_turn_fallback, arg_max(intent, turn_order) as last_intent
    from turns where speaker = 'user'
    group by session_id
)

select
    t.session_id,
    any_value(t.customer_id) filter (where t.customer_id is not null) as customer_id,
    any_value(t.channel) as channel,
    min(t.event_at) as started_at,
    min(t.event_at_utc) as started_at_utc,
    max(t.event_at) as ended_at,
    max(t.event_at_utc) as ended_at_utc,
    count(*) as turns,
    count(*) filter (where t.speaker = 'user') as user_turns,
    count(*) filter (where t.fallback) as fallback_turns,
    bool_or(t.escalation_to is not null) as escalated,
    arg_min(t.escalation_to, t.turn_order) filter (where t.escalation_to is not null) as escalation_queue_id,
    min(t.turn_order) filter (where t.escalation_to is not null) as escalation_turn,
    min(t.event_at) filter (where t.escalation_to is not null) as escalated_at,
    arg_min(t.contact_id, t.turn_order) filter (where t.contact_id is not null) as escalated_contact_id,
    coalesce(any_value(u.last_turn_fallback), false) as last_turn_fallback,
    any_value(u.last_intent) as last_intent
from turns t
left join last_user u using (session_id)
group by t.session_id
