/**
 * `rasa-tracker`: conversations from a Rasa tracker store exported as JSON: a tracker object
 * `{sender_id, events: […]}`, a list of trackers, JSON Lines of trackers, or a stream of single events that
 * each carry `sender_id` (as an event broker writes them). User and bot events become turns; a fallback
 * action or intent marks the user turn the bot did not understand; a hand-off action becomes a system turn
 * with `escalation_to`.
 */
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { isObject, readJsonRecords } from './json.ts';
import { checkOptions, listOption, patternOption } from './options.ts';
import { isoFromEpoch } from './times.ts';

export const rasaTracker: Adapter = {
  name: 'rasa-tracker',
  summary: 'Rasa tracker-store export (tracker JSON, list, JSON Lines or event stream) → bot turns',
  sources: ['bot'],
  read: readTrackers,
};

const OPTIONS = ['fallback-actions', 'fallback-intents', 'handoff-pattern', 'handoff-queue', 'channel'];

/** Rasa input channels → contract channels. */
const inputChannels: Record<string, string> = {
  rest: 'chat', socketio: 'chat', webchat: 'chat', botframework: 'chat', cmdline: 'chat', callback: 'chat',
  facebook: 'messaging', messenger: 'messaging', telegram: 'messaging', slack: 'messaging', mattermost: 'messaging',
  rocketchat: 'messaging', hangouts: 'messaging', whatsapp: 'messaging', webexteams: 'messaging',
  twilio: 'sms', twilio_voice: 'voice', audiocodes: 'voice', jambonz: 'voice', vonage: 'voice',
};

type Obj = Record<string, unknown>;
type Fields = Record<string, string | null>;

interface Settings {
  fallbackActions: Set<string>;
  fallbackIntents: Set<string>;
  handoff: RegExp;
  handoffQueue: string | null;
  channel: string | null;
}

interface Turn {
  line: number;
  raw: string;
  fields: Fields;
}

interface Session {
  id: string;
  number: number;
  turns: Turn[];
  /** The latest user turn that the bot has not answered yet. */
  pendingUser: Turn | null;
  channel: string | null;
}

async function* readTrackers(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('rasa-tracker', ctx.options, OPTIONS);
  const settings: Settings = {
    fallbackActions: listOption(ctx.options, 'fallback-actions', ['action_default_fallback', 'action_two_stage_fallback']),
    fallbackIntents: listOption(ctx.options, 'fallback-intents', ['nlu_fallback']),
    handoff: patternOption(ctx.options, 'handoff-pattern', 'handoff|human'),
    handoffQueue: ctx.options['handoff-queue'] ?? null,
    channel: ctx.options.channel ?? null,
  };
  const conversations = new Map<string, Conversation>();
  for await (const rec of readJsonRecords(path)) {
    if (!rec.ok) {
      yield reject(rec.line, rec.raw, null, rec.reason);
      continue;
    }
    const items = Array.isArray(rec.value) ? rec.value : [rec.value];
    for (const item of items) {
      if (!isObject(item)) {
        yield reject(rec.line, rec.raw, null, 'not a tracker or event object');
        continue;
      }
      const sender = text(item.sender_id);
      if (!sender) {
        yield reject(rec.line, rec.raw, 'session_id', 'no sender_id');
        continue;
      }
      let conv = conversations.get(sender);
      if (!conv) conversations.set(sender, (conv = new Conversation(sender, settings)));
      if (Array.isArray(item.events)) for (const ev of item.events) yield* conv.add(ev, rec.line);
      else if (typeof item.event === 'string') yield* conv.add(item, rec.line);
      else yield reject(rec.line, rec.raw, null, 'neither a tracker (no events list) nor an event (no event type)');
    }
  }
  for (const conv of conversations.values()) yield* conv.finish();
}

function reject(line: number, raw: string, field: string | null, reason: string): AdapterOutput {
  return { kind: 'reject', source: 'bot', line, raw, field, reason };
}

/** The turns of one sender, cut into sessions at `session_started` events. */
class Conversation {
  private session: Session;
  /** Input channel last seen for this sender, for sessions that name none. */
  private lastChannel: string | null = null;
  constructor(
    private readonly sender: string,
    private readonly settings: Settings,
  ) {
    this.session = this.newSession(1);
  }

  private newSession(number: number): Session {
    // The first session keeps the sender id, so it stays the same when later sessions are exported.
    return { id: number === 1 ? this.sender : `${this.sender}:${number}`, number, turns: [], pendingUser: null, channel: null };
  }

  *add(ev: unknown, line: number): Generator<AdapterOutput> {
    const raw = JSON.stringify(ev);
    if (!isObject(ev)) {
      yield reject(line, raw, null, 'an event that is not an object');
      return;
    }
    const type = text(ev.event);
    if (type === 'session_started') {
      if (this.session.turns.length) {
        yield* this.flush();
        this.session = this.newSession(this.session.number + 1);
      }
      return;
    }
    if (type !== 'user' && type !== 'bot' && type !== 'action') return;
    const at = typeof ev.timestamp === 'number' && Number.isFinite(ev.timestamp) ? isoFromEpoch(ev.timestamp) : null;
    if (!at) {
      yield reject(line, raw, 'event_at', `${type} event without a numeric timestamp`);
      return;
    }
    const s = this.session;
    if (type === 'user') {
      const intent = isObject(ev.parse_data) && isObject(ev.parse_data.intent) ? ev.parse_data.intent : {};
      const name = text(intent.name);
      s.channel ??= text(ev.input_channel);
      this.lastChannel = s.channel ?? this.lastChannel;
      const turn = this.turn(line, raw, at, 'user', text(ev.text), name, text(intent.confidence));
      if (name && this.settings.fallbackIntents.has(name.toLowerCase())) turn.fields.fallback = 'true';
      s.pendingUser = turn;
      return;
    }
    if (type === 'bot') {
      this.turn(line, raw, at, 'bot', text(ev.text), null, null);
      s.pendingUser = null;
      return;
    }
    const action = text(ev.name) ?? '';
    if (this.settings.fallbackActions.has(action.toLowerCase())) {
      if (s.pendingUser) s.pendingUser.fields.fallback = 'true';
      else this.turn(line, raw, at, 'system', action, null, null).fields.fallback = 'true';
    } else if (this.settings.handoff.test(action)) {
      this.turn(line, raw, at, 'system', action, null, null).fields.escalation_to = this.settings.handoffQueue ?? action;
    }
  }

  private turn(line: number, raw: string, at: string, speaker: string, said: string | null, intent: string | null, confidence: string | null): Turn {
    const turn: Turn = {
      line,
      raw,
      fields: {
        session_id: this.session.id,
        customer_id: this.sender,
        channel: null,
        turn_seq: String(this.session.turns.length + 1),
        event_at: at,
        speaker,
        text: said,
        intent,
        confidence,
        fallback: 'false',
        escalation_to: null,
        contact_id: null,
      },
    };
    this.session.turns.push(turn);
    return turn;
  }

  private *flush(): Generator<AdapterOutput> {
    const s = this.session;
    const code = (s.channel ?? this.lastChannel)?.toLowerCase();
    const channel = this.settings.channel ?? (code === undefined ? null : (inputChannels[code] ?? null));
    for (const t of s.turns) yield { kind: 'row', source: 'bot', line: t.line, raw: t.raw, fields: { ...t.fields, channel } };
    s.turns = [];
  }

  *finish(): Generator<AdapterOutput> {
    yield* this.flush();
  }
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}
