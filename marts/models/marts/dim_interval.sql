-- Intervals of the day at 15, 30 and 60 minutes: one row per width and start time.
-- columns:
--   interval_minutes: Width of the interval: 15, 30 or 60.
--   interval_index: Position in the day, from 0.
--   start_time: Start time of day.
--   end_time: End time of day (24:00 shown as 00:00).
--   label: 'HH:MM–HH:MM'.
-- tests:
--   unique: interval_minutes, interval_index
with widths as (
    select unnest([15, 30, 60]) as interval_minutes
),

slots as (
    select interval_minutes, unnest(range(0, 1440 // interval_minutes)) as interval_index from widths
)

select
    interval_minutes,
    interval_index,
    (time '00:00' + to_minutes(interval_index * interval_minutes)) as start_time,
    (time '00:00' + to_minutes((interval_index + 1) * interval_minutes)) as end_time,
    strftime(timestamp '2000-01-01' + to_minutes(interval_index * interval_minutes), '%H:%M') || '–'
        || strftime(timestamp '2000-01-01' + to_minutes((interval_index + 1) * interval_minutes), '%H:%M') as label
from slots
