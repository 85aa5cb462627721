-- Node-to-node flow per day, queue and channel (fct_node.node_key → next_node), pre-aggregated for the
-- journey Sankey / funnel. Entry rows have from_node 'start:<touchpoint type>'.
-- columns:
--   date: Local date of the touchpoint.
--   queue_id: Queue of the touchpoint.
--   channel: Channel of the touchpoint.
--   from_node: node_key the flow leaves ('start:contact', 'start:bot_session', 'start:ticket' for entries).
--   to_node: node_key the flow enters, or 'end:<outcome>'.
--   touchpoints: Number of touchpoints taking this step.
-- tests:
--   unique: date, queue_id, channel, from_node, to_node
--   not_null: date, queue_id, channel, from_node, to_node, touchpoints
-- incremental: date, queue_id, channel
--   fct_node: date, queue_id, channel
--   additive: touchpoints
with nodes as (
    select * from fct_node
),

entries as (
    select date, queue_id, channel, 'start:' || touchpoint_type as from_node, node_key as to_node
    from nodes
    where node_seq = 1
),

steps as (
    select date, queue_id, channel, node_key as from_node, next_node as to_node from nodes
)

select date, queue_id, channel, from_node, to_node, count(*) as touchpoints
from (select * from entries union all select * from steps)
group by all
