-- Daily KPIs per queue and channel: queue measures (as kpi_interval, summed over the day), journeys and
-- first-contact resolution (attributed to the journey's first touchpoint), self-service, bot containment,
-- CSAT, tickets (response, resolution, SLA, reopens, backlog) and agent-state measures. Counts and sums are
-- kept beside each rate so any roll-up recomputes rates from sums. The contact, touchpoint, journey, bot and
-- agent-state sums come from int_daily_activity; the ticket measures are counted here from fct_ticket (a
-- ticket is in the backlog of every day it is open, so new ticket events reach back to old days). Rebuilt
-- whole in every build: a few thousand rows from two small inputs.
-- columns:
--   date: Local date.
--   queue_id: Queue ('none' for touchpoints without one: IVR self-service, contained bot sessions).
--   channel: Channel.
--   offered: Inbound contacts that entered the queue (outbound callbacks are not offered).
--   service_level: answered within T ÷ (answered + abandoned − short abandons).
--   touchpoints: Touchpoints started that day.
--   inbound_touchpoints: Inbound touchpoints.
--   self_service_touchpoints: Inbound touchpoints ended in IVR/bot with no agent and no further touchpoint within 24 h.
--   self_service_rate: self_service_touchpoints ÷ inbound_touchpoints (自助服务率).
--   unidentified_touchpoints: Touchpoints without a customer (excluded from journeys and FCR).
--   journeys: Journeys whose first touchpoint started that day here.
--   fcr_journeys: Of those, resolved by their first touchpoint.
--   fcr_rate: fcr_journeys ÷ journeys.
--   bot_sessions: Bot sessions (queue = hand-off queue or 'none').
--   bot_containment_rate: Sessions without a hand-off ÷ sessions.
--   bot_escalation_rate: Sessions handed to an agent ÷ sessions.
--   bot_fallback_rate: Fallback turns ÷ user turns.
--   tickets_created: Tickets created.
--   avg_first_response_seconds: Mean first agent response time of tickets created that day.
--   tickets_resolved: Tickets first resolved that day.
--   avg_resolution_seconds: Mean resolution time of tickets resolved that day.
--   tickets_due: Tickets due that day.
--   tickets_met_sla: Of those, resolved by their due time.
--   ticket_sla_rate: tickets_met_sla ÷ tickets_due.
--   reopen_rate: Tickets resolved that day that were reopened at least once ÷ tickets resolved that day.
--   backlog: Tickets open at the end of the day.
-- tests:
--   unique: date, queue_id, channel
--   not_null: date, queue_id, channel
--   relationships: queue_id -> dim_queue.queue_id
--   relationships: channel -> dim_channel.channel
with activity as (
    select * from int_daily_activity
),

tickets as (
    select *, coalesce(channel, 'ticket') as ticket_channel from fct_ticket
),

ticket_created as (
    select date, queue_id, ticket_channel as channel,
        count(*) as tickets_created,
        count(first_response_seconds) as tickets_responded,
        coalesce(sum(first_response_seconds), 0) as first_response_seconds_sum
    from tickets group by all
),

ticket_resolved as (
    select resolved_at::date as date, queue_id, ticket_channel as channel,
        count(*) as tickets_resolved,
        sum(resolution_seconds) as resolution_seconds_sum,
        count(*) filter (where reopened) as tickets_resolved_reopened
    from tickets where resolved_at is not null group by all
),

ticket_due as (
    select due_at::date as date, queue_id, ticket_channel as channel,
        count(*) filter (where met_sla is not null) as tickets_due,
        count(*) filter (where met_sla) as tickets_met_sla
    from tickets where due_at is not null group by all
),

backlog_moves as (
    -- a ticket enters the backlog the day it is created and leaves it the day it is resolved (cancelled ones never count)
    select created_at::date as date, queue_id, ticket_channel as channel, count(*) as moved
    from tickets where status <> 'cancelled' group by all
    union all
    select greatest(created_at, resolved_at)::date, queue_id, ticket_channel, -count(*)
    from tickets where status <> 'cancelled' and resolved_at is not null group by all
),

backlog_days as (
    -- each day up to the last ticket event, for every queue and channel with tickets
    select d.date, l.queue_id, l.channel
    from dim_date d, (select distinct queue_id, channel from backlog_moves) l
    where d.date <= (select ticket_last_event_at::date from int_data_end)
),

ticket_backlog as (
    -- tickets open at the end of the day: the moves up to that day, summed
    select date, queue_id, channel, backlog
    from (
        select date, queue_id, channel, is_day,
            sum(moved) over (partition by queue_id, channel order by date)::BIGINT as backlog
        from (
            select date, queue_id, channel, moved, false as is_day from backlog_moves
            union all select date, queue_id, channel, 0, true from backlog_days
        )
    )
    where is_day and backlog > 0
),

keys as (
    select date, queue_id, channel from activity
    union select date, queue_id, channel from ticket_created
    union select date, queue_id, channel from ticket_resolved
    union select date, queue_id, channel from ticket_due
    union select date, queue_id, channel from ticket_backlog
),

joined as (
    select
        k.date, k.queue_id, k.channel,
        coalesce(a.offered, 0) as offered,
        coalesce(a.answered, 0) as answered,
        coalesce(a.abandoned, 0) as abandoned,
        coalesce(a.short_abandons, 0) as short_abandons,
        coalesce(a.answered_within_threshold, 0) as answered_within_threshold,
        coalesce(a.sl_threshold_seconds, q.sl_threshold_seconds) as sl_threshold_seconds,
        coalesce(a.wait_answered_seconds, 0) as wait_answered_seconds,
        coalesce(a.wait_abandoned_seconds, 0) as wait_abandoned_seconds,
        coalesce(a.handled, 0) as handled,
        coalesce(a.handle_seconds, 0) as handle_seconds,
        coalesce(a.transferred, 0) as transferred,
        coalesce(a.touchpoints, 0) as touchpoints,
        coalesce(a.inbound_touchpoints, 0) as inbound_touchpoints,
        coalesce(a.self_service_touchpoints, 0) as self_service_touchpoints,
        coalesce(a.ivr_abandons, 0) as ivr_abandons,
        coalesce(a.unidentified_touchpoints, 0) as unidentified_touchpoints,
        coalesce(a.csat_responses, 0) as csat_responses,
        coalesce(a.csat_top2, 0) as csat_top2,
        coalesce(a.csat_sum, 0) as csat_sum,
        coalesce(a.journeys, 0) as journeys,
        coalesce(a.fcr_journeys, 0) as fcr_journeys,
        coalesce(a.resolved_journeys, 0) as resolved_journeys,
        coalesce(a.bot_sessions, 0) as bot_sessions,
        coalesce(a.bot_contained, 0) as bot_contained,
        coalesce(a.bot_verified_contained, 0) as bot_verified_contained,
        coalesce(a.bot_escalated, 0) as bot_escalated,
        coalesce(a.bot_fallback_turns, 0) as bot_fallback_turns,
        coalesce(a.bot_user_turns, 0) as bot_user_turns,
        coalesce(tc.tickets_created, 0) as tickets_created,
        coalesce(tc.tickets_responded, 0) as tickets_responded,
        coalesce(tc.first_response_seconds_sum, 0) as first_response_seconds_sum,
        coalesce(tr.tickets_resolved, 0) as tickets_resolved,
        coalesce(tr.resolution_seconds_sum, 0) as resolution_seconds_sum,
        coalesce(tr.tickets_resolved_reopened, 0) as tickets_resolved_reopened,
        coalesce(td.tickets_due, 0) as tickets_due,
        coalesce(td.tickets_met_sla, 0) as tickets_met_sla,
        coalesce(tb.backlog, 0) as backlog,
        coalesce(a.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(a.ready_seconds, 0) as ready_seconds,
        coalesce(a.state_handle_seconds, 0) as state_handle_seconds,
        coalesce(a.not_ready_seconds, 0) as not_ready_seconds
    from keys k
    left join (select queue_id as q_id, sl_threshold_seconds from dim_queue) q on q.q_id = k.queue_id
    left join activity a using (date, queue_id, channel)
    left join ticket_created tc using (date, queue_id, channel)
    left join ticket_resolved tr using (date, queue_id, channel)
    left join ticket_due td using (date, queue_id, channel)
    left join ticket_backlog tb using (date, queue_id, channel)
)

select
    j.*,
    kpi_service_level(j.answered_within_threshold, j.answered, j.abandoned, j.short_abandons) as service_level,
    kpi_asa_seconds(j.wait_answered_seconds, j.answered) as asa_seconds,
    kpi_avg_time_to_abandon_seconds(j.wait_abandoned_seconds, j.abandoned) as avg_time_to_abandon_seconds,
    kpi_abandon_rate(j.abandoned, j.short_abandons, j.offered) as abandon_rate,
    kpi_answer_rate(j.answered, j.offered) as answer_rate,
    kpi_aht_seconds(j.handle_seconds, j.handled) as aht_seconds,
    kpi_transfer_rate(j.transferred, j.answered) as transfer_rate,
    kpi_self_service_rate(j.self_service_touchpoints, j.inbound_touchpoints) as self_service_rate,
    kpi_fcr_rate(j.fcr_journeys, j.journeys) as fcr_rate,
    kpi_csat_top2_rate(j.csat_top2, j.csat_responses) as csat_top2_rate,
    kpi_csat_mean(j.csat_sum, j.csat_responses) as csat_mean,
    kpi_bot_containment_rate(j.bot_contained, j.bot_sessions) as bot_containment_rate,
    kpi_bot_verified_containment_rate(j.bot_verified_contained, j.bot_sessions) as bot_verified_containment_rate,
    kpi_bot_escalation_rate(j.bot_escalated, j.bot_sessions) as bot_escalation_rate,
    kpi_bot_fallback_rate(j.bot_fallback_turns, j.bot_user_turns) as bot_fallback_rate,
    kpi_avg_first_response_seconds(j.first_response_seconds_sum, j.tickets_responded) as avg_first_response_seconds,
    kpi_avg_resolution_seconds(j.resolution_seconds_sum, j.tickets_resolved) as avg_resolution_seconds,
    kpi_ticket_sla_rate(j.tickets_met_sla, j.tickets_due) as ticket_sla_rate,
    kpi_reopen_rate(j.tickets_resolved_reopened, j.tickets_resolved) as reopen_rate,
    kpi_occupancy(j.state_handle_seconds, j.ready_seconds) as occupancy,
    kpi_utilization(j.state_handle_seconds, j.logged_in_seconds) as utilization,
    kpi_shrinkage(j.logged_in_seconds, j.ready_seconds, j.state_handle_seconds) as shrinkage
from joined j
