/**
 * `amazon-connect-ctr`: Amazon Connect contact records (CTRs) as JSON Lines, a JSON array, or objects written
 * back to back (the Kinesis Firehose S3 export). One ACD contact leg per CTR; CTRs linked by
 * PreviousContactId / NextContactId (agent transfers, queue transfers, callbacks) are legs of one contact.
 */
import { defaultConfig } from '../../core/config.ts';
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { isObject, readJsonRecords } from './json.ts';
import { checkOptions, numberOption } from './options.ts';
import { instantMs } from './times.ts';
import { isPersonalValue } from '../pseudonymize.ts';

export const amazonConnectCtr: Adapter = {
  name: 'amazon-connect-ctr',
  summary: 'Amazon Connect contact records (JSON Lines, JSON array or Firehose export) → ACD contacts',
  sources: ['acd'],
  read: readCtrs,
};

const OPTIONS = ['ivr-self-service-min-seconds', 'disposition-attribute', 'csat-attribute'];

const CHANNELS: Record<string, string> = { VOICE: 'voice', CHAT: 'chat', TASK: 'ticket', EMAIL: 'email' };
const OUTBOUND = new Set(['OUTBOUND', 'EXTERNAL_OUTBOUND', 'AGENT_REPLY', 'CALLBACK']);

type Obj = Record<string, unknown>;

interface Ctr {
  line: number;
  raw: string;
  id: string;
  value: Obj;
  updated: number;
}

async function* readCtrs(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('amazon-connect-ctr', ctx.options, OPTIONS);
  const selfServiceMin = numberOption(ctx.options, 'ivr-self-service-min-seconds', defaultConfig.ivrSelfServiceMinSeconds);
  const dispositionKey = ctx.options['disposition-attribute'];
  const csatKey = ctx.options['csat-attribute'];

  // Transfers link records across the file, so every record is read before legs are numbered.
  const records: Ctr[] = [];
  for await (const rec of readJsonRecords(path)) {
    if (!rec.ok) {
      yield reject(rec.line, rec.raw, null, rec.reason);
      continue;
    }
    const v = rec.value;
    if (!isObject(v)) {
      yield reject(rec.line, rec.raw, null, 'not a JSON object (a contact record is an object)');
      continue;
    }
    const id = text(v.ContactId);
    if (!id) {
      yield reject(rec.line, rec.raw, 'contact_id', 'no ContactId', personalOf(v));
      continue;
    }
    records.push({ line: rec.line, raw: rec.raw, id, value: v, updated: instantMs(text(v.LastUpdateTimestamp) ?? '') });
  }

  // Records are delivered at least once: the copy with the latest LastUpdateTimestamp counts.
  const latest = new Map<string, Ctr>();
  for (const r of records) {
    const seen = latest.get(r.id);
    if (!seen || !(r.updated < seen.updated)) latest.set(r.id, r);
  }

  for (const r of records) {
    const current = latest.get(r.id)!;
    if (current !== r && JSON.stringify(r.value) !== JSON.stringify(current.value)) {
      yield reject(r.line, r.raw, 'contact_id', `an older copy of contact ${r.id}: the copy on line ${current.line} (LastUpdateTimestamp ${text(current.value.LastUpdateTimestamp) ?? '?'}) is the one loaded`, personalOf(r.value));
      continue;
    }
    const leg = legOf(r, latest);
    if (typeof leg === 'string') {
      yield reject(r.line, r.raw, 'leg_seq', leg, personalOf(r.value));
      continue;
    }
    const fields = contactFields(r.value, leg, latest, selfServiceMin, dispositionKey, csatKey);
    if (typeof fields === 'string') yield reject(r.line, r.raw, null, fields, personalOf(r.value));
    else yield { kind: 'row', source: 'acd', line: r.line, raw: r.raw, fields, personal: personalOf(r.value) };
  }
}

function reject(line: number, raw: string, field: string | null, reason: string, personal?: readonly string[]): AdapterOutput {
  return { kind: 'reject', source: 'acd', line, raw, field, reason, personal };
}

/** The personal values of a record: the customer's id and number, and a number the contact was transferred to. */
function personalOf(v: Obj): string[] {
  const transfer = text(obj(v.TransferredToEndpoint).Address);
  return [text(v.CustomerId), text(obj(v.CustomerEndpoint).Address), transfer && isPersonalValue(transfer, 'phone') ? transfer : null].filter((x): x is string => !!x);
}

