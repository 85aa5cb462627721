/**
 * `technion`: the "Anonymous Bank" call log of the Technion SEELab call-center data (Guedj & Mandelbaum),
 * tab-separated, one call per line: VRU (IVR) entry and exit, queue entry and exit, service start and end.
 * One ACD contact (leg 1) per call. Rows whose times contradict their own durations are rejected, not fixed.
 */
import { defaultConfig } from '../../core/config.ts';
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { checkOptions, numberOption } from './options.ts';
import { readLines } from './text.ts';
import { clockSeconds, isRealTime, wallClock } from './times.ts';

export const technionColumns = [
  'vru+line', 'call_id', 'customer_id', 'priority', 'type', 'date', 'vru_entry', 'vru_exit', 'vru_time',
  'q_start', 'q_exit', 'q_time', 'outcome', 'ser_start', 'ser_exit', 'ser_time', 'server',
] as const;

type Column = (typeof technionColumns)[number];
type Fields = Record<string, string | null>;
interface Problem {
  ok: false;
  field: string;
  reason: string;
}

const DAY = 86_400;
const NOT_SET = '0:00:00';

/** Options: `ivr-self-service-min-seconds` (default: config `ivrSelfServiceMinSeconds`). */
export const technion: Adapter = {
  name: 'technion',
  summary: 'Technion "Anonymous Bank" call log (tab-separated, one call per line) → ACD contacts',
  sources: ['acd'],
  read: readTechnion,
};

async function* readTechnion(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('technion', ctx.options, ['ivr-self-service-min-seconds']);
  const selfServiceMin = numberOption(ctx.options, 'ivr-self-service-min-seconds', (ctx.config ?? defaultConfig).ivrSelfServiceMinSeconds);
  for await (const { line, text } of readLines(path)) {
    if (text.trim() === '') continue;
    const cols = text.split('\t').map((c) => c.trim());
    if (line === 1 && cols[0]?.toLowerCase() === 'vru+line') continue;
    const result = bankCall(cols, selfServiceMin);
    if (result.ok) yield { kind: 'row', source: 'acd', line, raw: text, fields: result.fields };
    else {
      // The caller's id is the one personal value of a line, when the line has its columns.
      const customer = cols.length === technionColumns.length ? cols[technionColumns.indexOf('customer_id')] : undefined;
      const personal = customer === undefined ? undefined : customer === '' || customer === '0' ? [] : [customer];
      yield { kind: 'reject', source: 'acd', line, raw: text, field: result.field, reason: result.reason, personal };
    }
  }
}

