-- One row per bot session: containment, escalation and fallback.
-- columns:
--   session_id: Bot session.
--   contained: Ended without a hand-off to an agent.
--   verified_contained: Contained, and the customer made no other touchpoint within the self-service window (24 h).
--   escalated: Handed to an agent queue.
--   fallback_turns: Turns the bot did not understand.
--   user_turns: Turns of the user.
-- tests:
--   unique: session_id
--   not_null: session_id, started_at
-- incremental: session_id
--   int_bot_sessions: session_id
--   fct_touchpoint: case when touchpoint_type = 'bot_session' then source_id end
with sessions as (
    select * from int_bot_sessions
),

touchpoints as (
    select source_id, is_self_service from fct_touchpoint where touchpoint_type = 'bot_session'
)

select
    s.session_id,
    s.customer_id,
    s.channel,
    s.started_at,
    s.started_at::date as date,
    s.ended_at,
    epoch(s.ended_at) - epoch(s.started_at) as duration_seconds,
    s.turns,
    s.user_turns,
    s.fallback_turns,
    not s.escalated as contained,
    t.is_self_service as verified_contained,
    s.escalated,
    coalesce(s.escalation_queue_id, 'none') as queue_id,
    s.escalated_contact_id,
    s.last_turn_fallback,
    s.last_intent
from sessions s
join touchpoints t on t.source_id = s.session_id
