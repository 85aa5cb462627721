-- ACD contact legs from raw_acd_contacts, renamed to the mart vocabulary, with wait, talk and IVR
-- durations and the conformed outcome of each leg. Durations are in seconds.
-- columns:
--   contact_id: Contact identifier from the switch.
--   leg_seq: Leg number (1 = first leg; a transfer starts the next).
--   customer_id: Customer; NULL when unidentified.
--   channel: Conformed channel (voice, callback, chat, …).
--   direction: inbound, outbound or internal.
--   queue_id: Queue of the leg; NULL when the leg never queued.
--   agent_id: Agent who handled the leg.
--   wait_seconds: Queue entry → answer (answered) or → end (abandoned); NULL when not queued.
--   talk_seconds: Answer → end, less hold.
--   ivr_seconds: Time in the IVR.
--   outcome: The source's outcome when given, else derived: answered (answer time), abandoned (queued, no answer), self_service / ivr_abandon (IVR only; IVR path ending in a self_service node, or when there is no path, at least ivr_self_service_min_seconds in the IVR), failed (outbound or callback not connected).
-- tests:
--   unique: contact_id, leg_seq
--   not_null: contact_id, leg_seq, arrival_at, end_at, outcome
--   accepted_values: outcome = answered, abandoned, self_service, ivr_abandon, phantom, callback, failed
-- incremental: contact_id
--   raw_acd_contacts: contact_id
with source as (
    select * from raw_acd_contacts
),

cfg as (
    select * from ccmart_config
),

renamed as (
    select
        contact_id,
        leg_seq,
        customer_id,
        channel,
        direction,
        queue as queue_id,
        agent as agent_id,
        priority,
        arrival_at,
        arrival_at_utc,
        ivr_entry_at,
        ivr_exit_at,
        ivr_path,
        queue_entry_at,
        queue_entry_at_utc,
        answer_at,
        end_at,
        end_at_utc,
        hold_seconds,
        acw_seconds,
        disposition,
        transfer_to,
        csat,
        outcome as source_outcome,
        case when queue_entry_at is not null
            then epoch(coalesce(answer_at, end_at)) - epoch(queue_entry_at) end as wait_seconds,
        case when answer_at is not null
            then greatest(epoch(end_at) - epoch(answer_at) - hold_seconds, 0) end as talk_seconds,
        case when ivr_entry_at is not null
            then epoch(coalesce(ivr_exit_at, queue_entry_at, end_at)) - epoch(ivr_entry_at) end as ivr_seconds
    from source
)

select
    renamed.*,
    coalesce(source_outcome, case
        when answer_at is not null then 'answered'
        when queue_entry_at is not null then 'abandoned'
        when direction = 'outbound' or channel = 'callback' then 'failed'
        when ivr_entry_at is not null and ivr_path is not null
            then case when split_part(ivr_path, '>', -1) like '%self_service%' then 'self_service' else 'ivr_abandon' end
        when ivr_entry_at is not null
            then case when ivr_seconds >= cfg.ivr_self_service_min_seconds then 'self_service' else 'ivr_abandon' end
        else 'failed'
    end) as outcome
from renamed, cfg
