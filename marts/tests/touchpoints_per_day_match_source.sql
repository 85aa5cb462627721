-- Reconciliation: contact touchpoints per day equal the distinct source contacts per day (by first-leg arrival).
-- In an incremental build, only the days of the changed touchpoints and of the new source rows: a contact
-- counts on the day of its first leg, so every leg of a contact with a leg on such a day is read.
-- incremental: date
--   fct_touchpoint: date
--   raw_acd_contacts: arrival_at::date
--   raw_acd_contacts read: contact_id in (select contact_id from main.raw_acd_contacts where arrival_at::date in (select key from affected))
with source as (
    select arrival_at::date as date, count(*) as contacts
    from (select contact_id, min(arrival_at) as arrival_at from raw_acd_contacts group by 1)
    group by 1
),
mart as (
    select date, count(*) as contacts from fct_touchpoint where touchpoint_type = 'contact' group by 1
)
select * from source full outer join mart using (date)
where source.contacts is distinct from mart.contacts
