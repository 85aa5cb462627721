/**
 * Deterministic demo data for ccmart: a simulated multi-channel contact center written as the four raw logs
 * (ACD contacts, agent states, ticket events, bot turns) in the canonical contract formats, plus the agent
 * roster and truth.json, the counts the data is known to hold. Same options and seed → the same bytes.
 *
 * The simulation runs a day at a time and writes each day once nothing more can change in it (one day later),
 * so memory holds about two days of rows whatever the length of the period.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { advance } from './agents.ts';
import { renderSession, sessionCounts } from './bot.ts';
import { ContactCenter, type Leg } from './center.ts';
import { Customers } from './customers.ts';
import { type FeedCounts, FeedWriter } from './dirty.ts';
import { type ContactRef, IdBook } from './ids.ts';
import { acdFormat, botFormat, stateFormat, ticketFormat } from './formats.ts';
import { repeatShare } from './profiles.ts';
import { Rng } from './random.ts';
import { readCalendar, readQueues } from './reference.ts';
import { buildRoster } from './roster.ts';
import { type StateRow, shiftStates } from './states.ts';
import { TicketDesk } from './tickets.ts';
import { backOfficeGroup, agentName } from './texts.ts';
import { DAY, WallClock, epochDay, weekday } from './time.ts';
import { type Counts, type FileTruth, type QueueCounts, TruthCounter, fileTruth } from './truth.ts';
import { planVolumes } from './volume.ts';
import type { BotTurnRow } from './bot.ts';

export type Feed = 'acd' | 'agent-states' | 'tickets' | 'bot';
export const feeds: readonly Feed[] = ['acd', 'agent-states', 'tickets', 'bot'];
export const fileNames: Readonly<Record<Feed, string>> = {
  acd: 'acd_contacts.csv',
  'agent-states': 'agent_states.csv',
  tickets: 'tickets.csv',
  bot: 'bot_turns.jsonl',
};

export const generatorDefaults = { days: 30, contacts: 200_000, seed: 1, start: '2026-11-02', dirty: 0.005 } as const;
export const TIMEZONE = 'Asia/Shanghai';

export interface GenerateOptions {
  outDir: string;
  days?: number;
  /** Target ACD contacts + bot sessions over the period. */
  contacts?: number;
  seed?: number;
  /** First day, YYYY-MM-DD. */
  start?: string;
  /** Share of extra bad rows per file (0 = clean data). */
  dirty?: number;
  /** Files to write (default all four). */
  only?: readonly Feed[];
  onProgress?: (p: { day: number; days: number; date: string; acdRows: number }) => void;
}

export interface Truth {
  generator: string;
  options: { seed: number; start: string; days: number; contacts: number; dirty: number; only: Feed[] };
  timezone: string;
  /** First day and the day after the last, local dates. */
  period: { start: string; end: string };
  files: FileTruth[];
  totals: Partial<Counts> & { top2Share: number | null };
  offeredByChannel: Record<string, number>;
  queues: Record<string, QueueCounts>;
  days: ({ date: string; weekday: number; calendar: string | null; top2Share: number | null } & Partial<Counts>)[];
  agents: number;
}

export interface GenerateResult {
  truth: Truth;
  files: { file: string; rows: number; bytes: number }[];
  seconds: number;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(message);
}

