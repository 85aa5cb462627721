-- One row per inbound contact leg offered to an agent queue (it entered the queue), the base of the queue KPIs.
-- A transferred contact is offered again to the queue of its next leg. Outbound legs (callbacks the center
-- places) are not offered: they are measured as callbacks (fct_breakpoint callback_failed).
-- columns:
--   queue_id: Queue offered to.
--   offered_at: Queue entry (local); the KPI interval is taken from it.
--   answered: Connected to an agent.
--   abandoned: Ended in the queue before an answer.
--   short_abandon: Abandoned with a wait below ccmart_config.short_abandon_seconds.
--   answered_within_threshold: Answered with a wait of at most the queue's service-level threshold T.
--   sl_threshold_seconds: T of the queue (dim_queue), default ccmart_config.sl_threshold_seconds.
-- tests:
--   unique: contact_id, leg_seq
--   not_null: queue_id, offered_at, interval_start
-- incremental: contact_id
--   stg_acd_legs: contact_id
--   dim_queue: select contact_id from stg_acd_legs where queue_id in (select queue_id from changed)
with legs as (
    select * from stg_acd_legs where queue_entry_at is not null and queue_id is not null and outcome <> 'phantom' and direction = 'inbound'
),

cfg as (
    select * from ccmart_config
),

queues as (
    select queue_id, sl_threshold_seconds from dim_queue
)

select
    l.contact_id,
    l.leg_seq,
    l.queue_id,
    l.channel,
    l.agent_id,
    l.queue_entry_at as offered_at,
    l.queue_entry_at::date as date,
    time_bucket(to_minutes(cfg.interval_minutes::integer), l.queue_entry_at) as interval_start,
    l.answer_at is not null as answered,
    l.answer_at is null as abandoned,
    l.answer_at is null and l.wait_seconds < cfg.short_abandon_seconds as short_abandon,
    l.answer_at is not null and l.wait_seconds <= q.sl_threshold_seconds as answered_within_threshold,
    q.sl_threshold_seconds,
    l.wait_seconds,
    case when l.answer_at is not null then coalesce(l.talk_seconds, 0) + l.hold_seconds + l.acw_seconds end as handle_seconds,
    l.answer_at is not null and l.transfer_to is not null as transferred,
    l.csat
from legs l
cross join cfg
join queues q using (queue_id)
