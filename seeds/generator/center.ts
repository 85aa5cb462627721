/**
 * The simulated contact center, one day at a time: callers go through the IVR (self-service, hang-up, or on
 * to a queue), bot sessions hand some chats to the chat queue, emails queue for the email team; each queue is
 * served by its rostered agents (queue.ts). Answered legs may be transferred (a second leg in another queue),
 * open a ticket or get a survey; abandoned callers may get a callback or call again.
 */
import { AgentPool } from './queue.ts';
import type { Agent } from './agents.ts';
import { BotSession, type SessionCounts, planSession, sessionCounts } from './bot.ts';
import type { Customers } from './customers.ts';
import {
  type QueueProfile,
  type Stream,
  callbackFailShare,
  channelMix,
  profileOf,
  simulationOrder,
  slotShares,
  unidentifiedShare,
  webTicketsPerContact,
} from './profiles.ts';
import type { QueueSeed } from './reference.ts';
import type { Rng } from './random.ts';
import { MinHeap } from './heap.ts';
import { ContactRef } from './ids.ts';
import type { TicketDesk, TicketEvent } from './tickets.ts';
import { webTicketSubjects } from './texts.ts';
import { DAY, HOUR, MINUTE, WallClock } from './time.ts';
import type { VolumePlan } from './volume.ts';

export type LegKind = 'call' | 'transfer' | 'callback' | 'chat' | 'email';

/** One row of the ACD log: a contact, or one leg of a transferred contact. Times in generator seconds, −1 = none. */
export class Leg {
  /** The contact; its id is given when its first leg is written. */
  contact!: ContactRef;
  legSeq = 1;
  customerId = '';
  channel = 'voice';
  direction: 'inbound' | 'outbound' = 'inbound';
  queue = '';
  agent = '';
  priority = 0;
  arrival = 0;
  ivrEntry = -1;
  ivrExit = -1;
  ivrPath = '';
  queueEntry = -1;
  answer = -1;
  end = 0;
  hold = 0;
  acw = 0;
  disposition = '';
  outcome = '';
  transferTo = '';
  csat = 0;
  kind: LegKind = 'call';
  patience = 0;
}

const byEntry = (a: Leg, b: Leg) =>
  a.queueEntry < b.queueEntry || (a.queueEntry === b.queueEntry && (a.contact.no < b.contact.no || (a.contact.no === b.contact.no && a.legSeq < b.legSeq)));

interface QueueState {
  seed: QueueSeed;
  profile: QueueProfile;
  pool: AgentPool;
  waiting: MinHeap<Leg>;
  resolvedCodes: Set<string>;
}

export interface CenterSettings {
  queues: readonly QueueSeed[];
  plan: VolumePlan;
  agentsByQueue: ReadonlyMap<string, Agent[]>;
  /** Numbers of the simulation (everything the ACD log depends on). */
  rng: Rng;
  customers: Customers;
  /** Ticket desk and its numbers, when tickets are written. */
  desk: TicketDesk | null;
  ticketRng: Rng | null;
  population: number;
  days: number;
  /** Keep whole bot sessions for the bot log; otherwise only their counts. */
  keepSessions: boolean;
}

export class ContactCenter {
  private readonly queues = new Map<string, QueueState>();
  private readonly order: QueueState[] = [];
  private readonly legs = new Map<number, Leg[]>();
  private readonly sessions = new Map<number, BotSession[]>();
  private readonly ticketEvents = new Map<number, TicketEvent[]>();
  private readonly countsByDay = new Map<number, SessionCounts[]>();
  private contactNo = 0;
  private sessionNo = 0;
  private readonly shares = { voice: slotShares('voice'), bot: slotShares('bot'), email: slotShares('email') };
  private readonly rng: Rng;
  private readonly periodEnd: number;
  private readonly voiceQueues: QueueState[];
  private readonly voiceWeights: number[];

