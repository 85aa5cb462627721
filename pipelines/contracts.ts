/**
 * The canonical raw-log contracts: one definition per feed. The raw tables' DDL, the validation SQL, the header
 * aliases accepted on input and the README's contract tables are all derived from these objects.
 */

export type Source = 'acd' | 'agent-states' | 'tickets' | 'bot';
export const sources: readonly Source[] = ['acd', 'agent-states', 'tickets', 'bot'];

export type FieldType =
  | 'id' // identifier text, at most 256 characters
  | 'text' // free text, at most 65,536 bytes
  | 'timestamp' // stored twice: local wall clock (name) and UTC (name_utc)
  | 'integer'
  | 'seconds' // a non-negative duration in seconds
  | 'number'
  | 'code' // one of `codes`, after mapping through seeds/code_mappings.csv
  | 'boolean';

/**
 * Personal data, pseudonymised by `ccmart ingest --pseudonymize`: an `identifier` (a customer id, or a caller's
 * number standing in for one) always; a `phone` field only when its value holds a phone number (7 or more
 * digits), so the queue and agent names it usually carries are kept.
 */
export type PersonalKind = 'identifier' | 'phone';

export interface Field {
  name: string;
  type: FieldType;
  required?: boolean;
  /** Value used when the input leaves the field empty (a SQL literal of the stored type). */
  default?: string;
  /** Accepted canonical values for `code` fields. */
  codes?: readonly string[];
  min?: number;
  max?: number;
  /** Other header names accepted for this field (compared case-insensitively, ignoring spaces, - and _). */
  aliases?: readonly string[];
  /** Personal data: replaced by a keyed pseudonym when the ingest pseudonymises. */
  personal?: PersonalKind;
  /** Nearly every value differs (one per contact): stored with FSST compression without trying a dictionary first. */
  distinct?: boolean;
  description: string;
}

/** A rule across fields, checked after each field is typed. `when` is SQL over typed columns that is true for a bad row. */
export interface RowCheck {
  field: string;
  when: string;
  reason: string;
}

export interface Contract {
  source: Source;
  /** Raw table the clean rows are loaded into. */
  table: string;
  title: string;
  description: string;
  fields: readonly Field[];
  /** Fields that identify a row: two rows with the same key are duplicates (exact) or a conflict. */
  key: readonly string[];
  checks: readonly RowCheck[];
}

export const channels = ['voice', 'callback', 'chat', 'messaging', 'video', 'email', 'sms', 'social', 'web', 'app', 'ticket'] as const;

/** A check that `later` is not before `earlier`, when both are present. */
function notBefore(later: string, earlier: string): RowCheck {
  return {
    field: later,
    when: `${later} < ${earlier}`,
    reason: `${later} is before ${earlier}`,
  };
}

