-- Agent activity per day and queue (contacts, agent states, ticket events), the base of dim_agent: a day's
-- new logs change only that day's rows, and the dimension is summed from them.
-- columns:
--   date: Day of the activity (local).
--   agent_id: Agent identifier as the sources name it.
--   queue_id: Queue, skill or ticket group of the activity.
--   first_at: First activity of the agent that day in that queue (local).
--   last_at: Last activity of the agent that day in that queue (local).
--   contacts_answered: Contact legs the agent answered that day in that queue.
-- tests:
--   unique: date, agent_id, queue_id
--   not_null: date, agent_id, first_at, last_at, contacts_answered
-- incremental: date
--   raw_acd_contacts: arrival_at::date
--   raw_agent_states: start_at::date
--   raw_ticket_events: event_at::date
with activity as (
    select agent as agent_id, arrival_at as activity_at, queue as queue_id, answer_at is not null as answered from raw_acd_contacts where agent is not null
    union all select agent, start_at, queue, false from raw_agent_states
    union all select assignee, event_at, group_name, false from raw_ticket_events where assignee is not null
)

select
    activity_at::date as date,
    agent_id,
    queue_id,
    min(activity_at) as first_at,
    max(activity_at) as last_at,
    count(*) filter (where answered) as contacts_answered
from activity
group by all