  constructor(private readonly settings: CenterSettings) {
    this.rng = settings.rng;
    this.periodEnd = settings.days * DAY;
    for (const seed of settings.queues) {
      const profile = profileOf(seed.queueId);
      const state: QueueState = {
        seed,
        profile,
        pool: new AgentPool(settings.agentsByQueue.get(seed.queueId) ?? []),
        waiting: new MinHeap<Leg>(byEntry),
        resolvedCodes: new Set(profile.dispositions.filter((d) => d.resolved).map((d) => d.code)),
      };
      this.queues.set(seed.queueId, state);
    }
    for (const id of simulationOrder) {
      const q = this.queues.get(id);
      if (q) this.order.push(q);
    }
    for (const q of this.queues.values()) if (!this.order.includes(q)) throw new Error(`queue ${q.seed.queueId} has no place in the simulation order`);
    // A day's transfers must reach queues not yet simulated that day.
    for (const [i, q] of this.order.entries()) {
      for (const t of q.profile.transferTargets) {
        if (this.order.findIndex((o) => o.seed.queueId === t) <= i) throw new Error(`transfers from ${q.seed.queueId} to ${t} go against the simulation order`);
      }
    }
    this.voiceQueues = this.order.filter((q) => q.seed.channel === 'voice');
    this.voiceWeights = this.voiceQueues.map((q) => q.profile.voiceShare);
    if (!this.queues.has('chat') || !this.queues.has('email')) throw new Error('seeds/queues.csv needs the queues "chat" and "email"');
  }

  /** Creates the day's arrivals: IVR calls, emails, bot sessions (and their hand-offs), web tickets. */
  startDay(day: number): void {
    const rng = this.rng;
    const plan = this.settings.plan;
    const noise = () => Math.exp(0.05 * rng.normal());
    // Voice: one arrival stream split by the IVR choice.
    const voiceTotal = plan.expected('voice', day) * noise();
    const voiceShareTotal = this.voiceWeights.reduce((a, b) => a + b, 0);
    for (const [i, q] of this.voiceQueues.entries()) {
      for (const t of this.arrivals(day, voiceTotal * (this.voiceWeights[i]! / voiceShareTotal), 'voice')) this.newCall(q, t, false);
    }
    const email = this.queues.get('email')!;
    for (const t of this.arrivals(day, plan.expected('email', day) * noise(), 'email')) {
      const leg = this.newLeg('email', 'email', t, this.settings.customers.forContact(t, unidentifiedShare.email));
      leg.queue = email.seed.queueId;
      leg.queueEntry = t;
      leg.priority = email.profile.priority;
      leg.patience = email.profile.patienceMean;
      email.waiting.push(leg);
    }
    const chat = this.queues.get('chat')!;
    const sessions: BotSession[] = [];
    const counts: SessionCounts[] = [];
    for (const t of this.arrivals(day, plan.expected('bot', day) * noise(), 'bot')) {
      const customer = this.settings.customers.forContact(t, unidentifiedShare.bot);
      const id = `BS${String(++this.sessionNo).padStart(9, '0')}`;
      const session = planSession(rng, id, customer, t, (at) => this.isOpen(chat, at), () => new ContactRef(++this.contactNo));
      if (this.settings.keepSessions) sessions.push(session);
      else counts.push(sessionCounts(session));
      if (session.contact) {
        // The hand-off: a chat contact of the same customer in the chat queue.
        const leg = this.newLeg('chat', session.channel, session.escalationAt + rng.between(1, 3), customer, session.contact);
        leg.queue = chat.seed.queueId;
        leg.queueEntry = leg.arrival;
        leg.priority = chat.profile.priority;
        leg.patience = Math.round(rng.exponential(chat.profile.patienceMean));
        chat.waiting.push(leg);
      } else if (session.fallbackExit) this.settings.customers.unresolved(customer, session.last);
    }
    this.sessions.set(day, sessions);
    this.countsByDay.set(day, counts);
    this.webTickets(day);
  }

  /** Serves every queued contact that entered its queue before `limit`, queue by queue in transfer order. */
  runQueues(limit: number): void {
    for (const q of this.order) {
      const waiting = q.waiting;
      for (let leg = waiting.peek(); leg && leg.queueEntry < limit; leg = waiting.peek()) {
        waiting.pop();
        this.serve(q, leg);
      }
    }
  }

  takeLegs(day: number): Leg[] {
    const out = this.legs.get(day) ?? [];
    this.legs.delete(day);
    return out;
  }

  /** Days holding legs not yet taken (transfer legs can arrive after the period). */
  legDays(): number[] {
    return [...this.legs.keys()].sort((a, b) => a - b);
  }

  /** The day's bot sessions: whole when kept (the bot log is written), else their counts only. */
  takeSessions(day: number): { sessions: BotSession[]; counts: SessionCounts[] } {
    const sessions = this.sessions.get(day) ?? [];
    const counts = this.countsByDay.get(day) ?? [];
    this.sessions.delete(day);
    this.countsByDay.delete(day);
    return { sessions, counts };
  }