const acd: Contract = {
  source: 'acd',
  table: 'raw_acd_contacts',
  title: 'ACD contacts',
  description: 'One row per contact or contact leg from the ACD / telephony switch (calls, chats, video, email routed through queues).',
  key: ['contact_id', 'leg_seq'],
  fields: [
    { name: 'contact_id', type: 'id', required: true, distinct: true, aliases: ['call_id', 'contactid', 'session_id', '呼叫编号', '通话ID'], description: 'Contact identifier; all legs of one contact share it.' },
    { name: 'leg_seq', type: 'integer', default: '1', min: 1, aliases: ['leg', 'segment'], description: 'Leg number within the contact (1 = first leg; a transfer starts the next leg).' },
    { name: 'customer_id', type: 'id', personal: 'identifier', aliases: ['customer', 'caller_id', 'ani', '客户编号', '客户ID'], description: 'Customer identifier (or the caller\'s number); empty for unidentified callers.' },
    { name: 'channel', type: 'code', required: true, codes: channels, default: "'voice'", aliases: ['media', 'media_type', '渠道'], description: 'Channel of the contact.' },
    { name: 'direction', type: 'code', codes: ['inbound', 'outbound', 'internal'], default: "'inbound'", aliases: ['call_direction', '方向'], description: 'Direction of the contact.' },
    { name: 'queue', type: 'id', aliases: ['queue_name', 'skill', 'split', '队列', '技能组'], description: 'Queue or skill the contact was routed to; empty when it never queued.' },
    { name: 'agent', type: 'id', aliases: ['agent_id', 'agent_name', 'server', '坐席', '坐席工号'], description: 'Agent who handled the leg; empty when unanswered.' },
    { name: 'priority', type: 'integer', aliases: ['prio'], description: 'Routing priority, when the switch records one.' },
    { name: 'arrival_at', type: 'timestamp', required: true, aliases: ['arrival', 'start_time', 'start', 'initiation_timestamp', '来电时间', '开始时间'], description: 'When the contact arrived at the switch.' },
    { name: 'ivr_entry_at', type: 'timestamp', aliases: ['ivr_start', 'vru_entry'], description: 'Entry into the IVR, when the contact went through one.' },
    { name: 'ivr_exit_at', type: 'timestamp', aliases: ['ivr_end', 'vru_exit'], description: 'Exit from the IVR.' },
    { name: 'ivr_path', type: 'text', aliases: ['ivr_nodes', 'menu_path'], description: "IVR nodes visited, in order, separated by '>' (e.g. main>balance>self_service_end)." },
    { name: 'queue_entry_at', type: 'timestamp', aliases: ['enqueue_time', 'q_start', 'queue_start', '排队开始'], description: 'Entry into the agent queue; empty when the contact never queued.' },
    { name: 'answer_at', type: 'timestamp', aliases: ['answer_time', 'answered_at', 'connect_time', '应答时间'], description: 'When an agent answered; empty when unanswered.' },
    { name: 'end_at', type: 'timestamp', required: true, aliases: ['end_time', 'end', 'disconnect_time', 'hangup_time', '结束时间'], description: 'When the contact (leg) ended.' },
    { name: 'hold_seconds', type: 'seconds', default: '0', aliases: ['hold', 'hold_time'], description: 'Customer hold time during the agent conversation.' },
    { name: 'acw_seconds', type: 'seconds', default: '0', aliases: ['acw', 'wrap_seconds', 'after_call_work', 'wrapup_seconds'], description: 'After-call work time following the conversation.' },
    { name: 'disposition', type: 'id', aliases: ['wrap_code', 'wrapup_code', 'disposition_code', '小结'], description: 'Disposition / wrap-up code set by the agent (mapped to resolved or not by seeds/dispositions.csv).' },
    { name: 'outcome', type: 'code', codes: ['answered', 'abandoned', 'self_service', 'ivr_abandon', 'phantom', 'callback', 'failed'], aliases: ['result'], description: 'Outcome when the source states it; empty = derived by the marts from the timestamps.' },
    { name: 'transfer_to', type: 'id', personal: 'phone', aliases: ['transfer_target', 'transferred_to'], description: 'Queue or agent the leg was transferred to, or an outside number; empty when not transferred.' },
    { name: 'csat', type: 'number', min: 1, max: 5, aliases: ['csat_score', 'survey_score', '满意度'], description: 'Post-contact survey score on a 1–5 scale; empty when not surveyed.' },
  ],
  checks: [
    notBefore('end_at', 'arrival_at'),
    notBefore('ivr_entry_at', 'arrival_at'),
    notBefore('ivr_exit_at', 'ivr_entry_at'),
    notBefore('queue_entry_at', 'arrival_at'),
    notBefore('answer_at', 'arrival_at'),
    notBefore('answer_at', 'queue_entry_at'),
    notBefore('end_at', 'answer_at'),
    { field: 'agent', when: `answer_at IS NOT NULL AND agent IS NULL AND channel <> 'email'`, reason: 'answered contact without an agent' },
  ],
};

const agentStates: Contract = {
  source: 'agent-states',
  table: 'raw_agent_states',
  title: 'ACD agent states',
  description: 'One row per agent state interval (login session states, ready / not ready with reason, talking, after-call work).',
  key: ['agent', 'start_at'],
  fields: [
    { name: 'agent', type: 'id', required: true, aliases: ['agent_id', 'agent_name', '坐席', '坐席工号'], description: 'Agent identifier (the same value as `agent` in ACD contacts).' },
    { name: 'state', type: 'code', required: true, codes: ['logged_in', 'ready', 'not_ready', 'talking', 'acw', 'logged_out'], aliases: ['status', 'agent_state', '状态'], description: 'Agent state.' },
    { name: 'reason', type: 'id', aliases: ['reason_code', 'aux_reason', 'pause_reason', '原因'], description: 'Reason of a not_ready state (break, lunch, training, meeting, …).' },
    { name: 'queue', type: 'id', aliases: ['skill', '队列'], description: 'Queue the state relates to, when the switch records one.' },
    { name: 'start_at', type: 'timestamp', required: true, aliases: ['start', 'start_time', 'state_start', '开始时间'], description: 'Start of the state.' },
    { name: 'end_at', type: 'timestamp', aliases: ['end', 'end_time', 'state_end', '结束时间'], description: 'End of the state; empty for a state still open when the log was cut.' },
  ],
  checks: [notBefore('end_at', 'start_at')],
};

