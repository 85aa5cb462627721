-- Per day, queue and channel: the sums kpi_daily takes from queue offers, touchpoints, journeys, bot sessions
-- and agent states. New logs change only the days they reach (a journey counts on the day its first touchpoint
-- started), so an incremental build rewrites a few of these rows; the ticket measures, which reach back to every
-- day a ticket was open, are kpi_daily's own.
-- columns:
--   date: Local date.
--   queue_id: Queue ('none' for touchpoints without one).
--   channel: Channel.
--   offered: Inbound contacts that entered the queue.
--   answered: Of those, answered by an agent.
--   abandoned: Of those, abandoned in the queue.
--   short_abandons: Abandoned with a wait below ccmart_config.short_abandon_seconds.
--   answered_within_threshold: Answered within the queue's service-level threshold.
--   sl_threshold_seconds: The queue's service-level threshold T (NULL on a row without offers).
--   wait_answered_seconds: Queue wait of the answered contacts.
--   wait_abandoned_seconds: Queue wait of the abandoned contacts.
--   handled: Answered contacts (AHT's denominator).
--   handle_seconds: Talk + hold + after-call work of the answered contacts.
--   transferred: Offered contacts that were transferred.
--   touchpoints: Touchpoints started that day.
--   inbound_touchpoints: Inbound touchpoints.
--   self_service_touchpoints: Inbound touchpoints ended in IVR/bot with no agent and no further touchpoint within 24 h.
--   ivr_abandons: Touchpoints abandoned in the IVR.
--   unidentified_touchpoints: Touchpoints without a customer.
--   csat_responses: Touchpoints with a survey score.
--   csat_top2: Scores of 4 or 5.
--   csat_sum: Sum of the scores.
--   journeys: Journeys whose first touchpoint started that day here.
--   fcr_journeys: Of those, resolved by their first touchpoint.
--   resolved_journeys: Of those, resolved.
--   bot_sessions: Bot sessions (queue = hand-off queue or 'none').
--   bot_contained: Sessions ended without a hand-off.
--   bot_verified_contained: Contained sessions after which the customer made no other touchpoint within 24 h.
--   bot_escalated: Sessions handed to an agent.
--   bot_fallback_turns: Fallback turns.
--   bot_user_turns: User turns.
--   logged_in_seconds: Agent state time other than logged_out, on the queue's channels.
--   ready_seconds: Agent time ready.
--   state_handle_seconds: Agent time talking or in after-call work.
--   not_ready_seconds: Agent time not ready.
-- tests:
--   unique: date, queue_id, channel
--   not_null: date, queue_id, channel
-- incremental: date, queue_id, channel
--   int_queue_offers: date, queue_id, channel
--   fct_touchpoint: date, queue_id, channel
--   fct_journey: started_at::date, first_queue_id, first_channel
--   fct_bot_session: date, queue_id, channel
--   fct_agent_state: select s.date, s.queue_id, c.channel from changed s join int_queue_channels c using (queue_id)
--   fct_agent_state read: (date, queue_id) in (select key1, key2 from affected)
with offers as (
    select * from int_queue_offers
),

queue_channel as (
    select queue_id, channel from int_queue_channels
),

contact_kpis as (
    select
        date, queue_id, channel,
        count(*) as offered,
        count(*) filter (where answered) as answered,
        count(*) filter (where abandoned) as abandoned,
        count(*) filter (where short_abandon) as short_abandons,
        count(*) filter (where answered_within_threshold) as answered_within_threshold,
        any_value(sl_threshold_seconds) as sl_threshold_seconds,
        coalesce(sum(wait_seconds) filter (where answered), 0) as wait_answered_seconds,
        coalesce(sum(wait_seconds) filter (where abandoned), 0) as wait_abandoned_seconds,
        count(*) filter (where answered) as handled,
        coalesce(sum(handle_seconds) filter (where answered), 0) as handle_seconds,
        count(*) filter (where transferred) as transferred
    from offers
    group by all
),

touchpoint_kpis as (
    select
        date, queue_id, channel,
        count(*) as touchpoints,
        count(*) filter (where direction = 'inbound') as inbound_touchpoints,
        count(*) filter (where is_self_service) as self_service_touchpoints,
        count(*) filter (where outcome = 'ivr_abandon') as ivr_abandons,
        count(*) filter (where customer_id is null) as unidentified_touchpoints,
        count(csat) as csat_responses,
        count(*) filter (where csat >= 4) as csat_top2,
        coalesce(sum(csat), 0) as csat_sum
    from fct_touchpoint
    group by all
),

journey_kpis as (
    select started_at::date as date, first_queue_id as queue_id, first_channel as channel,
        count(*) as journeys,
        count(*) filter (where first_contact_resolution) as fcr_journeys,
        count(*) filter (where resolved) as resolved_journeys
    from fct_journey
    group by all
),

bot_kpis as (
    select date, queue_id, channel,
        count(*) as bot_sessions,
        count(*) filter (where contained) as bot_contained,
        count(*) filter (where verified_contained) as bot_verified_contained,
        count(*) filter (where escalated) as bot_escalated,
        sum(fallback_turns) as bot_fallback_turns,
        sum(user_turns) as bot_user_turns
    from fct_bot_session
    group by all
),

state_kpis as (
    select s.date, s.queue_id, qc.channel,
        sum(s.duration_seconds) filter (where s.state <> 'logged_out') as logged_in_seconds,
        coalesce(sum(s.duration_seconds) filter (where s.state = 'ready'), 0) as ready_seconds,
        coalesce(sum(s.duration_seconds) filter (where s.state in ('talking', 'acw')), 0) as state_handle_seconds,
        coalesce(sum(s.duration_seconds) filter (where s.state = 'not_ready'), 0) as not_ready_seconds
    from fct_agent_state s
    join queue_channel qc using (queue_id)
    group by all
),

keys as (
    select date, queue_id, channel from contact_kpis
    union select date, queue_id, channel from touchpoint_kpis
    union select date, queue_id, channel from journey_kpis
    union select date, queue_id, channel from bot_kpis
    union select date, queue_id, channel from state_kpis
)

select
    k.date, k.queue_id, k.channel,
    coalesce(c.offered, 0) as offered,
    coalesce(c.answered, 0) as answered,
    coalesce(c.abandoned, 0) as abandoned,
    coalesce(c.short_abandons, 0) as short_abandons,
    coalesce(c.answered_within_threshold, 0) as answered_within_threshold,
    c.sl_threshold_seconds,
    coalesce(c.wait_answered_seconds, 0) as wait_answered_seconds,
    coalesce(c.wait_abandoned_seconds, 0) as wait_abandoned_seconds,
    coalesce(c.handled, 0) as handled,
    coalesce(c.handle_seconds, 0) as handle_seconds,
    coalesce(c.transferred, 0) as transferred,
    coalesce(t.touchpoints, 0) as touchpoints,
    coalesce(t.inbound_touchpoints, 0) as inbound_touchpoints,
    coalesce(t.self_service_touchpoints, 0) as self_service_touchpoints,
    coalesce(t.ivr_abandons, 0) as ivr_abandons,
    coalesce(t.unidentified_touchpoints, 0) as unidentified_touchpoints,
    coalesce(t.csat_responses, 0) as csat_responses,
    coalesce(t.csat_top2, 0) as csat_top2,
    coalesce(t.csat_sum, 0) as csat_sum,
    coalesce(j.journeys, 0) as journeys,
    coalesce(j.fcr_journeys, 0) as fcr_journeys,
    coalesce(j.resolved_journeys, 0) as resolved_journeys,
    coalesce(b.bot_sessions, 0) as bot_sessions,
    coalesce(b.bot_contained, 0) as bot_contained,
    coalesce(b.bot_verified_contained, 0) as bot_verified_contained,
    coalesce(b.bot_escalated, 0) as bot_escalated,
    coalesce(b.bot_fallback_turns, 0) as bot_fallback_turns,
    coalesce(b.bot_user_turns, 0) as bot_user_turns,
    coalesce(s.logged_in_seconds, 0) as logged_in_seconds,
    coalesce(s.ready_seconds, 0) as ready_seconds,
    coalesce(s.state_handle_seconds, 0) as state_handle_seconds,
    coalesce(s.not_ready_seconds, 0) as not_ready_seconds
from keys k
left join contact_kpis c using (date, queue_id, channel)
left join touchpoint_kpis t using (date, queue_id, channel)
left join journey_kpis j using (date, queue_id, channel)
left join bot_kpis b using (date, queue_id, channel)
left join state_kpis s using (date, queue_id, channel)
