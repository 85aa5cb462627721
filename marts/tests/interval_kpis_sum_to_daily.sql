-- Reconciliation: Σ kpi_interval = kpi_daily for the additive queue measures, per queue and day.
with intervals as (
    select date, queue_id, sum(offered) as offered, sum(answered) as answered, sum(abandoned) as abandoned,
        sum(short_abandons) as short_abandons, sum(answered_within_threshold) as within_t,
        round(sum(handle_seconds), 3) as handle_seconds, round(sum(wait_answered_seconds), 3) as wait_answered
    from kpi_interval group by all
),
daily as (
    select date, queue_id, sum(offered) as offered, sum(answered) as answered, sum(abandoned) as abandoned,
        sum(short_abandons) as short_abandons, sum(answered_within_threshold) as within_t,
        round(sum(handle_seconds), 3) as handle_seconds, round(sum(wait_answered_seconds), 3) as wait_answered
    from kpi_daily group by all
)
select * from intervals i full outer join daily d using (date, queue_id)
where (i.offered, i.answered, i.abandoned, i.short_abandons, i.within_t, i.handle_seconds, i.wait_answered)
      is distinct from (d.offered, d.answered, d.abandoned, d.short_abandons, d.within_t, d.handle_seconds, d.wait_answered)
  and coalesce(i.offered, 0) + coalesce(d.offered, 0) > 0
