-- Reconciliation: contact touchpoints per day equal the distinct source contacts per day (by first-leg arrival).
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
