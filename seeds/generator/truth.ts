/**
 * The generator's known truth, counted from the clean rows as they are written: per day, per queue and in
 * total, plus per file the clean rows and the bad rows of each kind (so an ingest can be reconciled exactly).
 */
import type { SessionCounts } from './bot.ts';
import type { Leg } from './center.ts';
import type { DirtyKind, FeedCounts } from './dirty.ts';
import { shortAbandonSeconds } from './profiles.ts';
import type { TicketEvent } from './tickets.ts';

export interface Counts {
  /** Distinct ACD contacts (rows with leg_seq 1). */
  contacts: number;
  /** ACD rows (legs). */
  legs: number;
  /** Inbound legs that entered an agent queue (voice, chat and email; transfer legs included). */
  offered: number;
  answered: number;
  abandoned: number;
  /** Abandoned after waiting less than 5 s (end_at − queue_entry_at). */
  shortAbandoned: number;
  /** Voice contacts that ended in the IVR: self-service (path ends in self_service_end) or a hang-up. */
  ivrSelfService: number;
  ivrAbandon: number;
  /** Legs with transfer_to set (each has a next leg). */
  transfers: number;
  /** Outbound callbacks, and those that did not reach the customer (outcome failed). */
  callbacks: number;
  callbacksFailed: number;
  botSessions: number;
  botContained: number;
  botEscalated: number;
  botUserTurns: number;
  botFallbackTurns: number;
  /** Tickets created in the period (events of type created). */
  tickets: number;
  /** Tickets reopened (events with status reopened), counted on the day of the reopen. */
  ticketsReopened: number;
  ticketEvents: number;
  /** ACD legs with a CSAT answer, and those answering 4 or 5. */
  surveys: number;
  surveysTop2: number;
}

export interface QueueCounts {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  /** Answered with wait ≤ the queue's sl_threshold_seconds. */
  answeredWithinThreshold: number;
  slThresholdSeconds: number;
  /** Σ wait (answer_at − queue_entry_at) of answered legs. */
  answeredWaitSeconds: number;
  /** Σ (end_at − answer_at + acw_seconds) of answered legs. */
  handleSeconds: number;
  transfers: number;
}

export interface FileTruth {
  file: string;
  source: string;
  /** Data rows in the file (header not counted). */
  rows: number;
  clean: number;
  dirty: Partial<Record<DirtyKind, number>>;
  /** What an ingest of the file alone reports: loaded = clean, duplicates = exact duplicates, the other bad rows rejected. */
  loaded: number;
  rejected: number;
  duplicates: number;
}

const zero = (): Counts => ({
  contacts: 0, legs: 0, offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, ivrSelfService: 0, ivrAbandon: 0, transfers: 0,
  callbacks: 0, callbacksFailed: 0, botSessions: 0, botContained: 0, botEscalated: 0, botUserTurns: 0, botFallbackTurns: 0,
  tickets: 0, ticketsReopened: 0, ticketEvents: 0, surveys: 0, surveysTop2: 0,
});

export class TruthCounter {
  readonly total = zero();
  private readonly days = new Map<string, Counts>();
  readonly queues = new Map<string, QueueCounts>();
  readonly offeredByChannel: Record<string, number> = {};

  constructor(private readonly slThresholds: ReadonlyMap<string, number>) {}

  private day(date: string): Counts {
    let c = this.days.get(date);
    if (!c) this.days.set(date, (c = zero()));
    return c;
  }

  private inc(day: Counts, key: keyof Counts): void {
    this.total[key]++;
    day[key]++;
  }

  private bump(date: string, key: keyof Counts, by = 1): void {
    this.total[key] += by;
    this.day(date)[key] += by;
  }

  leg(leg: Leg, date: string): void {
    const day = this.day(date);
    this.inc(day, 'legs');
    if (leg.legSeq === 1) this.inc(day, 'contacts');
    if (leg.direction === 'inbound' && leg.queueEntry >= 0) {
      const q = this.queue(leg.queue);
      this.inc(day, 'offered');
      q.offered++;
      this.offeredByChannel[leg.channel] = (this.offeredByChannel[leg.channel] ?? 0) + 1;
      if (leg.answer >= 0) {
        this.inc(day, 'answered');
        q.answered++;
        const wait = leg.answer - leg.queueEntry;
        q.answeredWaitSeconds += wait;
        if (wait <= q.slThresholdSeconds) q.answeredWithinThreshold++;
        q.handleSeconds += leg.end - leg.answer + leg.acw;
      } else {
        this.inc(day, 'abandoned');
        q.abandoned++;
        if (leg.end - leg.queueEntry < shortAbandonSeconds) {
          this.inc(day, 'shortAbandoned');
          q.shortAbandoned++;
        }
      }
      if (leg.transferTo !== '') q.transfers++;
    }
    if (leg.outcome === 'self_service') this.inc(day, 'ivrSelfService');
    else if (leg.outcome === 'ivr_abandon') this.inc(day, 'ivrAbandon');
    if (leg.transferTo !== '') this.inc(day, 'transfers');
    if (leg.direction === 'outbound') {
      this.inc(day, 'callbacks');
      if (leg.outcome === 'failed') this.inc(day, 'callbacksFailed');
    }
    if (leg.csat > 0) {
      this.inc(day, 'surveys');
      if (leg.csat >= 4) this.inc(day, 'surveysTop2');
    }
  }

  session(session: SessionCounts, date: string): void {
    this.bump(date, 'botSessions');
    this.bump(date, session.escalated ? 'botEscalated' : 'botContained');
    this.bump(date, 'botUserTurns', session.userTurns);
    this.bump(date, 'botFallbackTurns', session.fallbackTurns);
  }

  ticketEvent(e: TicketEvent, date: string): void {
    this.bump(date, 'ticketEvents');
    if (e.type === 'created') this.bump(date, 'tickets');
    if (e.status === 'reopened') this.bump(date, 'ticketsReopened');
  }

  private queue(id: string): QueueCounts {
    let q = this.queues.get(id);
    if (!q) {
      q = {
        offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredWithinThreshold: 0, slThresholdSeconds: this.slThresholds.get(id) ?? 20,
        answeredWaitSeconds: 0, handleSeconds: 0, transfers: 0,
      };
      this.queues.set(id, q);
    }
    return q;
  }

  byDay(): ({ date: string } & Counts)[] {
    return [...this.days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, c]) => ({ date, ...c }));
  }
}

export function fileTruth(file: string, source: string, counts: FeedCounts): FileTruth {
  const bad = Object.values(counts.dirty).reduce((a, b) => a + (b ?? 0), 0);
  const duplicates = counts.dirty.exact_duplicate ?? 0;
  return { file, source, rows: counts.clean + bad, clean: counts.clean, dirty: counts.dirty, loaded: counts.clean, rejected: bad - duplicates, duplicates };
}
