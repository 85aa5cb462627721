-- Agents seen in contacts, agent states and tickets.
-- columns:
--   agent_id: Agent identifier as the sources name it.
--   first_seen_at: First activity (local).
--   last_seen_at: Last activity (local).
--   contacts_answered: Contact legs the agent answered.
--   primary_queue_id: Queue of most of the agent's answered legs.
-- tests:
--   unique: agent_id
--   not_null: agent_id
with activity as (
    select agent as agent_id, arrival_at as activity_at, queue as queue_id, answer_at is not null as answered from raw_acd_contacts where agent is not null
    union all select agent, start_at, queue, false from raw_agent_states
    union all select assignee, event_at, group_name, false from raw_ticket_events where assignee is not null
)

select
    agent_id,
    min(activity_at) as first_seen_at,
    max(activity_at) as last_seen_at,
    count(*) filter (where answered) as contacts_answered,
    mode(queue_id) filter (where answered) as primary_queue_id
from activity
group by agent_id
