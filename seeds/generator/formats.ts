/**
 * The four demo files in the canonical contract formats (pipelines/contracts.ts gives the column names and
 * their order), and how each feed's rows get spoiled for the dirty share.
 */
import { contracts } from '../../pipelines/contracts.ts';
import type { Leg } from './center.ts';
import type { BotTurnRow } from './bot.ts';
import { type DirtyKind, type FeedFormat, csvFormat, garbageTime, shiftTime } from './dirty.ts';
import type { Rng } from './random.ts';
import type { StateRow } from './states.ts';
import type { TicketEvent } from './tickets.ts';
import type { WallClock } from './time.ts';

const names = (source: keyof typeof contracts) => contracts[source].fields.map((f) => f.name);
/** Fields whose absence rejects a row (a required field with a default is filled in instead). */
const mustHave = (source: keyof typeof contracts) => contracts[source].fields.filter((f) => f.required && !f.default).map((f) => f.name);

const acdColumns = [
  'contact_id', 'leg_seq', 'customer_id', 'channel', 'direction', 'queue', 'agent', 'priority', 'arrival_at', 'ivr_entry_at', 'ivr_exit_at',
  'ivr_path', 'queue_entry_at', 'answer_at', 'end_at', 'hold_seconds', 'acw_seconds', 'disposition', 'outcome', 'transfer_to', 'csat',
];
const stateColumns = ['agent', 'state', 'reason', 'queue', 'start_at', 'end_at'];
const ticketColumns = ['ticket_id', 'event_at', 'event_type', 'status', 'channel', 'customer_id', 'group_name', 'assignee', 'priority', 'due_at', 'contact_id', 'subject'];
const botColumns = ['session_id', 'customer_id', 'channel', 'turn_seq', 'event_at', 'speaker', 'text', 'intent', 'confidence', 'fallback', 'escalation_to', 'contact_id'];

// The row builders below list values in this order; a contract change must show up here, not silently.
for (const [source, cols] of [['acd', acdColumns], ['agent-states', stateColumns], ['tickets', ticketColumns], ['bot', botColumns]] as const) {
  if (names(source).join(',') !== cols.join(',')) throw new Error(`the ${source} contract's fields changed: the demo generator writes ${cols.join(',')}`);
}

export function acdFields(leg: Leg, clock: WallClock): string[] {
  const worked = leg.agent !== '';
  return [
    leg.contact.id,
    String(leg.legSeq),
    leg.customerId,
    leg.channel,
    leg.direction,
    leg.queue,
    leg.agent,
    leg.priority > 0 ? String(leg.priority) : '',
    clock.format(leg.arrival),
    leg.ivrEntry >= 0 ? clock.format(leg.ivrEntry) : '',
    leg.ivrExit >= 0 ? clock.format(leg.ivrExit) : '',
    leg.ivrPath,
    leg.queueEntry >= 0 ? clock.format(leg.queueEntry) : '',
    leg.answer >= 0 ? clock.format(leg.answer) : '',
    clock.format(leg.end),
    worked ? String(leg.hold) : '',
    worked ? String(leg.acw) : '',
    leg.disposition,
    leg.outcome,
    leg.transferTo,
    leg.csat > 0 ? String(leg.csat) : '',
  ];
}

/** The same text as acdFields(…).join(','), built in one go: every ACD row goes through here. */
export function acdLine(leg: Leg, clock: WallClock): string {
  const worked = leg.agent !== '';
  return `${leg.contact.id},${leg.legSeq},${leg.customerId},${leg.channel},${leg.direction},${leg.queue},${leg.agent},${leg.priority > 0 ? leg.priority : ''},${clock.format(leg.arrival)},${leg.ivrEntry >= 0 ? clock.format(leg.ivrEntry) : ''},${leg.ivrExit >= 0 ? clock.format(leg.ivrExit) : ''},${leg.ivrPath},${leg.queueEntry >= 0 ? clock.format(leg.queueEntry) : ''},${leg.answer >= 0 ? clock.format(leg.answer) : ''},${clock.format(leg.end)},${worked ? leg.hold : ''},${worked ? leg.acw : ''},${leg.disposition},${leg.outcome},${leg.transferTo},${leg.csat > 0 ? leg.csat : ''}`;
}

export function stateFields(row: StateRow, clock: WallClock): string[] {
  return [row.agent, row.state, row.reason, row.queue, clock.format(row.start), clock.format(row.end)];
}

export function ticketFields(e: TicketEvent, clock: WallClock): string[] {
  const t = e.ticket;
  return [t.id, clock.format(e.at), e.type, e.status, t.channel, t.customerId, e.group, e.assignee, t.priority, clock.format(t.due), t.contact?.id ?? '', t.subject];
}

const blankOne = (fields: string[], col: (n: string) => number, candidates: readonly string[], rng: Rng) => {
  fields[col(rng.pick(candidates))] = '';
};

const garbleOneTime = (fields: string[], col: (n: string) => number, candidates: readonly string[], rng: Rng) => {
  const present = candidates.filter((c) => fields[col(c)] !== '');
  const name = rng.pick(present.length > 0 ? present : candidates.slice(0, 1));
  fields[col(name)] = garbageTime(fields[col(name)] || fields[col(candidates[0]!)]!, rng);
};

