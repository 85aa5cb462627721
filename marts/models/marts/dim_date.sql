-- One row per calendar day from the first to the last day with data (or the calendar seed's span when
-- there is no data yet), with weekday and holiday attributes from seeds/calendar.csv.
-- columns:
--   date: The day.
--   weekday: ISO day of week, 1 = Monday.
--   weekday_name: Monday … Sunday.
--   is_weekend: Saturday or Sunday.
--   holiday_kind: holiday or special from the calendar seed; NULL on ordinary days.
--   holiday_name: Name of the holiday or special day.
--   volume_factor: Expected volume multiplier from the calendar seed (1 on ordinary days).
-- tests:
--   unique: date
--   not_null: date, weekday
with bounds as (
    select
        coalesce(least(
            (select min(arrival_at)::date from raw_acd_contacts),
            (select min(event_at)::date from raw_ticket_events),
            (select min(event_at)::date from raw_bot_turns),
            (select min(start_at)::date from raw_agent_states)), (select min(date) from seed_calendar)) as first_day,
        coalesce(greatest(
            (select max(end_at)::date from raw_acd_contacts),
            (select max(event_at)::date from raw_ticket_events),
            (select max(event_at)::date from raw_bot_turns),
            (select max(coalesce(end_at, start_at))::date from raw_agent_states)), (select max(date) from seed_calendar)) as last_day
),

days as (
    select unnest(generate_series(first_day, last_day, interval 1 day))::date as date from bounds
),

calendar as (
    select date::date as date, any_value(kind) as kind, any_value(name) as name, any_value(factor) as factor
    from seed_calendar group by 1
)

select
    d.date,
    isodow(d.date) as weekday,
    dayname(d.date) as weekday_name,
    isodow(d.date) >= 6 as is_weekend,
    date_trunc('week', d.date)::date as week_start,
    date_trunc('month', d.date)::date as month_start,
    c.kind as holiday_kind,
    c.name as holiday_name,
    coalesce(c.factor, 1.0) as volume_factor
from days d
left join calendar c using (date)
