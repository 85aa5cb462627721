/**
 * Ticket lifecycles: created → open (assigned) → pending (agent replied) → … → resolved → closed, with the
 * odd reassignment to the second line and the odd reopen. Agent actions happen in working hours; events
 * after the end of the period are not in the log (the tickets are still open there).
 */
import type { ContactRef } from './ids.ts';
import type { Rng } from './random.ts';
import { DAY, HOUR, MINUTE, WallClock } from './time.ts';
import { backOfficeGroup } from './texts.ts';

export interface Ticket {
  /** Given when the ticket's first event is written. */
  id: string;
  /** Creation number, for a stable order of events at the same second. */
  no: number;
  channel: string;
  customerId: string;
  priority: string;
  due: number;
  contact: ContactRef | null;
  subject: string;
}

export interface TicketEvent {
  ticket: Ticket;
  at: number;
  type: 'created' | 'assignment' | 'agent_reply' | 'customer_reply' | 'status_change';
  status: 'new' | 'open' | 'pending' | 'resolved' | 'closed' | 'reopened';
  group: string;
  assignee: string;
}

export interface TicketRequest {
  created: number;
  channel: string;
  customerId: string;
  group: string;
  assignee: string;
  contact: ContactRef | null;
  subject: string;
  /** Priority when the source fixes it; drawn otherwise. */
  priority?: string;
  /** When an agent already answered (an email handled in the ACD): assignment and first reply times. */
  answeredAt?: number;
  repliedAt?: number;
}

export const slaHours: Readonly<Record<string, number>> = { P1: 4, P2: 24, P3: 48, P4: 72 };
const AUTO_CLOSE = 72 * HOUR;
const OPEN_HOUR = 8;
const CLOSE_HOUR = 22;

export class TicketDesk {
  private next = 0;

  constructor(
    private readonly rng: Rng,
    private readonly backOffice: readonly string[],
  ) {}

  /** All events of a new ticket, in time order (including those after the period; the writer cuts them). */
  open(req: TicketRequest): TicketEvent[] {
    const rng = this.rng;
    this.next++;
    const priority = req.priority ?? ['P1', 'P2', 'P3', 'P4'][rng.weighted([2, 18, 60, 20])]!;
    const ticket: Ticket = {
      id: '',
      no: this.next,
      channel: req.channel,
      customerId: req.customerId,
      priority,
      due: req.created + slaHours[priority]! * HOUR,
      contact: req.contact,
      subject: req.subject,
    };
    const events: TicketEvent[] = [];
    let t = req.created - 1;
    let group = req.group;
    let assignee = req.assignee;
    const add = (at: number, type: TicketEvent['type'], status: TicketEvent['status']) => {
      t = Math.max(Math.round(at), t + 1);
      events.push({ ticket, at: t, type, status, group, assignee });
    };
    add(req.created, 'created', 'new');
    events[0]!.assignee = '';
    add(req.answeredAt ?? this.workTime(t + rng.exponential(15 * MINUTE)), 'assignment', 'open');
    if (rng.chance(0.1)) {
      group = backOfficeGroup;
      assignee = rng.pick(this.backOffice);
      add(this.workTime(t + rng.exponential(2 * HOUR)), 'assignment', 'open');
    }
    add(req.repliedAt ?? this.workTime(t + rng.lognormal(slaHours[priority]! * 0.1 * HOUR, 0.8)), 'agent_reply', 'pending');
    if (rng.chance(0.45)) {
      add(t + rng.lognormal(6 * HOUR, 0.9), 'customer_reply', 'open');
      add(this.workTime(t + rng.lognormal(2 * HOUR, 0.8)), 'agent_reply', 'pending');
    }
    const resolveBy = req.created + rng.lognormal(slaHours[priority]! * 0.35 * HOUR, 0.9);
    add(this.workTime(Math.max(resolveBy, t + MINUTE)), 'status_change', 'resolved');
    if (rng.chance(0.08)) {
      add(t + rng.between(1 * HOUR, 48 * HOUR), 'customer_reply', 'reopened');
      add(this.workTime(t + rng.lognormal(3 * HOUR, 0.8)), 'agent_reply', 'pending');
      add(this.workTime(t + rng.lognormal(8 * HOUR, 0.8)), 'status_change', 'resolved');
    }
    add(t + AUTO_CLOSE, 'status_change', 'closed');
    return events;
  }

  /** The time itself in working hours, otherwise early next working morning. */
  private workTime(t: number): number {
    const s = Math.round(t);
    const hour = WallClock.hourOf(s);
    if (hour >= OPEN_HOUR && hour < CLOSE_HOUR) return s;
    const day = Math.floor(s / DAY) + (hour >= CLOSE_HOUR ? 1 : 0);
    return day * DAY + OPEN_HOUR * HOUR + this.rng.int(45 * MINUTE);
  }
}