export const acdFormat = (clock: WallClock): FeedFormat<Leg> => csvFormat<Leg>(
  acdColumns,
  ['missing_required', 'bad_time', 'end_before_start', 'negative_value', 'unknown_code', 'conflicting_duplicate', 'exact_duplicate', 'wrong_field_count'],
  (leg) => acdFields(leg, clock),
  (kind, f, col, rng) => {
    switch (kind) {
      case 'missing_required':
        return blankOne(f, col, mustHave('acd'), rng);
      case 'bad_time':
        return garbleOneTime(f, col, ['arrival_at', 'end_at', 'queue_entry_at', 'answer_at', 'ivr_exit_at'], rng);
      case 'end_before_start':
        f[col('end_at')] = shiftTime(f[col('arrival_at')]!, -rng.between(30, 3600));
        return;
      case 'negative_value':
        f[col(rng.chance(0.5) ? 'hold_seconds' : 'acw_seconds')] = `-${rng.between(1, 300)}`;
        return;
      case 'unknown_code':
        if (rng.chance(0.7)) f[col('channel')] = rng.pick(['fax', 'pager', 'telex']);
        else f[col('direction')] = 'both';
        return;
      case 'conflicting_duplicate':
        f[col('hold_seconds')] = String(Number(f[col('hold_seconds')] || '0') + 7);
        return;
    }
  },
  (leg) => acdLine(leg, clock),
);

export const stateFormat = (clock: WallClock): FeedFormat<StateRow> => csvFormat<StateRow>(
  stateColumns,
  ['missing_required', 'bad_time', 'end_before_start', 'unknown_code', 'conflicting_duplicate', 'exact_duplicate', 'wrong_field_count'],
  (row) => stateFields(row, clock),
  (kind, f, col, rng) => {
    switch (kind) {
      case 'missing_required':
        return blankOne(f, col, mustHave('agent-states'), rng);
      case 'bad_time':
        return garbleOneTime(f, col, ['start_at', 'end_at'], rng);
      case 'end_before_start':
        f[col('end_at')] = shiftTime(f[col('start_at')]!, -rng.between(10, 600));
        return;
      case 'unknown_code':
        f[col('state')] = rng.pick(['AUX7', 'coffee', 'offline_2']);
        return;
      case 'conflicting_duplicate':
        f[col('end_at')] = shiftTime(f[col('end_at')]!, 5);
        return;
      case 'negative_value':
        throw new Error('agent states have no durations');
    }
  },
);

export const ticketFormat = (clock: WallClock): FeedFormat<TicketEvent> => csvFormat<TicketEvent>(
  ticketColumns,
  ['missing_required', 'bad_time', 'end_before_start', 'unknown_code', 'conflicting_duplicate', 'exact_duplicate', 'wrong_field_count'],
  (e) => ticketFields(e, clock),
  (kind, f, col, rng) => {
    switch (kind) {
      case 'missing_required':
        return blankOne(f, col, mustHave('tickets'), rng);
      case 'bad_time':
        return garbleOneTime(f, col, ['event_at', 'due_at'], rng);
      case 'end_before_start':
        // A ticket "created" already past its due time.
        f[col('event_type')] = 'created';
        f[col('status')] = 'new';
        f[col('due_at')] = shiftTime(f[col('event_at')]!, -86_400);
        return;
      case 'unknown_code':
        if (rng.chance(0.7)) f[col('status')] = rng.pick(['escalated', 'frozen']);
        else f[col('event_type')] = 'merge';
        return;
      case 'conflicting_duplicate':
        f[col('subject')] = `${f[col('subject')]}（重复）`;
        return;
      case 'negative_value':
        throw new Error('tickets have no durations');
    }
  },
);

const botKinds: readonly DirtyKind[] = ['missing_required', 'bad_time', 'negative_value', 'unknown_code', 'conflicting_duplicate', 'exact_duplicate', 'wrong_field_count'];

export const botFormat: FeedFormat<BotTurnRow> = {
  header: null,
  kinds: botKinds,
  line: (row) => JSON.stringify(row),
  spoil(kind, row, line, rng) {
    const copy: Record<string, unknown> = { ...row };
    switch (kind) {
      case 'exact_duplicate':
        return line;
      case 'wrong_field_count':
        // A record cut short: not valid JSON.
        return line.slice(0, Math.max(1, Math.floor(line.length / 2)));
      case 'missing_required':
        delete copy[rng.pick(mustHave('bot'))];
        break;
      case 'bad_time':
        copy.event_at = garbageTime(row.event_at, rng);
        break;
      case 'negative_value':
        if (rng.chance(0.5)) copy.turn_seq = -1;
        else copy.confidence = -0.3;
        break;
      case 'unknown_code':
        copy.speaker = rng.pick(['robot', 'operator']);
        break;
      case 'conflicting_duplicate':
        copy.text = `${row.text}。`;
        break;
      case 'end_before_start':
        throw new Error('bot turns have no end time');
    }
    return JSON.stringify(copy);
  },
};