/** The first contact of the chain and this record's place in it, or why it cannot be placed. */
function legOf(r: Ctr, byId: ReadonlyMap<string, Ctr>): { contactId: string; seq: number } | string {
  let seq = 1;
  let cur = r;
  const seen = new Set([r.id]);
  for (;;) {
    const prev = text(cur.value.PreviousContactId);
    if (!prev) break;
    const p = byId.get(prev);
    if (!p) return `previous contact ${prev} (PreviousContactId of ${cur.id}) is not in this file, so the leg number is unknown: load the whole chain in one file`;
    if (seen.has(prev)) return `PreviousContactId links of contact ${r.id} form a loop`;
    seen.add(prev);
    cur = p;
    seq++;
  }
  return { contactId: cur.id, seq };
}

function contactFields(
  v: Obj,
  leg: { contactId: string; seq: number },
  byId: ReadonlyMap<string, Ctr>,
  selfServiceMin: number,
  dispositionKey: string | undefined,
  csatKey: string | undefined,
): Record<string, string | null> | string {
  const queue = obj(v.Queue);
  const agent = obj(v.Agent);
  const method = (text(v.InitiationMethod) ?? '').toUpperCase();
  const channelCode = (text(v.Channel) ?? '').toUpperCase();
  const channel = method === 'CALLBACK' ? 'callback' : (CHANNELS[channelCode] ?? (channelCode === '' ? null : channelCode.toLowerCase()));
  const direction = OUTBOUND.has(method) || (method === 'API' && channelCode === 'VOICE') ? 'outbound' : 'inbound';

  const initiated = text(v.InitiationTimestamp);
  const disconnected = text(v.DisconnectTimestamp);
  if (!initiated) return 'no InitiationTimestamp';
  if (!disconnected) return 'no DisconnectTimestamp (the contact had not ended when the record was written)';
  const connectedToSystem = text(v.ConnectedToSystemTimestamp);
  const enqueued = text(queue.EnqueueTimestamp);
  const answered = text(agent.ConnectedToAgentTimestamp);

  // Inbound contacts run the contact flow (the IVR) from connecting until queued or disconnected.
  const inFlow = method === 'INBOUND' && connectedToSystem !== null;
  const next = text(v.NextContactId);
  const nextCtr = next ? byId.get(next)?.value : undefined;
  const reason = (text(v.DisconnectReason) ?? '').toUpperCase();

  let outcome: string | null;
  let transferTo: string | null = null;
  if (next && nextCtr && (text(nextCtr.InitiationMethod) ?? '').toUpperCase() === 'CALLBACK') {
    outcome = answered ? 'answered' : 'callback';
  } else {
    if (next) transferTo = nextCtr ? (text(obj(nextCtr.Queue).Name) ?? text(obj(nextCtr.Agent).Username) ?? next) : next;
    else transferTo = text(obj(v.TransferredToEndpoint).Address);
    if (answered) outcome = 'answered';
    else if (transferTo) outcome = null;
    else if (enqueued) outcome = reason === '' || reason === 'CUSTOMER_DISCONNECT' ? 'abandoned' : 'failed';
    else if (direction === 'outbound') outcome = 'failed';
    else if (inFlow) {
      const seconds = (instantMs(disconnected) - instantMs(connectedToSystem!)) / 1000;
      outcome = reason === 'CONTACT_FLOW_DISCONNECT' || seconds >= selfServiceMin ? 'self_service' : 'ivr_abandon';
    } else outcome = null;
  }

  const attributes = obj(v.Attributes);
  return {
    contact_id: leg.contactId,
    leg_seq: String(leg.seq),
    customer_id: text(v.CustomerId) ?? text(obj(v.CustomerEndpoint).Address),
    channel,
    direction,
    queue: text(queue.Name),
    agent: text(agent.Username),
    priority: null,
    arrival_at: initiated,
    ivr_entry_at: inFlow ? connectedToSystem : null,
    ivr_exit_at: inFlow ? (enqueued ?? disconnected) : null,
    ivr_path: null,
    queue_entry_at: enqueued,
    answer_at: answered,
    end_at: disconnected,
    hold_seconds: text(agent.CustomerHoldDuration),
    acw_seconds: text(agent.AfterContactWorkDuration),
    disposition: dispositionKey ? text(attributes[dispositionKey]) : null,
    outcome,
    transfer_to: transferTo,
    csat: csatKey ? text(attributes[csatKey]) : null,
  };
}

function obj(v: unknown): Obj {
  return isObject(v) ? v : {};
}

/** A JSON value as text: strings trimmed (empty → null), numbers and booleans as written. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}
