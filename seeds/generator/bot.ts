/**
 * Bot sessions on the web and app chat. The shape of a session (turn times, misunderstandings, whether and when
 * it is handed to the chat queue) is drawn with the simulation's numbers, since hand-offs become ACD contacts;
 * the words (intents, texts, confidences) come from their own stream when the log is written.
 */
import type { ContactRef } from './ids.ts';
import type { Rng } from './random.ts';
import { botFallbackShare, botOutcomes } from './profiles.ts';
import { botIntents, botTexts } from './texts.ts';

export const Turn = {
  greeting: 0,
  ask: 1,
  answer: 2,
  fallbackAsk: 3,
  fallbackReply: 4,
  askAgent: 5,
  escalate: 6,
  escalateAfterFallback: 7,
  afterHours: 8,
  thanks: 9,
  bye: 10,
} as const;
type TurnKind = (typeof Turn)[keyof typeof Turn];

export class BotSession {
  readonly times: number[] = [];
  readonly kinds: TurnKind[] = [];
  /** ACD contact created by the hand-off (null when contained). */
  contact: ContactRef | null = null;
  escalationAt = -1;

  constructor(
    readonly id: string,
    readonly customerId: string,
    readonly channel: 'chat',
    readonly start: number,
  ) {}

  /** Adds a turn `gap` seconds after the previous one. */
  turn(kind: TurnKind, gap: number): void {
    this.times.push((this.times.length > 0 ? this.times[this.times.length - 1]! : this.start) + gap);
    this.kinds.push(kind);
  }

  get last(): number {
    return this.times.length > 0 ? this.times[this.times.length - 1]! : this.start;
  }

  get escalated(): boolean {
    return this.contact !== null;
  }

  /** The customer left after the bot failed to understand them. */
  get fallbackExit(): boolean {
    return this.kinds[this.kinds.length - 1] === Turn.fallbackReply;
  }
}

/** What truth.json needs of a session. */
export interface SessionCounts {
  escalated: boolean;
  userTurns: number;
  fallbackTurns: number;
}

export function sessionCounts(session: BotSession): SessionCounts {
  let userTurns = 0;
  let fallbackTurns = 0;
  for (const k of session.kinds) {
    if (k === Turn.ask || k === Turn.fallbackAsk || k === Turn.askAgent || k === Turn.thanks) userTurns++;
    if (k === Turn.fallbackAsk) fallbackTurns++;
  }
  return { escalated: session.escalated, userTurns, fallbackTurns };
}

function typing(rng: Rng): number {
  return Math.max(3, Math.round(rng.lognormal(12, 0.6)));
}

function botDelay(rng: Rng): number {
  return rng.between(1, 2);
}

/**
 * Draws the turns of a session starting at `start`. `queueOpen(t)` says whether the chat queue takes hand-offs
 * at t; `newContact()` creates the ACD contact of a hand-off.
 */
export function planSession(rng: Rng, id: string, customerId: string, start: number, queueOpen: (t: number) => boolean, newContact: () => ContactRef): BotSession {
  const session = new BotSession(id, customerId, 'chat', start);
  session.turn(Turn.greeting, 0);
  const u = rng.next();
  const outcome = u < botOutcomes.escalate ? 'escalate' : u < botOutcomes.escalate + botOutcomes.fallbackExit ? 'fallbackExit' : 'contained';
  const questions = outcome === 'contained' ? rng.between(1, 3) : rng.between(0, 2);
  for (let q = 0; q < questions; q++) {
    if (rng.chance(botFallbackShare)) {
      session.turn(Turn.fallbackAsk, typing(rng));
      session.turn(Turn.fallbackReply, botDelay(rng));
    }
    session.turn(Turn.ask, typing(rng));
    session.turn(Turn.answer, botDelay(rng));
  }
  if (outcome === 'escalate') {
    // Some ask for an agent outright; others are handed over after two misunderstandings.
    const afterFallbacks = rng.chance(0.25);
    if (afterFallbacks) {
      session.turn(Turn.fallbackAsk, typing(rng));
      session.turn(Turn.fallbackReply, botDelay(rng));
      session.turn(Turn.fallbackAsk, typing(rng));
    } else session.turn(Turn.askAgent, typing(rng));
    const gap = botDelay(rng);
    if (queueOpen(session.last + gap)) {
      session.turn(afterFallbacks ? Turn.escalateAfterFallback : Turn.escalate, gap);
      session.contact = newContact();
      session.escalationAt = session.last;
    } else session.turn(Turn.afterHours, gap);
  } else if (outcome === 'fallbackExit') {
    session.turn(Turn.fallbackAsk, typing(rng));
    session.turn(Turn.fallbackReply, botDelay(rng));
  } else if (rng.chance(0.5)) {
    session.turn(Turn.thanks, typing(rng));
    session.turn(Turn.bye, botDelay(rng));
  }
  return session;
}