export function generateDemoData(options: GenerateOptions): GenerateResult {
  const t0 = performance.now();
  const days = options.days ?? generatorDefaults.days;
  const contacts = options.contacts ?? generatorDefaults.contacts;
  const seed = options.seed ?? generatorDefaults.seed;
  const start = options.start ?? generatorDefaults.start;
  const dirty = options.dirty ?? generatorDefaults.dirty;
  const only = [...(options.only ?? feeds)];
  check(Number.isInteger(days) && days >= 1 && days <= 3660, `days must be a whole number from 1 to 3660, got ${days}`);
  check(Number.isInteger(contacts) && contacts >= 1, `contacts must be a positive whole number, got ${contacts}`);
  check(Number.isInteger(seed) && Math.abs(seed) <= 2 ** 31, `seed must be a whole number, got ${seed}`);
  check(dirty >= 0 && dirty <= 0.5, `dirty must be a share from 0 to 0.5, got ${dirty}`);
  const firstDay = epochDay(start);
  check(!Number.isNaN(firstDay), `start must be a date YYYY-MM-DD, got "${start}"`);
  check(only.length > 0 && only.every((f) => feeds.includes(f)), `only: expected some of ${feeds.join(', ')}`);
  const wants = (f: Feed) => only.includes(f);

  mkdirSync(options.outDir, { recursive: true });
  const clock = new WallClock(firstDay);
  const queues = readQueues();
  const calendar = readCalendar();
  const plan = planVolumes(contacts, days, firstDay, calendar);
  // The roster covers two days past the period so the last contacts find agents.
  const roster = buildRoster(queues, plan, days + 2, new Rng(seed, 'roster'), wants('agent-states'));
  const population = Math.max(2_000, Math.round(contacts * 1.5));
  const simRng = new Rng(seed, 'simulation');
  const ticketRng = wants('tickets') ? new Rng(seed, 'tickets') : null;
  const names = new Set(roster.agents.map((a) => a.name));
  const backOfficeRng = new Rng(seed, 'back-office');
  const backOffice = Array.from({ length: 12 }, (_, i) => ({ id: `B${String(i + 1).padStart(3, '0')}`, name: agentName(backOfficeRng, names) }));
  const center = new ContactCenter({
    queues,
    plan,
    agentsByQueue: roster.byQueue,
    rng: simRng,
    customers: new Customers(simRng, population, repeatShare),
    desk: ticketRng ? new TicketDesk(ticketRng, backOffice.map((b) => b.id)) : null,
    ticketRng,
    population,
    days,
    keepSessions: wants('bot'),
  });
  const path = (f: Feed) => join(options.outDir, fileNames[f]);
  const dirtyRng = (f: Feed) => new Rng(seed, `dirty/${f}`);
  const acd = wants('acd') ? new FeedWriter(path('acd'), acdFormat(clock), dirty, dirtyRng('acd')) : null;
  const states = wants('agent-states') ? new FeedWriter(path('agent-states'), stateFormat(clock), dirty, dirtyRng('agent-states')) : null;
  const tickets = wants('tickets') ? new FeedWriter(path('tickets'), ticketFormat(clock), dirty, dirtyRng('tickets')) : null;
  const bot = wants('bot') ? new FeedWriter<BotTurnRow>(path('bot'), botFormat, dirty, dirtyRng('bot')) : null;
  const botWords = new Rng(seed, 'bot-text');
  const truth = new TruthCounter(new Map(queues.map((q) => [q.queueId, q.slThresholdSeconds])));
  const format = (t: number) => clock.format(t);
  const ids = new IdBook();
  const contactId = (c: ContactRef) => ids.contact(c);
  let acdRows = 0;

  const writeDay = (d: number) => {
    const date = clock.dateOf(d);
    const legs = center.takeLegs(d).sort(legOrder);
    for (const leg of legs) {
      ids.contact(leg.contact);
      truth.leg(leg, date);
      if (acd) acd.write(leg);
    }
    acdRows += legs.length;
    if (d >= days) return;
    if (states) {
      // Nothing can happen any more before the end of day d: close what is still open there.
      for (const agent of roster.agents) advance(agent, (d + 1) * DAY);
      const rows: StateRow[] = [];
      for (const shift of roster.shiftsByDay[d]!) {
        if (shift.loggedOutAt < 0) throw new Error(`internal: shift of ${shift.agent.id} on day ${d} still open`);
        for (const r of shiftStates(shift)) rows.push(r);
        shift.activities.length = 0;
      }
      rows.sort((a, b) => a.start - b.start || a.order - b.order);
      for (const r of rows) states.write(r);
    }
    const events = center.takeTicketEvents(d).sort((a, b) => a.at - b.at || a.ticket.no - b.ticket.no);
    for (const e of events) {
      ids.ticket(e.ticket);
      if (e.ticket.contact) ids.contact(e.ticket.contact);
      truth.ticketEvent(e, date);
      if (tickets) tickets.write(e);
    }
    const { sessions, counts } = center.takeSessions(d);
    for (const c of counts) truth.session(c, date);
    for (const session of sessions) {
      truth.session(sessionCounts(session), date);
      if (bot) for (const row of renderSession(session, botWords, format, 'chat', contactId)) bot.write(row);
    }
  };

  for (let d = 0; d < days; d++) {
    center.startDay(d);
    center.runQueues((d + 1) * DAY);
    if (d >= 1) {
      writeDay(d - 1);
      options.onProgress?.({ day: d, days, date: clock.dateOf(d - 1), acdRows });
    }
  }
  // The last contacts: queued calls after midnight, transfer legs past the end of the period.
  center.runQueues(Infinity);
  writeDay(days - 1);
  for (const d of center.legDays()) {
    if (d < days) throw new Error(`internal: a leg of day ${d} came after that day was written`);
    writeDay(d);
  }
  options.onProgress?.({ day: days, days, date: clock.dateOf(days - 1), acdRows });

  const files: FileTruth[] = [];
  const writers: [Feed, { close(): FeedCounts } | null][] = [
    ['acd', acd],
    ['agent-states', states],
    ['tickets', tickets],
    ['bot', bot],
  ];
  for (const [feed, w] of writers) if (w) files.push(fileTruth(fileNames[feed], feed, w.close()));

  writeFileSync(
    join(options.outDir, 'agents.csv'),
    [
      'agent_id,agent_name,queue,team,shift_start,shift_hours',
      ...roster.agents.map((a) => {
        const start = a.lineStart * 1800;
        const team = queues.find((q) => q.queueId === a.queue)!.skillGroup;
        return `${a.id},${a.name},${a.queue},${team},${String(Math.floor(start / 3600)).padStart(2, '0')}:${start % 3600 === 0 ? '00' : '30'},${a.lineSlots / 2}`;
      }),
      ...backOffice.map((b) => `${b.id},${b.name},,${backOfficeGroup},09:00,9`),
    ].join('\n') + '\n',
  );

  const dropTickets = !wants('tickets');
  const ticketKeys = ['tickets', 'ticketsReopened', 'ticketEvents'] as const;
  const trimmed = <T extends Partial<Counts>>(c: T): T => {
    if (dropTickets) for (const k of ticketKeys) delete c[k];
    return c;
  };
  const totals = trimmed({ ...truth.total });
  const result: Truth = {
    generator: 'ccmart demo data (seeds/generator)',
    options: { seed, start, days, contacts, dirty, only },
    timezone: TIMEZONE,
    period: { start, end: clock.dateOf(days) },
    files,
    totals: { ...totals, top2Share: truth.total.surveys > 0 ? truth.total.surveysTop2 / truth.total.surveys : null },
    offeredByChannel: truth.offeredByChannel,
    queues: Object.fromEntries([...truth.queues.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    days: truth.byDay().map(({ date, ...c }) => {
      const dayNumber = epochDay(date);
      const cal = calendar.get(date);
      const top2Share = c.surveys > 0 ? c.surveysTop2 / c.surveys : null;
      return { date, weekday: weekday(dayNumber), calendar: cal ? `${cal.kind}:${cal.name}` : null, ...trimmed(c), top2Share };
    }),
    agents: roster.agents.length + backOffice.length,
  };
  writeFileSync(join(options.outDir, 'truth.json'), `${JSON.stringify(result, null, 2)}\n`);
  return {
    truth: result,
    files: [
      ...files.map((f) => ({ file: f.file, rows: f.rows, bytes: statSync(join(options.outDir, f.file)).size })),
      { file: 'agents.csv', rows: result.agents, bytes: statSync(join(options.outDir, 'agents.csv')).size },
      { file: 'truth.json', rows: 1, bytes: statSync(join(options.outDir, 'truth.json')).size },
    ],
    seconds: (performance.now() - t0) / 1000,
  };
}

function legOrder(a: Leg, b: Leg): number {
  return a.arrival - b.arrival || a.contact.no - b.contact.no || a.legSeq - b.legSeq;
}
