-- Queues (skills, ticket groups): the queue catalog seed plus every queue seen in the data, and 'none'
-- for touchpoints that never reached a queue.
-- columns:
--   queue_id: Queue identifier as the sources name it.
--   queue_name: Display name (Chinese where the catalog has it).
--   queue_name_en: English display name.
--   channel: Main channel of the queue.
--   in_catalog: The queue is listed in seeds/queues.csv.
--   sl_threshold_seconds: Service-level threshold T of the queue (catalog, else ccmart_config).
--   sl_target: Service-level target.
--   abandon_target: Abandon-rate ceiling.
-- tests:
--   unique: queue_id
--   not_null: queue_id, queue_name
with catalog as (
    select queue_id::varchar as queue_id, * exclude (queue_id) from seed_queues
),

seen as (
    select queue_id from int_queue_days where seen_in <> 'transfer'
    -- a transfer target is a queue when contacts also queued in it (else an outside number)
    union select queue_id from int_queue_days where seen_in = 'transfer' and queue_id in (select queue_id from int_queue_days where seen_in = 'contact')
    union select 'none'
),

cfg as (
    select * from ccmart_config
),

all_queues as (
    select queue_id from catalog union select queue_id from seen
)

select
    q.queue_id,
    coalesce(c.queue_name, case when q.queue_id = 'none' then '(无队列 / no queue)' else q.queue_id end) as queue_name,
    coalesce(c.queue_name_en, case when q.queue_id = 'none' then '(no queue)' else q.queue_id end) as queue_name_en,
    c.channel,
    c.queue_id is not null as in_catalog,
    coalesce(c.sl_threshold_seconds, cfg.sl_threshold_seconds) as sl_threshold_seconds,
    c.sl_target,
    c.abandon_target,
    c.asa_target_seconds
from all_queues q
cross join cfg
left join catalog c using (queue_id)
