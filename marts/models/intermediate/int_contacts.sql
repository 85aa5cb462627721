-- One row per ACD contact: its legs folded together. The first leg gives the arrival, channel, first
-- queue and the contact's outcome; durations add up over legs.
-- columns:
--   contact_id: Contact.
--   legs: Number of legs (more than one after a transfer).
--   outcome: Outcome of the first leg.
--   transferred: A leg was transferred to another queue or agent.
--   resolved_by_disposition: The last leg's disposition maps to resolved in seeds/dispositions.csv (NULL when unknown).
-- tests:
--   unique: contact_id
--   not_null: contact_id, started_at, outcome
-- incremental: contact_id
--   stg_acd_legs: contact_id
with legs as (
    select * from stg_acd_legs
),

dispositions as (
    select lower(disposition) as disposition, resolved from seed_dispositions
),

first_leg as (
    select * from legs
    qualify row_number() over (partition by contact_id order by leg_seq) = 1
),

folded as (
    select
        contact_id,
        count(*) as legs,
        max(end_at) as ended_at,
        max(end_at_utc) as ended_at_utc,
        sum(wait_seconds) as wait_seconds,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) filter (where answer_at is not null) as hold_seconds,
        sum(acw_seconds) filter (where answer_at is not null) as acw_seconds,
        bool_or(transfer_to is not null) or count(*) > 1 as transferred,
        arg_max(csat, leg_seq) filter (where csat is not null) as csat,
        arg_max(disposition, leg_seq) filter (where disposition is not null) as disposition,
        arg_min(agent_id, leg_seq) filter (where answer_at is not null) as agent_id,
        min(answer_at) as first_answer_at
    from legs
    group by contact_id
)

select
    f.contact_id,
    f.legs,
    l.customer_id,
    l.channel,
    l.direction,
    l.queue_id,
    f.agent_id,
    l.arrival_at as started_at,
    l.arrival_at_utc as started_at_utc,
    f.ended_at,
    f.ended_at_utc,
    l.ivr_path,
    f.wait_seconds,
    f.talk_seconds,
    f.hold_seconds,
    f.acw_seconds,
    coalesce(f.talk_seconds, 0) + coalesce(f.hold_seconds, 0) + coalesce(f.acw_seconds, 0) as handle_seconds,
    f.csat,
    f.disposition,
    d.resolved as resolved_by_disposition,
    f.transferred,
    l.outcome
from folded f
join first_leg l using (contact_id)
left join dispositions d on d.disposition = lower(f.disposition)
