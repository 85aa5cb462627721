/**
 * `servicenow`: a ServiceNow incident event log exported as CSV (plain or .gz): one row per update of an
 * incident (`number`, `incident_state`, `sys_updated_at`, `assignment_group`, `assigned_to`, …), `?` for
 * missing values, `D/M/YYYY HH:MM` times. One ticket event per update row.
 */
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { readHeadedRows } from './csv.ts';
import { checkOptions } from './options.ts';
import { isRealTime, wallClock } from './times.ts';

export const servicenow: Adapter = {
  name: 'servicenow',
  summary: 'ServiceNow incident event log (CSV, one row per update, ? for missing) → ticket events',
  sources: ['tickets'],
  read: readIncidentLog,
};

/** incident_state → ticket status. */
export const incidentStates: Record<string, string> = {
  'new': 'new',
  'active': 'open',
  'in progress': 'open',
  'awaiting user info': 'pending',
  'awaiting caller': 'pending',
  'awaiting evidence': 'on_hold',
  'awaiting problem': 'on_hold',
  'awaiting vendor': 'on_hold',
  'awaiting change': 'on_hold',
  'on hold': 'on_hold',
  'resolved': 'resolved',
  'closed': 'closed',
  'canceled': 'cancelled',
  'cancelled': 'cancelled',
};

const contactTypes: Record<string, string> = {
  'phone': 'voice',
  'email': 'email',
  'self service': 'web',
  'self-service': 'web',
  'chat': 'chat',
  'walk-in': 'video',
  'ivr': 'voice',
};

interface Previous {
  status: string;
  group: string | null;
  assignee: string | null;
  reopens: number;
  /** Updates seen per minute. */
  minutes: Map<string, number>;
}

async function* readIncidentLog(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('servicenow', ctx.options, []);
  const incidents = new Map<string, Previous>();
  for await (const rec of readHeadedRows(path, { required: ['number', 'incident_state', 'sys_updated_at'], what: 'a ServiceNow incident log', nullTokens: ['?'] })) {
    const reject = (field: string | null, reason: string): AdapterOutput => ({ kind: 'reject', source: 'tickets', line: rec.line, raw: rec.raw, field, reason });
    if ('reason' in rec) {
      yield reject(null, rec.reason);
      continue;
    }
    const get = rec.get;

    const id = get('number');
    if (!id) {
      yield reject('ticket_id', 'no incident number');
      continue;
    }
    const state = get('incident_state');
    const mapped = state === null ? undefined : incidentStates[state.toLowerCase()];
    if (!mapped) {
      yield reject('status', `incident_state "${state ?? ''}" is not a known incident state`);
      continue;
    }
    const updated = get('sys_updated_at');
    const when = updated === null ? null : parseDayFirst(updated);
    if (!when) {
      yield reject('event_at', `sys_updated_at "${updated ?? ''}" is not a D/M/YYYY HH:MM time`);
      continue;
    }

    const prev = incidents.get(id);
    const group = get('assignment_group');
    const assignee = get('assigned_to');
    const reopens = Number(get('reopen_count') ?? '0');
    // A rise of reopen_count marks the update that reopened the incident.
    const status = prev && Number.isFinite(reopens) && reopens > prev.reopens && mapped !== 'resolved' && mapped !== 'closed' ? 'reopened' : mapped;
    const eventType = !prev ? 'created' : status !== prev.status ? 'status_change' : group !== prev.group || assignee !== prev.assignee ? 'assignment' : 'update';
    // The log keeps minutes only; the seconds number the updates of an incident within one minute, in file order.
    const minutes = prev?.minutes ?? new Map<string, number>();
    const inMinute = minutes.get(when) ?? 0;
    if (inMinute > 59) {
      yield reject('event_at', `more than 60 updates of ${id} in the minute ${updated}`);
      continue;
    }
    minutes.set(when, inMinute + 1);
    incidents.set(id, { status, group, assignee, reopens: Number.isFinite(reopens) ? reopens : (prev?.reopens ?? 0), minutes });

    const contactType = get('contact_type');
    yield {
      kind: 'row',
      source: 'tickets',
      line: rec.line,
      raw: rec.raw,
      fields: {
        ticket_id: id,
        event_at: `${when}:${String(inMinute).padStart(2, '0')}`,
        event_type: eventType,
        status,
        channel: contactType === null ? null : (contactTypes[contactType.toLowerCase()] ?? contactType),
        customer_id: get('caller_id'),
        group_name: group,
        assignee,
        priority: get('priority'),
        due_at: null,
        contact_id: null,
        subject: get('short_description'),
      },
    };
  }
}

/** `D/M/YYYY HH:MM` → `YYYY-MM-DD HH:MM` (minute precision), or null. */
function parseDayFirst(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [d, mo, y, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  if (!isRealTime(y, mo, d, h, mi, 0)) return null;
  return wallClock(y, mo, d, h, mi, 0).slice(0, 16);
}