  takeTicketEvents(day: number): TicketEvent[] {
    const out = this.ticketEvents.get(day) ?? [];
    this.ticketEvents.delete(day);
    return out;
  }

  /** Arrival times of one stream on one day: Poisson counts per 15-minute slot, uniform inside the slot, sorted. */
  private arrivals(day: number, expected: number, stream: Stream): Int32Array {
    const rng = this.rng;
    const shares = this.shares[stream];
    const counts = new Int32Array(96);
    let total = 0;
    for (let s = 0; s < 96; s++) total += counts[s] = rng.poisson(expected * shares[s]!);
    const out = new Int32Array(total);
    let k = 0;
    for (let s = 0; s < 96; s++) {
      const from = day * DAY + s * 900;
      const first = k;
      for (let i = 0; i < counts[s]!; i++) out[k++] = from + rng.int(900);
      out.subarray(first, k).sort();
    }
    return out;
  }

  private newLeg(kind: LegKind, channel: string, arrival: number, customerId: string, contact = new ContactRef(++this.contactNo)): Leg {
    const leg = new Leg();
    leg.contact = contact;
    leg.kind = kind;
    leg.channel = channel;
    leg.arrival = arrival;
    leg.customerId = customerId;
    return leg;
  }

  private isOpen(q: QueueState, t: number): boolean {
    if (q.seed.openHour <= 0 && q.seed.closeHour >= 24) return true;
    const hour = WallClock.hourOf(t);
    return hour >= q.seed.openHour && hour < q.seed.closeHour;
  }

  /** Next opening time of a queue at or after t. */
  private nextOpen(q: QueueState, t: number): number {
    if (this.isOpen(q, t)) return t;
    const day = Math.floor(t / DAY);
    const opensToday = day * DAY + q.seed.openHour * HOUR;
    return t < opensToday ? opensToday : opensToday + DAY;
  }

  /** A call through the IVR: self-service, a hang-up in the menus, or on to the agent queue. */
  private newCall(q: QueueState, t: number, redial: boolean, customer?: string): void {
    const rng = this.rng;
    const p = q.profile;
    const leg = this.newLeg('call', 'voice', t, customer ?? this.settings.customers.forContact(t, unidentifiedShare.voice));
    leg.ivrEntry = t;
    const open = this.isOpen(q, t + 30);
    // After hours more callers settle for the self-service menus.
    const selfService = redial || p.selfServiceLeaves.length === 0 ? 0 : p.selfServiceShare * (open ? 1 : 1.5);
    const u = rng.next();
    if (u < selfService) {
      leg.ivrPath = `${p.ivrBranch}>${rng.pick(p.selfServiceLeaves)}>self_service_end`;
      this.endInIvr(leg, 60 + Math.round(rng.lognormal(70, 0.5)), 'self_service');
      return;
    }
    if (u < selfService + (redial ? 0 : p.ivrAbandonShare)) {
      const prefixes = p.ivrBranch.startsWith('main>') ? ['main', p.ivrBranch, ...p.selfServiceLeaves.map((l) => `${p.ivrBranch}>${l}`)] : [p.ivrBranch];
      leg.ivrPath = rng.pick(prefixes);
      this.endInIvr(leg, Math.max(3, Math.round(rng.lognormal(22, 0.7))), 'ivr_abandon');
      return;
    }
    const ivrSeconds = Math.max(redial ? 5 : 8, Math.round(rng.lognormal(p.ivrBranch === 'vip' ? 12 : redial ? 20 : 35, 0.4)));
    if (!this.isOpen(q, t + ivrSeconds)) {
      leg.ivrPath = `${p.ivrBranch}>closed`;
      this.endInIvr(leg, Math.max(15, Math.round(rng.lognormal(25, 0.3))), 'ivr_abandon');
      return;
    }
    leg.ivrPath = p.agentLeaves.length > 0 && rng.chance(0.4) ? `${p.ivrBranch}>${rng.pick(p.agentLeaves)}>agent` : `${p.ivrBranch}>agent`;
    leg.ivrExit = t + ivrSeconds;
    leg.queue = q.seed.queueId;
    leg.queueEntry = leg.ivrExit;
    leg.priority = p.priority;
    leg.patience = Math.round(rng.exponential(p.patienceMean));
    q.waiting.push(leg);
  }

