-- Bot / voice-bot turns from raw_bot_turns, in order per session.
-- columns:
--   session_id: Bot session.
--   turn_seq: Turn number as logged.
--   turn_order: Order of the turn within the session (1 = first), by turn_seq then time.
--   speaker: user, bot, agent or system.
--   intent: Intent recognised for a user turn.
--   fallback: The bot did not understand the turn.
--   escalation_to: Queue the session was handed to at this turn.
-- tests:
--   unique: session_id, turn_seq
--   not_null: session_id, turn_seq, event_at, speaker
-- incremental: session_id
--   raw_bot_turns: session_id
with source as (
    select * from raw_bot_turns
)

select
    session_id,
    turn_seq,
    row_number() over (partition by session_id order by turn_seq, event_at) as turn_order,
    customer_id,
    channel,
    event_at,
    event_at_utc,
    speaker,
    text,
    intent,
    confidence,
    fallback,
    escalation_to,
    contact_id
from source
