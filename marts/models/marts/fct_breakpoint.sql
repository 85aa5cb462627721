-- One row per break in a customer's journey: abandon_queue, abandon_ivr, bot_fallback_exit, bot_escalation,
-- transfer, repeat_contact, ticket_reopen, sla_breach, callback_failed (metrics.md). Each names the touchpoint
-- and node where it happened and whether the journey recovered: the customer's journey was later resolved
-- within W days of the break.
-- columns:
--   breakpoint_id: touchpoint_id '/' type '/' a sequence.
--   breakpoint_type: One of the types above.
--   touchpoint_id: Touchpoint where the journey broke (for repeat_contact: the touchpoint that did not resolve, followed within W by another touchpoint that does not merely continue it).
--   node_key: Node where it broke (fct_node.node_key), when there is one.
--   occurred_at: When it happened (local).
--   date: Local date of occurred_at.
--   customer_id: Customer; NULL when unidentified.
--   queue_id: Queue of the touchpoint.
--   channel: Channel of the touchpoint.
--   is_short_abandon: abandon_queue with a wait below the short-abandon threshold.
--   recovered: The journey was resolved afterwards within W (NULL when the customer is unidentified and the touchpoint itself did not serve them).
--   recovered_at: When the resolving touchpoint ended.
--   recovery_seconds: recovered_at − occurred_at.
-- tests:
--   unique: breakpoint_id
--   not_null: breakpoint_id, breakpoint_type, touchpoint_id, occurred_at
--   accepted_values: breakpoint_type = abandon_queue, abandon_ivr, bot_fallback_exit, bot_escalation, transfer, repeat_contact, ticket_reopen, sla_breach, callback_failed
--   relationships: touchpoint_id -> fct_touchpoint.touchpoint_id
-- incremental: touchpoint_id
--   stg_acd_legs: 'acd:' || contact_id
--   int_bot_sessions: 'bot:' || session_id
--   stg_ticket_events: 'ticket:' || ticket_id
--   int_tickets: 'ticket:' || ticket_id
--   fct_touchpoint: touchpoint_id
--   fct_journey: select touchpoint_id from fct_touchpoint where journey_id in (select journey_id from changed)
--   int_data_end: select 'ticket:' || ticket_id from int_tickets,
--       (select min(touchpoint_last_end) as e0, max(touchpoint_last_end) as e1 from changed) e
--     where resolved_at is null and due_at >= e.e0 and due_at < e.e1
with legs as (
    select * from stg_acd_legs
),

cfg as (
    select * from ccmart_config
),

touchpoints as (
    select * from fct_touchpoint
),

data_end as (
    select touchpoint_last_end as last_at from int_data_end
),

breaks as (
    select 'acd:' || contact_id as touchpoint_id, 'abandon_queue' as breakpoint_type, 'queue:' || queue_id as node_key,
        end_at as occurred_at, wait_seconds < cfg.short_abandon_seconds as is_short_abandon
    from legs, cfg where outcome = 'abandoned' and channel <> 'callback'
    union all
    select 'acd:' || contact_id, 'abandon_ivr', 'ivr_menu:' || split_part(coalesce(ivr_path, 'ivr'), '>', -1), coalesce(ivr_exit_at, end_at), false
    from legs where outcome = 'ivr_abandon'
    union all
    select 'acd:' || contact_id, 'transfer', 'transfer:' || transfer_to, end_at, false
    from legs where transfer_to is not null
    union all
    select 'acd:' || contact_id, 'callback_failed', 'queue:' || coalesce(queue_id, 'none'), end_at, false
    from legs where channel = 'callback' and outcome in ('failed', 'abandoned')
    union all
    select 'bot:' || session_id, 'bot_escalation', 'bot_escalation:' || escalation_queue_id, escalated_at, false
    from int_bot_sessions where escalated
    union all
    select 'bot:' || session_id, 'bot_fallback_exit', 'bot_turn:fallback', ended_at, false
    from int_bot_sessions where not escalated and last_turn_fallback
    union all
    select 'ticket:' || ticket_id, 'ticket_reopen', 'ticket_status:' || status, event_at, false
    from stg_ticket_events where is_reopen
    union all
    select 'ticket:' || ticket_id, 'sla_breach', 'ticket_status:' || status, due_at, false
    from int_tickets, data_end
    where due_at is not null and coalesce(resolved_at, data_end.last_at) > due_at
    union all
    select touchpoint_id, 'repeat_contact', null, next_started_at, false
    from touchpoints, cfg
    where next_started_at is not null and not next_is_linked
      and next_started_at <= started_at + to_seconds(cfg.journey_window_days * 86400)
),

located as (
    select
        b.*,
        t.customer_id,
        t.queue_id,
        t.channel,
        t.journey_id,
        t.started_at as touchpoint_started_at,
        t.is_serving
    from breaks b join touchpoints t using (touchpoint_id)
),

recovery as (
    -- the journey's resolving touchpoint, when it started no earlier than the broken touchpoint and ended within W of the break
    select l.*, j.resolved_at, j.resolving_touchpoint_id,
        j.resolved and j.resolved_at >= l.occurred_at - to_seconds(1)
            and j.resolved_at <= l.occurred_at + to_seconds(cfg.journey_window_days * 86400) as journey_recovered
    from located l
    cross join cfg
    left join fct_journey j using (journey_id)
)

select
    touchpoint_id || '/' || breakpoint_type || '/' || row_number() over (partition by touchpoint_id, breakpoint_type order by occurred_at, node_key) as breakpoint_id,
    breakpoint_type,
    touchpoint_id,
    node_key,
    occurred_at,
    occurred_at::date as date,
    customer_id,
    queue_id,
    channel,
    is_short_abandon,
    case when customer_id is not null then coalesce(journey_recovered, false)
         when breakpoint_type = 'transfer' and is_serving then true end as recovered,
    case when customer_id is not null and journey_recovered then resolved_at end as recovered_at,
    case when customer_id is not null and journey_recovered then greatest(epoch(resolved_at) - epoch(occurred_at), 0) end as recovery_seconds
from recovery