const tickets: Contract = {
  source: 'tickets',
  table: 'raw_ticket_events',
  title: 'Tickets',
  description: 'One row per ticket event (creation, status change, reply, assignment).',
  key: ['ticket_id', 'event_at', 'event_type', 'status'],
  fields: [
    { name: 'ticket_id', type: 'id', required: true, aliases: ['ticket', 'case_id', 'incident', 'number', '工单号'], description: 'Ticket identifier.' },
    { name: 'event_at', type: 'timestamp', required: true, aliases: ['event_time', 'updated_at', 'time', '时间'], description: 'When the event happened.' },
    { name: 'event_type', type: 'code', codes: ['created', 'status_change', 'agent_reply', 'customer_reply', 'assignment', 'update'], default: "'update'", aliases: ['event', 'action', '事件'], description: 'What happened.' },
    { name: 'status', type: 'code', required: true, codes: ['new', 'open', 'pending', 'on_hold', 'resolved', 'closed', 'reopened', 'cancelled'], aliases: ['state', 'ticket_status', '状态'], description: 'Ticket status after the event.' },
    { name: 'channel', type: 'code', codes: channels, aliases: ['source', 'contact_type', '渠道'], description: 'Channel the ticket came in on.' },
    { name: 'customer_id', type: 'id', personal: 'identifier', aliases: ['customer', 'requester', 'caller_id', '客户编号'], description: 'Customer identifier; empty when unknown.' },
    { name: 'group_name', type: 'id', aliases: ['group', 'assignment_group', 'queue', '处理组'], description: 'Group (queue) the ticket is assigned to.' },
    { name: 'assignee', type: 'id', aliases: ['assigned_to', 'agent', '处理人'], description: 'Agent the ticket is assigned to.' },
    { name: 'priority', type: 'id', aliases: ['prio', '优先级'], description: 'Priority as the ticket system names it (e.g. P1, high, 1 - Critical).' },
    { name: 'due_at', type: 'timestamp', aliases: ['due', 'due_time', 'sla_due', '截止时间'], description: 'When the ticket is due under its SLA.' },
    { name: 'contact_id', type: 'id', aliases: ['source_contact_id', 'call_id'], description: 'ACD contact the ticket was opened from, when known.' },
    { name: 'subject', type: 'text', aliases: ['title', 'short_description', '标题'], description: 'Subject / short description (free text).' },
  ],
  checks: [{ field: 'due_at', when: `due_at < event_at AND event_type = 'created'`, reason: 'due_at is before the ticket was created' }],
};

