-- One row per journey: an identified customer's touchpoints chained while each starts within W days
-- (ccmart_config.journey_window_days, default 7) of the previous one. Unidentified touchpoints form no
-- journey (they are counted in kpi_daily.unidentified_touchpoints).
-- columns:
--   journey_id: customer_id '#' journey number of the customer.
--   customer_id: Customer.
--   started_at: First touchpoint's start (local).
--   ended_at: Last touchpoint's end (local).
--   first_touchpoint_id: Touchpoint that opened the journey.
--   first_channel: Its channel.
--   first_queue_id: Its queue (FCR is attributed to it).
--   first_agent_id: Its agent.
--   channels: Channels used (distinct, sorted).
--   touchpoints: Number of touchpoints.
--   resolved: The last touchpoint served the customer with no ticket reopen.
--   resolving_touchpoint_id: The touchpoint that resolved it (its last).
--   resolved_at: When the resolving touchpoint ended.
--   first_contact_resolution: Resolved by its first touchpoint alone (FCR).
--   final_at: End of the W-day look-ahead after the last touchpoint: until the data reaches it, a new touchpoint can still join the journey and change its flags (final when final_at <= int_data_end.touchpoint_last_start). A time rather than a flag, so that the end of the data moving on rewrites no journey.
-- tests:
--   unique: journey_id
--   not_null: journey_id, customer_id, started_at, touchpoints
-- incremental: customer_id
--   fct_touchpoint: coalesce(customer_id, touchpoint_id)
with touchpoints as (
    select * from fct_touchpoint where journey_id is not null
),

cfg as (
    select * from ccmart_config
),

journeys as (
    select
        journey_id,
        any_value(customer_id) as customer_id,
        min(started_at) as started_at,
        max(coalesce(ended_at, started_at)) as ended_at,
        arg_min(touchpoint_id, journey_seq) as first_touchpoint_id,
        arg_min(channel, journey_seq) as first_channel,
        arg_min(queue_id, journey_seq) as first_queue_id,
        arg_min(agent_id, journey_seq) as first_agent_id,
        -- in any order: only the sorted distinct channels are kept (ordering the list costs 3-4x the aggregate)
        list(channel) as channels_seen,
        count(*) as touchpoints,
        arg_max(touchpoint_id, journey_seq) as last_touchpoint_id,
        arg_max(is_resolved, journey_seq) as last_resolved,
        arg_max(coalesce(ended_at, started_at), journey_seq) as last_ended_at,
        max(started_at) as last_started_at
    from touchpoints
    group by journey_id
)

select
    j.journey_id,
    j.customer_id,
    j.started_at,
    j.ended_at,
    j.first_touchpoint_id,
    j.first_channel,
    j.first_queue_id,
    j.first_agent_id,
    list_sort(list_distinct(j.channels_seen)) as channels,
    j.touchpoints,
    j.last_resolved as resolved,
    case when j.last_resolved then j.last_touchpoint_id end as resolving_touchpoint_id,
    case when j.last_resolved then j.last_ended_at end as resolved_at,
    j.last_resolved and j.touchpoints = 1 as first_contact_resolution,
    j.last_started_at + to_seconds(cfg.journey_window_days * 86400) as final_at
from journeys j, cfg