export interface BotTurnRow {
  session_id: string;
  customer_id: string | undefined;
  channel: string;
  turn_seq: number;
  event_at: string;
  speaker: 'user' | 'bot';
  text: string;
  intent: string | undefined;
  confidence: number | undefined;
  fallback: boolean;
  escalation_to: string | undefined;
  contact_id: string | undefined;
}

const userKinds = new Set<number>([Turn.ask, Turn.fallbackAsk, Turn.askAgent, Turn.thanks]);

/** The turns of a session as log records, words drawn from `rng`. */
export function renderSession(session: BotSession, rng: Rng, format: (t: number) => string, chatQueue: string, contactId: (c: ContactRef) => string): BotTurnRow[] {
  const rows: BotTurnRow[] = [];
  let intent = botIntents[0]!;
  for (let i = 0; i < session.kinds.length; i++) {
    const kind = session.kinds[i]!;
    // Keys in a fixed order; undefined ones are left out of the JSON.
    const row: BotTurnRow = {
      session_id: session.id,
      customer_id: session.customerId === '' ? undefined : session.customerId,
      channel: session.channel,
      turn_seq: i + 1,
      event_at: format(session.times[i]!),
      speaker: userKinds.has(kind) ? 'user' : 'bot',
      text: '',
      intent: undefined,
      confidence: undefined,
      fallback: false,
      escalation_to: undefined,
      contact_id: undefined,
    };
    switch (kind) {
      case Turn.greeting:
        row.text = botTexts.greeting;
        break;
      case Turn.ask:
        intent = rng.pick(botIntents);
        row.text = rng.pick(intent.asks);
        row.intent = intent.intent;
        row.confidence = Math.round((0.7 + 0.29 * rng.next()) * 100) / 100;
        break;
      case Turn.answer:
        row.text = intent.answer;
        break;
      case Turn.fallbackAsk:
        row.text = rng.pick(botTexts.fallbackAsks);
        row.confidence = Math.round((0.1 + 0.35 * rng.next()) * 100) / 100;
        row.fallback = true;
        break;
      case Turn.fallbackReply:
        row.text = botTexts.fallbackReply;
        break;
      case Turn.askAgent:
        row.text = rng.pick(botTexts.askAgent);
        row.intent = 'transfer_to_agent';
        row.confidence = Math.round((0.9 + 0.09 * rng.next()) * 100) / 100;
        break;
      case Turn.escalate:
      case Turn.escalateAfterFallback:
        row.text = kind === Turn.escalate ? botTexts.escalate : botTexts.escalateAfterFallback;
        row.escalation_to = chatQueue;
        row.contact_id = session.contact ? contactId(session.contact) : undefined;
        break;
      case Turn.afterHours:
        row.text = botTexts.afterHours;
        break;
      case Turn.thanks:
        row.text = rng.pick(botTexts.thanks);
        row.intent = 'thanks';
        row.confidence = Math.round((0.85 + 0.14 * rng.next()) * 100) / 100;
        break;
      case Turn.bye:
        row.text = botTexts.bye;
        break;
    }
    rows.push(row);
  }
  return rows;
}