  private endInIvr(leg: Leg, seconds: number, outcome: 'self_service' | 'ivr_abandon'): void {
    leg.ivrExit = leg.arrival + seconds;
    leg.end = leg.ivrExit;
    leg.outcome = outcome;
    if (outcome === 'ivr_abandon') this.settings.customers.unresolved(leg.customerId, leg.end);
    this.finish(leg);
  }

  private finish(leg: Leg): void {
    const day = Math.floor(leg.arrival / DAY);
    let list = this.legs.get(day);
    if (!list) this.legs.set(day, (list = []));
    list.push(leg);
  }

  /** One queued leg meets the queue: answered by the first free agent, or abandoned when patience runs out. */
  private serve(q: QueueState, leg: Leg): void {
    const rng = this.rng;
    const p = q.profile;
    const patience = leg.kind === 'callback' ? Infinity : leg.patience;
    const agent = q.pool.claim(leg.queueEntry, leg.queueEntry + patience);
    if (!agent) {
      this.abandon(q, leg);
      return;
    }
    const start = q.pool.start;
    leg.agent = agent.id;
    if (leg.kind === 'callback') {
      const ring = rng.between(5, 25);
      if (rng.chance(callbackFailShare)) {
        leg.end = start + ring + rng.between(10, 20);
        leg.outcome = 'failed';
        leg.acw = rng.between(5, 15);
        q.pool.release(agent, start, leg.end, leg.end + leg.acw);
        this.settings.customers.unresolved(leg.customerId, leg.end);
        this.finish(leg);
        return;
      }
      leg.answer = start + ring;
    } else leg.answer = start;
    let talk = Math.max(10, Math.round(rng.lognormal(p.talkMedian, p.talkSigma)));
    leg.hold = p.holdShare > 0 && rng.chance(p.holdShare) ? Math.max(5, Math.round(rng.lognormal(p.holdMedian, 0.6))) : 0;
    leg.acw = Math.max(3, Math.round(rng.lognormal(p.acwMedian, 0.5)));
    leg.outcome = 'answered';
    const target = leg.legSeq === 1 && leg.kind === 'call' && p.transferShare > 0 && rng.chance(p.transferShare) ? this.transferTarget(p, leg.answer + talk) : null;
    if (target) {
      // The agent hands over part-way through what would have been the whole conversation.
      talk = Math.max(10, Math.round(talk * (0.3 + 0.4 * rng.next())));
      leg.end = leg.answer + talk + leg.hold;
      leg.transferTo = target.seed.queueId;
      leg.disposition = 'transfer';
      const next = new Leg();
      next.contact = leg.contact;
      next.legSeq = leg.legSeq + 1;
      next.kind = 'transfer';
      next.customerId = leg.customerId;
      next.channel = leg.channel;
      next.arrival = leg.end + rng.between(1, 3);
      next.queue = target.seed.queueId;
      next.queueEntry = next.arrival;
      next.priority = 3;
      next.patience = Math.round(rng.exponential(target.profile.patienceMean * 0.8));
      target.waiting.push(next);
    } else {
      leg.end = leg.answer + talk + leg.hold;
      // Every email is a ticket; on other queues an unresolved issue sometimes becomes one.
      const ticket = leg.kind === 'email' || rng.chance(p.ticketShare);
      leg.disposition = ticket && leg.kind !== 'email' ? 'ticket_created' : p.dispositions[rng.weighted(p.dispositions.map((d) => d.weight))]!.code;
      const resolved = q.resolvedCodes.has(leg.disposition);
      if (!resolved) this.settings.customers.unresolved(leg.customerId, leg.end);
      if (p.surveyShare > 0 && rng.chance(p.surveyShare)) leg.csat = this.surveyScore(resolved, leg.answer - leg.queueEntry);
      if (leg.kind === 'email') this.openTicket(q, leg, leg.answer, leg.end);
      else if (ticket) this.openTicket(q, leg);
    }
    q.pool.release(agent, start, leg.end, leg.end + leg.acw);
    this.finish(leg);
  }

  private transferTarget(p: QueueProfile, at: number): QueueState | null {
    const open = p.transferTargets.map((id) => this.queues.get(id)).filter((t): t is QueueState => t !== undefined && this.isOpen(t, at));
    return open.length > 0 ? this.rng.pick(open) : null;
  }