/** One call line → contact fields, or the problem that stops it. */
export function bankCall(cols: readonly string[], selfServiceMin: number): { ok: true; fields: Fields } | Problem {
  if (cols.length !== technionColumns.length) {
    return { ok: false, field: 'contact_id', reason: `expected ${technionColumns.length} tab-separated fields, found ${cols.length}` };
  }
  const v = Object.fromEntries(technionColumns.map((c, i) => [c, cols[i]!])) as Record<Column, string>;

  const date = /^(\d{2})(\d{2})(\d{2})$/.exec(v.date);
  const yy = Number(date?.[1]);
  const year = yy >= 70 ? 1900 + yy : 2000 + yy;
  const month = Number(date?.[2]);
  const day = Number(date?.[3]);
  if (!date || !isRealTime(year, month, day, 0, 0, 0)) return { ok: false, field: 'arrival_at', reason: `date "${v.date}" is not a YYMMDD date` };

  const clocks: [Column, string][] = [
    ['vru_entry', 'arrival_at'], ['vru_exit', 'ivr_exit_at'], ['q_start', 'queue_entry_at'],
    ['q_exit', 'queue_entry_at'], ['ser_start', 'answer_at'], ['ser_exit', 'end_at'],
  ];
  const sec = {} as Record<Column, number>;
  for (const [col, field] of clocks) {
    const s = clockSeconds(v[col]);
    if (s === null) return { ok: false, field, reason: `${col} "${v[col]}" is not a H:MM:SS time` };
    sec[col] = s;
  }
  const durations: [Column, string][] = [['vru_time', 'ivr_exit_at'], ['q_time', 'queue_entry_at'], ['ser_time', 'end_at']];
  for (const [col, field] of durations) {
    if (!/^-?\d+$/.test(v[col])) return { ok: false, field, reason: `${col} "${v[col]}" is not a whole number of seconds` };
    sec[col] = Number(v[col]);
  }
  if (!['AGENT', 'HANG', 'PHANTOM'].includes(v.outcome)) return { ok: false, field: 'outcome', reason: `unknown outcome "${v.outcome}" (expected AGENT, HANG or PHANTOM)` };

  // 0:00:00 marks "not reached"; a real midnight shows by a non-zero exit time or duration.
  const queued = v.q_start !== NOT_SET || v.q_exit !== NOT_SET || sec.q_time !== 0;
  const served = v.ser_start !== NOT_SET || v.ser_exit !== NOT_SET || sec.ser_time !== 0;

  // Times are seconds after midnight of `date`; a time more than 12 h before the VRU entry is on the next day.
  const entry = sec.vru_entry;
  const at = (col: Column) => (sec[col] < entry - DAY / 2 ? sec[col] + DAY : sec[col]);

  const spans: [Column, Column, Column, string, boolean][] = [
    ['vru_entry', 'vru_exit', 'vru_time', 'ivr_exit_at', true],
    ['q_start', 'q_exit', 'q_time', 'queue_entry_at', queued],
    ['ser_start', 'ser_exit', 'ser_time', 'end_at', served],
  ];
  for (const [start, exit, stated, field, present] of spans) {
    if (!present) continue;
    const given = sec[stated];
    const measured = at(exit) - at(start);
    if (given < 0) return { ok: false, field, reason: `negative ${stated} (${given} s): ${exit} ${v[exit]} is before ${start} ${v[start]}` };
    if (measured !== given) return { ok: false, field, reason: `${stated} ${given} s does not match ${exit} − ${start} (${measured} s)` };
  }

  if (!/^\d*$/.test(v.customer_id)) {
    // A spreadsheet turned some ids into rounded numbers (3.27E+11): they would merge different customers.
    return { ok: false, field: 'customer_id', reason: `customer_id "${v.customer_id}" is not a whole number (rounded by a spreadsheet?): the caller cannot be identified` };
  }
  const agentName = v.server === 'NO_SERVER' || v.server === '' ? null : v.server;
  if (v.outcome === 'AGENT' && !served) {
    return { ok: false, field: 'answer_at', reason: 'outcome AGENT without service times (ser_start 0:00:00): when the call was answered and when it ended are unknown' };
  }
  if (v.outcome !== 'AGENT' && agentName !== null) return { ok: false, field: 'agent', reason: `outcome ${v.outcome} but server ${agentName} is recorded` };

  const wall = (seconds: number) => wallClock(year, month, day, 0, 0, seconds);
  const ivrSeconds = sec.vru_time;
  const outcome =
    v.outcome === 'AGENT' ? 'answered'
    : v.outcome === 'PHANTOM' ? 'phantom'
    : queued ? 'abandoned'
    : ivrSeconds >= selfServiceMin ? 'self_service'
    : 'ivr_abandon';
  const end = served ? at('ser_exit') : queued ? at('q_exit') : at('vru_exit');

  const fields: Fields = {
    contact_id: `${v['vru+line']}-${v.call_id}`,
    leg_seq: '1',
    customer_id: v.customer_id === '0' || v.customer_id === '' ? null : v.customer_id,
    channel: 'voice',
    direction: 'inbound',
    // The service type routes the call; a call that never left the VRU was not routed to any queue.
    queue: v.type === '' || (!queued && !served) ? null : v.type,
    agent: v.outcome === 'AGENT' ? agentName : null,
    priority: v.priority === '' ? null : v.priority,
    arrival_at: wall(entry),
    ivr_entry_at: wall(entry),
    ivr_exit_at: wall(at('vru_exit')),
    ivr_path: 'vru',
    queue_entry_at: queued ? wall(at('q_start')) : null,
    answer_at: v.outcome === 'AGENT' ? wall(at('ser_start')) : null,
    end_at: wall(end),
    hold_seconds: null,
    acw_seconds: null,
    disposition: null,
    outcome,
    transfer_to: null,
    csat: null,
  };
  return { ok: true, fields };
}
