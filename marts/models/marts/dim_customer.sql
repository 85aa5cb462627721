-- Customers seen on any channel. Unidentified touchpoints have no customer row (customer_id is NULL in
-- the facts) and are counted in the row with customer_id '(unidentified)'.
-- columns:
--   customer_id: Customer identifier, or '(unidentified)'.
--   is_identified: False only for the '(unidentified)' row.
--   first_seen_at: First touchpoint (local).
--   last_seen_at: Last touchpoint (local).
--   touchpoints: Number of touchpoints.
--   channels: Channels used, sorted.
-- tests:
--   unique: customer_id
-- incremental: customer_id
--   int_touchpoints: coalesce(customer_id, '(unidentified)')
with touchpoints as (
    select * from int_touchpoints
)

select
    coalesce(customer_id, '(unidentified)') as customer_id,
    customer_id is not null as is_identified,
    min(started_at) as first_seen_at,
    max(started_at) as last_seen_at,
    count(*) as touchpoints,
    -- distinct while aggregating: the '(unidentified)' row would otherwise list every unidentified touchpoint
    list_sort(list_distinct(list(distinct channel))) as channels
from touchpoints
group by all