  /** 1–5: mostly 4s and 5s when the issue was resolved without a long wait. */
  private surveyScore(resolved: boolean, wait: number): number {
    const weights = resolved && wait <= 60 ? [2, 3, 7, 28, 60] : resolved || wait <= 60 ? [6, 8, 16, 35, 35] : [18, 15, 22, 27, 18];
    return 1 + this.rng.weighted(weights);
  }

  private abandon(q: QueueState, leg: Leg): void {
    const rng = this.rng;
    const p = q.profile;
    leg.end = leg.queueEntry + (Number.isFinite(leg.patience) && leg.kind !== 'callback' ? leg.patience : 0);
    leg.outcome = leg.kind === 'callback' ? 'failed' : 'abandoned';
    if (leg.kind === 'email') this.openTicket(q, leg);
    this.finish(leg);
    if (leg.kind !== 'call' || leg.channel !== 'voice') {
      this.settings.customers.unresolved(leg.customerId, leg.end);
      return;
    }
    if (leg.end - leg.queueEntry >= 20 && p.callbackShare > 0 && leg.customerId !== '' && rng.chance(p.callbackShare)) {
      let when = leg.end + rng.between(2 * MINUTE, 30 * MINUTE);
      if (!this.isOpen(q, when)) when = this.nextOpen(q, when) + rng.between(10 * MINUTE, HOUR);
      if (when < this.periodEnd) {
        const cb = this.newLeg('callback', 'callback', when, leg.customerId);
        cb.direction = 'outbound';
        cb.queue = q.seed.queueId;
        cb.queueEntry = when;
        cb.priority = p.priority;
        q.waiting.push(cb);
        return;
      }
    }
    if (rng.chance(p.redialShare)) {
      const at = leg.end + MINUTE + Math.round(rng.exponential(8 * MINUTE));
      if (at < this.periodEnd) {
        this.newCall(q, at, true, leg.customerId);
        return;
      }
    }
    this.settings.customers.unresolved(leg.customerId, leg.end);
  }

  private openTicket(q: QueueState, leg: Leg, answeredAt?: number, repliedAt?: number): void {
    const desk = this.settings.desk;
    if (!desk) return;
    const ticketRng = this.settings.ticketRng!;
    const created = leg.kind === 'email' ? leg.arrival + 1 : leg.end + ticketRng.between(5, 60);
    const priority = q.seed.queueId === 'complaint' ? (ticketRng.chance(0.6) ? 'P2' : 'P3') : undefined;
    this.addEvents(
      desk.open({
        created,
        channel: leg.channel,
        customerId: leg.customerId,
        group: q.profile.ticketGroup,
        assignee: leg.agent !== '' ? leg.agent : this.someAgent(q, ticketRng),
        contact: leg.contact,
        subject: ticketRng.pick(q.profile.ticketSubjects),
        priority,
        answeredAt,
        repliedAt,
      }),
    );
  }

  /** Tickets from the web form: no ACD contact behind them. */
  private webTickets(day: number): void {
    const desk = this.settings.desk;
    const rng = this.settings.ticketRng;
    if (!desk || !rng) return;
    const inbound = this.settings.plan.expected('voice', day) / channelMix.voice;
    const n = rng.poisson(inbound * webTicketsPerContact);
    const targets = this.voiceQueues.filter((q) => q.profile.selfServiceLeaves.length > 0);
    for (let i = 0; i < n; i++) {
      const q = rng.pick(targets);
      this.addEvents(
        desk.open({
          created: day * DAY + 7 * HOUR + rng.int(16 * HOUR),
          channel: 'web',
          customerId: `CU${String(1 + rng.int(this.settings.population)).padStart(8, '0')}`,
          group: q.profile.ticketGroup,
          assignee: this.someAgent(q, rng),
          contact: null,
          subject: rng.pick(webTicketSubjects),
        }),
      );
    }
  }

  private someAgent(q: QueueState, rng: Rng): string {
    const agents = q.pool.agents;
    return agents.length > 0 ? rng.pick(agents).id : '';
  }

  private addEvents(events: readonly TicketEvent[]): void {
    for (const e of events) {
      if (e.at >= this.periodEnd) break;
      const day = Math.floor(e.at / DAY);
      let list = this.ticketEvents.get(day);
      if (!list) this.ticketEvents.set(day, (list = []));
      list.push(e);
    }
  }
}

