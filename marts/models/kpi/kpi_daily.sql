-- Daily KPIs per queue and channel: queue measures (as kpi_interval, summed over the day), journeys and
-- first-contact resolution (attributed to the journey's first touchpoint), self-service, bot containment,
-- CSAT, tickets (response, resolution, SLA, reopens, backlog) and agent-state measures. Counts and sums are
-- kept beside each rate so any roll-up recomputes rates from sums.
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
-- incremental: date, queue_id, channel
--   int_queue_offers: date, queue_id, channel
--   fct_touchpoint: date, queue_id, channel
--   fct_journey: started_at::date, first_queue_id, first_channel
--   fct_bot_session: date, queue_id, channel
--   fct_ticket: created_at::date .. coalesce(resolved_at::date, (select ticket_last_event_at::date from int_data_end)),
--     queue_id, coalesce(channel, 'ticket')
--   fct_ticket: due_at::date, queue_id, coalesce(channel, 'ticket')
--   fct_agent_state: select s.date, s.queue_id, c.channel from changed s join int_queue_channels c using (queue_id)
--   fct_agent_state read: (date, queue_id) in (select key1, key2 from affected)
--   dim_date: select d.date, t.queue_id, t.channel from changed d,
--     (select distinct queue_id, coalesce(channel, 'ticket') as channel from fct_ticket) t
--   int_data_end: select d.date, t.queue_id, t.channel from dim_date d,
--     (select distinct queue_id, coalesce(channel, 'ticket') as channel from fct_ticket) t
--     where d.date > coalesce((select min(ticket_last_event_at)::date from changed), date '0001-01-01')
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

ticket_created as (
    select date, queue_id, coalesce(channel, 'ticket') as channel,
        count(*) as tickets_created,
        count(first_response_seconds) as tickets_responded,
        coalesce(sum(first_response_seconds), 0) as first_response_seconds_sum
    from fct_ticket group by all
),

ticket_resolved as (
    select resolved_at::date as date, queue_id, coalesce(channel, 'ticket') as channel,
        count(*) as tickets_resolved,
        sum(resolution_seconds) as resolution_seconds_sum,
        count(*) filter (where reopened) as tickets_resolved_reopened
    from fct_ticket where resolved_at is not null group by all
),

ticket_due as (
    select due_at::date as date, queue_id, coalesce(channel, 'ticket') as channel,
        count(*) filter (where met_sla is not null) as tickets_due,
        count(*) filter (where met_sla) as tickets_met_sla
    from fct_ticket where due_at is not null group by all
),

ticket_backlog as (
    select d.date, t.queue_id, coalesce(t.channel, 'ticket') as channel, count(*) as backlog
    from dim_date d
    join fct_ticket t on t.created_at < d.date + 1
        and (t.resolved_at is null or t.resolved_at >= d.date + 1)
        and t.status <> 'cancelled'
    where d.date <= (select ticket_last_event_at::date from int_data_end)
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
    union select date, queue_id, channel from ticket_created
    union select date, queue_id, channel from ticket_resolved
    union select date, queue_id, channel from ticket_due
    union select date, queue_id, channel from ticket_backlog
    union select date, queue_id, channel from state_kpis
),

joined as (
    select
        k.date, k.queue_id, k.channel,
        coalesce(c.offered, 0) as offered,
        coalesce(c.answered, 0) as answered,
        coalesce(c.abandoned, 0) as abandoned,
        coalesce(c.short_abandons, 0) as short_abandons,
        coalesce(c.answered_within_threshold, 0) as answered_within_threshold,
        coalesce(c.sl_threshold_seconds, q.sl_threshold_seconds) as sl_threshold_seconds,
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
        coalesce(tc.tickets_created, 0) as tickets_created,
        coalesce(tc.tickets_responded, 0) as tickets_responded,
        coalesce(tc.first_response_seconds_sum, 0) as first_response_seconds_sum,
        coalesce(tr.tickets_resolved, 0) as tickets_resolved,
        coalesce(tr.resolution_seconds_sum, 0) as resolution_seconds_sum,
        coalesce(tr.tickets_resolved_reopened, 0) as tickets_resolved_reopened,
        coalesce(td.tickets_due, 0) as tickets_due,
        coalesce(td.tickets_met_sla, 0) as tickets_met_sla,
        coalesce(tb.backlog, 0) as backlog,
        coalesce(s.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(s.ready_seconds, 0) as ready_seconds,
        coalesce(s.state_handle_seconds, 0) as state_handle_seconds,
        coalesce(s.not_ready_seconds, 0) as not_ready_seconds
    from keys k
    left join (select queue_id as q_id, sl_threshold_seconds from dim_queue) q on q.q_id = k.queue_id
    left join contact_kpis c using (date, queue_id, channel)
    left join touchpoint_kpis t using (date, queue_id, channel)
    left join journey_kpis j using (date, queue_id, channel)
    left join bot_kpis b using (date, queue_id, channel)
    left join ticket_created tc using (date, queue_id, channel)
    left join ticket_resolved tr using (date, queue_id, channel)
    left join ticket_due td using (date, queue_id, channel)
    left join ticket_backlog tb using (date, queue_id, channel)
    left join state_kpis s using (date, queue_id, channel)
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
