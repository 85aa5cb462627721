/**
 * `socrata-311`: NYC-style 311 service requests as exported from a Socrata open-data portal (CSV with
 * `Unique Key`, `Created Date`, `Closed Date`, `Due Date`, `Status`, `Agency`, `Open Data Channel Type`, …;
 * dates `MM/DD/YYYY hh:mm:ss AM/PM`). Each request gives a `created` event and, when it has a Closed Date,
 * a status event at that date carrying the request's Status.
 */
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { readHeadedRows } from './csv.ts';
import { checkOptions } from './options.ts';
import { isRealTime, wallClock } from './times.ts';

export const socrata311: Adapter = {
  name: 'socrata-311',
  summary: 'NYC-style 311 service requests (Socrata CSV export) → ticket events',
  sources: ['tickets'],
  read: readServiceRequests,
};

/** Status → ticket status; other statuses are passed on and rejected by validation. */
const statuses: Record<string, string> = {
  'closed': 'closed',
  'open': 'open',
  'in progress': 'open',
  'assigned': 'open',
  'started': 'open',
  'pending': 'pending',
  'email sent': 'pending',
  'draft': 'new',
  'cancel': 'cancelled',
  'cancelled': 'cancelled',
};

/** Open Data Channel Type → channel; UNKNOWN and OTHER name no channel. */
const channels: Record<string, string | null> = { phone: 'voice', online: 'web', mobile: 'app', unknown: null, other: null };

async function* readServiceRequests(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('socrata-311', ctx.options, []);
  for await (const rec of readHeadedRows(path, { required: ['Unique Key', 'Created Date'], what: 'a 311 service-request export' })) {
    const reject = (field: string | null, reason: string): AdapterOutput => ({ kind: 'reject', source: 'tickets', line: rec.line, raw: rec.raw, field, reason });
    if ('reason' in rec) {
      yield reject(null, rec.reason);
      continue;
    }
    const get = rec.get;

    const id = get('Unique Key');
    if (!id) {
      yield reject('ticket_id', 'no Unique Key');
      continue;
    }
    const times: Record<string, string | null> = {};
    let bad: AdapterOutput | null = null;
    for (const [name, field] of [['Created Date', 'event_at'], ['Closed Date', 'event_at'], ['Due Date', 'due_at']] as const) {
      const raw = get(name);
      times[name] = raw === null ? null : parseUsTime(raw);
      if (raw !== null && times[name] === null) bad = reject(field, `${name} "${raw}" is not a MM/DD/YYYY hh:mm:ss AM/PM time`);
    }
    if (bad) {
      yield bad;
      continue;
    }
    const created = times['Created Date'];
    if (!created) {
      yield reject('event_at', 'no Created Date');
      continue;
    }
    const channelCode = get('Open Data Channel Type')?.toLowerCase();
    const complaint = get('Complaint Type');
    const descriptor = get('Descriptor');
    const common = {
      ticket_id: id,
      channel: channelCode === undefined ? null : channelCode in channels ? channels[channelCode]! : channelCode,
      customer_id: null,
      group_name: get('Agency'),
      assignee: null,
      priority: null,
      due_at: times['Due Date'] ?? null,
      contact_id: null,
      subject: complaint && descriptor ? `${complaint}: ${descriptor}` : (complaint ?? descriptor),
    };
    yield { kind: 'row', source: 'tickets', line: rec.line, raw: rec.raw, fields: { ...common, event_at: created, event_type: 'created', status: 'new' } };

    const closed = times['Closed Date'];
    if (!closed) continue;
    const statusText = get('Status');
    if (closed < created) {
      yield reject('event_at', `Closed Date ${get('Closed Date')} is before Created Date ${get('Created Date')} (status ${statusText ?? 'none'}): the closing event is not loaded`);
      continue;
    }
    const status = statusText === null ? null : (statuses[statusText.toLowerCase()] ?? statusText);
    yield { kind: 'row', source: 'tickets', line: rec.line, raw: rec.raw, fields: { ...common, event_at: closed, event_type: 'status_change', status } };
  }
}

/** `MM/DD/YYYY hh:mm:ss AM/PM` (12-hour clock) → `YYYY-MM-DD HH:MM:SS`, or null. */
export function parseUsTime(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)$/i.exec(text);
  if (!m) return null;
  const [mo, d, y, h12, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (h12 < 1 || h12 > 12) return null;
  const h = (h12 % 12) + (m[7]!.toUpperCase() === 'PM' ? 12 : 0);
  if (!isRealTime(y, mo, d, h, mi, s)) return null;
  return wallClock(y, mo, d, h, mi, s);
}
