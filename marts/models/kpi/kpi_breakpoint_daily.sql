-- Breakpoints per day, queue, channel, type and node, with recovery, pre-aggregated for dashboards.
-- columns:
--   date: Local date of the break.
--   queue_id: Queue of the touchpoint.
--   channel: Channel of the touchpoint.
--   breakpoint_type: Type (metrics.md).
--   node_key: Node where it happened ('(none)' for repeat contacts).
--   breakpoints: Number of breaks.
--   short_abandons: Of abandon_queue breaks, the short ones.
--   recovered: Breaks whose journey later resolved within W.
--   recovery_known: Breaks whose recovery could be judged (identified customer, or a transfer served in the same touchpoint).
--   recovery_rate: recovered ÷ recovery_known.
--   recovery_seconds_sum: Σ recovery time of recovered breaks.
--   avg_recovery_seconds: recovery_seconds_sum ÷ recovered.
-- tests:
--   unique: date, queue_id, channel, breakpoint_type, node_key
--   not_null: date, queue_id, channel, breakpoint_type, breakpoints
-- incremental: date, queue_id, channel
--   fct_breakpoint: date, queue_id, channel
select
    date,
    queue_id,
    channel,
    breakpoint_type,
    coalesce(node_key, '(none)') as node_key,
    count(*) as breakpoints,
    count(*) filter (where is_short_abandon) as short_abandons,
    count(*) filter (where recovered) as recovered,
    count(recovered) as recovery_known,
    count(*) filter (where recovered) / nullif(count(recovered), 0) as recovery_rate,
    coalesce(sum(recovery_seconds), 0) as recovery_seconds_sum,
    sum(recovery_seconds) / nullif(count(*) filter (where recovered), 0) as avg_recovery_seconds
from fct_breakpoint
group by all
