-- The channel of every queue: the queue catalog's, else the most common channel of the contacts offered to
-- it, else voice. kpi_daily reports a queue's agent-state time under it.
-- columns:
--   queue_id: Queue.
--   channel: Its channel.
-- tests:
--   unique: queue_id
--   not_null: queue_id, channel
with queues as (
    select * from dim_queue
),

offers as (
    select * from int_queue_offers
)

select q.queue_id, coalesce(q.channel, o.channel, 'voice') as channel
from queues q
left join (select queue_id, mode(channel) as channel from offers group by 1) o using (queue_id)