const bot: Contract = {
  source: 'bot',
  table: 'raw_bot_turns',
  title: 'Bot / IVR sessions',
  description: 'One row per turn of a chatbot or voice-bot session.',
  key: ['session_id', 'turn_seq'],
  fields: [
    { name: 'session_id', type: 'id', required: true, personal: 'identifier', aliases: ['conversation_id', 'sender_id', '会话ID'], description: 'Bot session identifier (some channels use the sender\'s id: on voice and SMS, a phone number).' },
    { name: 'customer_id', type: 'id', personal: 'identifier', aliases: ['customer', 'user_id', '客户编号'], description: 'Customer identifier; empty when anonymous.' },
    { name: 'channel', type: 'code', required: true, codes: channels, default: "'chat'", aliases: ['media', '渠道'], description: 'Channel of the session (chat, voice, messaging, app, …).' },
    { name: 'turn_seq', type: 'integer', required: true, min: 0, aliases: ['turn', 'seq', '轮次'], description: 'Turn number within the session, from 0 or 1.' },
    { name: 'event_at', type: 'timestamp', required: true, aliases: ['time', 'timestamp', '时间'], description: 'When the turn happened.' },
    { name: 'speaker', type: 'code', required: true, codes: ['user', 'bot', 'agent', 'system'], aliases: ['role', 'from', '说话方'], description: 'Who spoke.' },
    { name: 'text', type: 'text', aliases: ['message', 'utterance', '内容'], description: 'What was said (free text).' },
    { name: 'intent', type: 'id', aliases: ['intent_name', '意图'], description: 'Intent recognised for a user turn.' },
    { name: 'confidence', type: 'number', min: 0, max: 1, aliases: ['intent_confidence', 'score'], description: 'Intent confidence, 0–1.' },
    { name: 'fallback', type: 'boolean', default: 'false', aliases: ['is_fallback', 'no_match', '兜底'], description: 'True when the bot did not understand the turn (fallback / no-match).' },
    { name: 'escalation_to', type: 'id', personal: 'phone', aliases: ['handoff_to', 'escalated_to', 'transfer_to', '转人工'], description: 'Queue (or outside number) the session was handed to at this turn; empty otherwise.' },
    { name: 'contact_id', type: 'id', aliases: ['escalated_contact_id'], description: 'ACD contact created by the hand-off, when known.' },
  ],
  checks: [],
};

export const contracts: Readonly<Record<Source, Contract>> = { acd, 'agent-states': agentStates, tickets, bot };

export function contractFor(source: string): Contract {
  const c = contracts[source as Source];
  if (!c) throw new Error(`unknown source "${source}"`);
  return c;
}

/** DuckDB type of a stored field. */
export function storedType(field: Field): string {
  switch (field.type) {
    case 'timestamp':
      return 'TIMESTAMP';
    case 'integer':
      return 'BIGINT';
    case 'seconds':
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'VARCHAR';
  }
}

/**
 * Compression a raw column is stored with, where its values' shape is known in advance: codes come from a short
 * list (a dictionary), nearly distinct identifiers do not repeat (FSST). Saying so spares DuckDB trying every method
 * on every segment it writes (a tenth of the cost of writing the rows); the others are left to DuckDB.
 */
function compressionOf(field: Field): string | undefined {
  if (field.type === 'code') return 'dictionary';
  if (field.distinct) return 'fsst';
  return undefined;
}

export interface StoredColumn {
  name: string;
  type: string;
  description: string;
  /** DuckDB compression method the column is declared with (`USING COMPRESSION`), when not left to DuckDB. */
  compression?: string;
}

/** Columns of a raw table in order: each field (timestamps also as name_utc) then lineage columns. */
export function storedColumns(contract: Contract): StoredColumn[] {
  const cols: StoredColumn[] = [];
  for (const f of contract.fields) {
    cols.push({
      name: f.name,
      type: storedType(f),
      description: f.type === 'timestamp' ? `${f.description} Local wall-clock time of the center.` : f.description,
      compression: compressionOf(f),
    });
    if (f.type === 'timestamp') cols.push({ name: `${f.name}_utc`, type: 'TIMESTAMP', description: `${f.name} in UTC.` });
  }
  cols.push({ name: '_ingest_id', type: 'BIGINT', description: 'Ingest (ingest_audit.ingest_id) that loaded the row.' });
  cols.push({ name: '_line', type: 'BIGINT', description: 'Record number in the source file (1 = header line of a CSV).' });
  return cols;
}

/** Normalises a header for alias matching: case, spaces, dashes, underscores and dots do not matter. */
export function normaliseHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[\s_\-.]+/g, '');
}

/** Maps input headers to contract fields; returns field → header, and the headers that matched nothing. */
export function mapHeaders(contract: Contract, headers: readonly string[]): { mapping: Map<string, string>; unknown: string[] } {
  const byNorm = new Map<string, string>();
  for (const f of contract.fields) {
    for (const name of [f.name, ...(f.aliases ?? [])]) {
      const n = normaliseHeader(name);
      if (!byNorm.has(n)) byNorm.set(n, f.name);
    }
  }
  const mapping = new Map<string, string>();
  const unknown: string[] = [];
  for (const h of headers) {
    const field = byNorm.get(normaliseHeader(h));
    if (field && !mapping.has(field)) mapping.set(field, h);
    else unknown.push(h);
  }
  return { mapping, unknown };
}
