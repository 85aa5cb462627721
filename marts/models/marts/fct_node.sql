-- The steps inside each touchpoint, in order: IVR menus, queue, agent talk, hold, transfer and after-call
-- work for contacts; user turns (by intent) and the hand-off for bot sessions; status changes for tickets.
-- next_node gives the node-to-node flow (a funnel or Sankey): the last node of a touchpoint flows to
-- 'end:<outcome>'.
-- columns:
--   touchpoint_id: Touchpoint the node belongs to.
--   node_seq: Order within the touchpoint, from 1.
--   leg_seq: Contact leg of the node (contacts only).
--   node_type: ivr_menu, queue, agent_talk, hold, transfer, acw, bot_turn, bot_escalation or ticket_status.
--   node_name: IVR menu, queue, agent, intent ('fallback' when not understood), or ticket status.
--   node_key: node_type:node_name.
--   entered_at: Entry (local). IVR menus share the IVR's entry and exit, since the contract carries no per-menu times; hold has no times (only its length).
--   exited_at: Exit (local).
--   duration_seconds: Time spent in the node.
--   exit_reason: next, to_queue, self_service, hang_up, answered, abandoned, completed, transfer, fallback, escalation, end or the next ticket status.
--   next_node: node_key of the next node, or 'end:<touchpoint outcome>'.
--   touchpoint_type: Type of the touchpoint: contact, bot_session or ticket.
--   queue_id: Queue of the touchpoint.
--   channel: Channel of the touchpoint.
--   date: Local date the touchpoint started.
-- tests:
--   unique: touchpoint_id, node_seq
--   not_null: touchpoint_id, node_seq, node_type, node_key, next_node
--   accepted_values: node_type = ivr_menu, queue, agent_talk, hold, transfer, acw, bot_turn, bot_escalation, ticket_status
-- incremental: touchpoint_id
--   stg_acd_legs: 'acd:' || contact_id
--   stg_bot_turns: 'bot:' || session_id
--   stg_ticket_events: 'ticket:' || ticket_id
--   fct_touchpoint: touchpoint_id
with legs as (
    select * from stg_acd_legs
),

ivr_menus as (
    select
        'acd:' || contact_id as touchpoint_id, leg_seq, 0 as step,
        m.menu_no as sub_step,
        'ivr_menu' as node_type,
        m.menu as node_name,
        ivr_entry_at as entered_at,
        coalesce(ivr_exit_at, queue_entry_at, end_at) as exited_at,
        case when m.menu_no < m.menus then 'next'
             when queue_entry_at is not null then 'to_queue'
             when outcome = 'self_service' then 'self_service'
             else 'hang_up' end as exit_reason,
        null::double as fixed_seconds
    from (
        select *, unnest(range(1, len(path) + 1)) as menu_no, unnest(path) as menu, len(path) as menus
        from (select *, string_split(coalesce(ivr_path, 'ivr'), '>') as path from legs where ivr_entry_at is not null)
    ) m
),

contact_nodes as (
    select 'acd:' || contact_id, leg_seq, 1, 0, 'queue', queue_id, queue_entry_at, coalesce(answer_at, end_at),
        case when answer_at is not null then 'answered' else 'abandoned' end, null
    from legs where queue_entry_at is not null
    union all
    select 'acd:' || contact_id, leg_seq, 2, 0, 'agent_talk', coalesce(agent_id, '(unknown)'), answer_at, end_at,
        case when transfer_to is not null then 'transfer' else 'completed' end, null
    from legs where answer_at is not null
    union all
    select 'acd:' || contact_id, leg_seq, 3, 0, 'hold', coalesce(agent_id, '(unknown)'), null, null, 'next', hold_seconds
    from legs where answer_at is not null and hold_seconds > 0
    union all
    select 'acd:' || contact_id, leg_seq, 4, 0, 'transfer', transfer_to, end_at, end_at, 'transfer', null
    from legs where transfer_to is not null
    union all
    select 'acd:' || contact_id, leg_seq, 5, 0, 'acw', coalesce(agent_id, '(unknown)'), end_at, end_at + to_seconds(acw_seconds), 'completed', acw_seconds
    from legs where answer_at is not null and acw_seconds > 0
),

bot_nodes as (
    select
        'bot:' || session_id, null::bigint, 0, turn_order,
        'bot_turn',
        case when fallback then 'fallback' else coalesce(intent, '(no intent)') end,
        event_at,
        lead(event_at) over (partition by session_id order by turn_order),
        case when fallback then 'fallback' else 'next' end, null
    from stg_bot_turns where speaker = 'user'
    union all
    select 'bot:' || session_id, null, 1, turn_order, 'bot_escalation', escalation_to, event_at, event_at, 'escalation', null
    from stg_bot_turns where escalation_to is not null
),

ticket_nodes as (
    select
        'ticket:' || ticket_id, null::bigint, 0, event_seq, 'ticket_status', status, event_at,
        lead(event_at) over (partition by ticket_id order by event_seq),
        coalesce(lead(status) over (partition by ticket_id order by event_seq), 'end'), null
    from stg_ticket_events
    where previous_status is null or status <> previous_status
),

all_nodes as (
    select * from ivr_menus
    union all select * from contact_nodes
    union all select * from bot_nodes
    union all select * from ticket_nodes
),

-- numbered and linked to the next node in one pass over the touchpoint's nodes; the touchpoint's columns are
-- joined afterwards, so the sort carries only the nodes
ordered as (
    select
        n.touchpoint_id,
        row_number() over steps as node_seq,
        n.leg_seq,
        n.node_type,
        n.node_name,
        n.node_type || ':' || n.node_name as node_key,
        n.entered_at,
        n.exited_at,
        n.exit_reason,
        n.fixed_seconds,
        lead(n.node_type || ':' || n.node_name) over steps as next_key
    from all_nodes n
    window steps as (partition by n.touchpoint_id order by n.leg_seq nulls first, n.step, n.sub_step)
)

select
    o.touchpoint_id,
    o.node_seq,
    o.leg_seq,
    o.node_type,
    o.node_name,
    o.node_key,
    o.entered_at,
    o.exited_at,
    coalesce(o.fixed_seconds, epoch(o.exited_at) - epoch(o.entered_at)) as duration_seconds,
    o.exit_reason,
    coalesce(o.next_key, 'end:' || t.outcome) as next_node,
    t.touchpoint_type,
    t.queue_id,
    t.channel,
    t.date
from ordered o
join fct_touchpoint t using (touchpoint_id)
