-- One row per customer interaction on any channel (call, callback, chat, email, bot session, ticket), with
-- its journey and the resolution flags FCR and self-service are computed from.
-- columns:
--   touchpoint_id: 'acd:<contact_id>', 'bot:<session_id>' or 'ticket:<ticket_id>'.
--   touchpoint_type: contact (ACD: call, chat, email, video, callback), bot_session or ticket.
--   source_id: Identifier in the source system.
--   channel: Conformed channel; a ticket opened from a contact has channel 'ticket', other tickets keep the channel they came in on.
--   direction: inbound, outbound or internal.
--   customer_id: Customer; NULL when unidentified (kept, and excluded from journeys).
--   queue_id: First queue (contacts), hand-off queue (bot sessions) or group (tickets); 'none' when there is none.
--   agent_id: First answering agent (contacts) or first assignee (tickets).
--   started_at: Start, local wall clock of the center.
--   started_at_utc: Start in UTC.
--   ended_at: End (local).
--   date: Local date of started_at.
--   interval_start: Start of the started_at interval (ccmart_config.interval_minutes).
--   wait_seconds: Time in agent queues (all legs).
--   talk_seconds: Talk time, hold excluded.
--   hold_seconds: Hold time.
--   acw_seconds: After-call work.
--   handle_seconds: talk + hold + after-call work of an answered contact.
--   csat: Survey score 1–5 when surveyed.
--   outcome: answered, abandoned, self_service (IVR or contained bot), ivr_abandon, escalated (bot handed to an agent), phantom, failed (outbound/callback not connected), resolved / open / cancelled (tickets).
--   transferred: Contact transferred, or ticket reassigned.
--   resolved_by_disposition: The contact's last disposition maps to resolved (seeds/dispositions.csv); NULL when unknown.
--   linked_contact_id: For a ticket, the contact it was opened from; for a bot session, the contact it handed over to.
--   reopen_count: Times a ticket was reopened (tickets); reopens of tickets opened from a contact count for the contact too.
--   journey_id: Journey of an identified customer: touchpoints chained while each starts within W days of the previous.
--   journey_seq: Position in the journey (1 = first).
--   next_started_at: Start of the customer's next touchpoint.
--   next_touchpoint_id: The customer's next touchpoint.
--   next_is_linked: The next touchpoint continues this one: a ticket opened from this contact, or the contact a bot session handed over to.
--   is_serving: The outcome served the customer (answered, self_service, resolved).
--   is_resolved: Serving, no ticket reopen, and no further touchpoint of the customer within W.
--   is_self_service: Inbound, ended in IVR/bot with no agent, and no further touchpoint within the self-service window (24 h).
-- tests:
--   unique: touchpoint_id
--   not_null: touchpoint_id, started_at, channel, outcome, date, queue_id
--   accepted_values: outcome = answered, abandoned, self_service, ivr_abandon, escalated, phantom, callback, failed, resolved, open, cancelled
--   accepted_values: touchpoint_type = contact, bot_session, ticket
--   relationships: queue_id -> dim_queue.queue_id
--   relationships: channel -> dim_channel.channel
--   relationships: date -> dim_date.date
-- incremental: coalesce(customer_id, touchpoint_id)
--   int_touchpoints: coalesce(customer_id, touchpoint_id)
--   int_touchpoints: select coalesce(t.customer_id, t.touchpoint_id) from int_touchpoints t
--       where t.touchpoint_id in (select 'acd:' || linked_contact_id from changed where touchpoint_type = 'ticket' and reopen_count > 0)
--   int_touchpoints read: coalesce(customer_id, touchpoint_id) in (select key from affected)
--       or (touchpoint_type = 'ticket' and reopen_count > 0 and linked_contact_id is not null)
with touchpoints as (
    select * from int_touchpoints
),

cfg as (
    select * from ccmart_config
),

ticket_reopens as (
    select 'acd:' || linked_contact_id as touchpoint_id, sum(reopen_count) as reopens
    from touchpoints
    where touchpoint_type = 'ticket' and linked_contact_id is not null
    group by 1
),

sequenced as (
    -- the journey logic sorts only the columns it needs; the wide rows join back once, by touchpoint_id
    select
        t.touchpoint_id,
        t.customer_id,
        t.started_at,
        lag(t.started_at) over w as previous_started_at,
        lead(t.started_at) over w as next_started_at,
        lead(t.touchpoint_id) over w as next_touchpoint_id,
        lead(t.linked_contact_id) over w as next_linked_contact_id
    from touchpoints t
    window w as (partition by coalesce(t.customer_id, t.touchpoint_id) order by t.started_at, t.touchpoint_id)
),

numbered as (
    select
        s.*,
        -- a new journey starts when the previous touchpoint began more than W days earlier
        sum(case when s.previous_started_at is null
                   or s.started_at > s.previous_started_at + to_seconds(cfg.journey_window_days * 86400) then 1 else 0 end)
            over (partition by coalesce(s.customer_id, s.touchpoint_id) order by s.started_at, s.touchpoint_id rows unbounded preceding) as journey_no
    from sequenced s, cfg
),

positioned as (
    select n.*, row_number() over (partition by n.customer_id, n.journey_no order by n.started_at, n.touchpoint_id) as position_in_journey
    from numbered n
),

journeys as (
    select t.*, p.next_started_at, p.next_touchpoint_id, p.next_linked_contact_id, p.journey_no, p.position_in_journey
    from positioned p
    join touchpoints t using (touchpoint_id)
)

select
    j.touchpoint_id,
    j.touchpoint_type,
    j.source_id,
    j.channel,
    j.direction,
    j.customer_id,
    coalesce(j.queue_id, 'none') as queue_id,
    j.agent_id,
    j.started_at,
    j.started_at_utc,
    j.ended_at,
    j.started_at::date as date,
    time_bucket(to_minutes(cfg.interval_minutes::integer), j.started_at) as interval_start,
    j.wait_seconds,
    j.talk_seconds,
    j.hold_seconds,
    j.acw_seconds,
    j.handle_seconds,
    j.csat,
    j.outcome,
    j.transferred,
    j.resolved_by_disposition,
    j.reopen_count + coalesce(r.reopens, 0) as reopen_count,
    j.linked_contact_id,
    case when j.customer_id is not null then j.customer_id || '#' || j.journey_no end as journey_id,
    case when j.customer_id is not null then j.position_in_journey end as journey_seq,
    case when j.customer_id is not null then j.next_started_at end as next_started_at,
    case when j.customer_id is not null then j.next_touchpoint_id end as next_touchpoint_id,
    -- the next touchpoint continues this one (a ticket opened from this contact, or the contact a bot handed over to)
    coalesce(j.customer_id is not null and (j.next_linked_contact_id = j.source_id or j.linked_contact_id = split_part(j.next_touchpoint_id, ':', 2)), false) as next_is_linked,
    j.outcome in ('answered', 'self_service', 'resolved') as is_serving,
    j.outcome in ('answered', 'self_service', 'resolved')
        and j.reopen_count + coalesce(r.reopens, 0) = 0
        and (j.customer_id is null or j.next_started_at is null
             or j.next_started_at > j.started_at + to_seconds(cfg.journey_window_days * 86400)) as is_resolved,
    j.direction = 'inbound' and j.outcome = 'self_service'
        and (j.customer_id is null or j.next_started_at is null
             or j.next_started_at > coalesce(j.ended_at, j.started_at) + to_seconds(cfg.self_service_window_hours * 3600)) as is_self_service
from journeys j
cross join cfg
left join ticket_reopens r using (touchpoint_id)
