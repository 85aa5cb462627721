-- Agents seen in contacts, agent states and tickets.
-- columns:
--   agent_id: Agent identifier as the sources name it.
--   first_seen_at: First activity (local).
--   last_seen_at: Last activity (local).
--   contacts_answered: Contact legs the agent answered.
--   primary_queue_id: Queue of most of the agent's answered legs (on a tie, the first by queue id).
-- tests:
--   unique: agent_id
--   not_null: agent_id
with queues as (
    select agent_id, queue_id, min(first_at) as first_at, max(last_at) as last_at, sum(contacts_answered) as answered
    from int_agent_days
    group by all
)

select
    agent_id,
    min(first_at) as first_seen_at,
    max(last_at) as last_seen_at,
    sum(answered)::bigint as contacts_answered,
    -- ties go to the first queue id, so a full and an incremental build agree
    arg_min(queue_id, (-answered, queue_id)) filter (where answered > 0 and queue_id is not null) as primary_queue_id
from queues
group by agent_id
