/**
 * The roster: per queue and day, Erlang C requirements from the expected volumes (with the odd under-staffed
 * day or afternoon), whole shifts laid over them, and named agents with fixed shift start times working about
 * five days in seven. Each shift gets its breaks, lunch and occasional training or meeting.
 */
import { Agent, type PlannedPause, Shift } from './agents.ts';
import { type QueueProfile, botOutcomes, expectedHandleSeconds, profileOf, slotShares } from './profiles.ts';
import type { QueueSeed } from './reference.ts';
import type { Rng } from './random.ts';
import { SLOTS_PER_DAY, SLOT_SECONDS, planShifts } from './staffing.ts';
import { requiredAgents } from '../../workforce/erlang.ts';
import { agentName } from './texts.ts';
import { DAY, HOUR, MINUTE } from './time.ts';
import type { VolumePlan } from './volume.ts';

export interface Roster {
  agents: Agent[];
  byQueue: Map<string, Agent[]>;
  /** Shifts by day index. */
  shiftsByDay: Shift[][];
}

/** Expected contacts entering the queue in each 30-minute slot of a day. */
function expectedQueued(queue: QueueSeed, profile: QueueProfile, plan: VolumePlan, day: number, voiceShareTotal: number): number[] {
  const out = new Array<number>(SLOTS_PER_DAY).fill(0);
  let daily: number;
  let shares: number[];
  if (queue.channel === 'chat') {
    daily = plan.expected('bot', day) * botOutcomes.escalate;
    shares = slotShares('bot');
  } else if (queue.channel === 'email') {
    daily = plan.expected('email', day);
    shares = slotShares('email');
  } else {
    // Transfers in, redials and callbacks add a few percent to what the IVR sends.
    daily = plan.expected('voice', day) * (profile.voiceShare / voiceShareTotal) * (1 - profile.selfServiceShare - profile.ivrAbandonShare) * 1.06;
    shares = slotShares('voice');
  }
  for (let s = 0; s < 96; s++) out[s >> 1]! += daily * shares[s]!;
  return out;
}

/** Agents to schedule per slot: Erlang C at the queue's target, plus room for breaks, times the day's staffing luck. */
function scheduledNeed(queue: QueueSeed, profile: QueueProfile, expected: readonly number[], rng: Rng): number[] {
  const openSlot = queue.openHour * 2;
  const closeSlot = queue.closeHour * 2;
  const aht = expectedHandleSeconds(profile);
  const need = new Array<number>(SLOTS_PER_DAY).fill(0);
  const dayFactor = Math.min(1.1, Math.max(0.8, 0.97 + 0.06 * rng.normal()));
  // Sick calls or a system outage leave a block of the day short.
  const shortFrom = rng.chance(0.2) ? rng.between(openSlot, Math.max(openSlot, closeSlot - 8)) : -1;
  const shortTo = shortFrom + rng.between(4, 8);
  if (queue.channel === 'email') {
    // Emails wait hours: staff the day's workload evenly over the opening hours.
    const workload = expected.reduce((a, b) => a + b, 0) * aht;
    const agents = Math.max(1, Math.ceil((workload / ((closeSlot - openSlot) * SLOT_SECONDS)) * 1.3 * dayFactor));
    for (let s = openSlot; s < closeSlot; s++) need[s] = agents;
    return need;
  }
  for (let s = openSlot; s < closeSlot; s++) {
    const traffic = (expected[s]! / SLOT_SECONDS) * aht;
    const n = requiredAgents(traffic, aht, { serviceLevel: queue.slTarget, serviceLevelSeconds: queue.slThresholdSeconds });
    const withBreaks = n + Math.round(n * 0.08);
    const luck = s >= shortFrom && s < shortTo ? 0.7 * dayFactor : dayFactor;
    need[s] = Math.max(1, Math.round(withBreaks * luck));
  }
  return need;
}

/** Breaks, lunch and the odd training or meeting of one shift, in time order and apart from each other. */
function plannedPauses(start: number, end: number, rng: Rng): PlannedPause[] {
  const hours = (end - start) / HOUR;
  const wanted: PlannedPause[] = [];
  const at = (offsetHours: number, jitterMinutes: number) => start + Math.round(offsetHours * HOUR + (rng.next() * 2 - 1) * jitterMinutes * MINUTE);
  if (hours >= 6) {
    wanted.push({ start: at(2, 30), seconds: rng.between(12, 16) * MINUTE, reason: 'break' });
    wanted.push({ start: at(hours / 2, 75), seconds: rng.between(45, 60) * MINUTE, reason: 'lunch' });
    if (hours >= 8) wanted.push({ start: at(hours - 2.2, 30), seconds: rng.between(12, 16) * MINUTE, reason: 'break' });
    if (rng.chance(0.08)) wanted.push({ start: at(hours / 2 + 1.5, 20), seconds: 60 * MINUTE, reason: 'training' });
    if (rng.chance(0.05)) wanted.push({ start: at(1, 15), seconds: 30 * MINUTE, reason: 'meeting' });
  } else {
    wanted.push({ start: at(hours / 2, 20), seconds: rng.between(12, 16) * MINUTE, reason: 'break' });
  }
  const personal = rng.int(3);
  for (let i = 0; i < personal; i++) wanted.push({ start: start + Math.round(rng.next() * (end - start)), seconds: rng.between(2, 8) * MINUTE, reason: 'personal' });
  wanted.sort((a, b) => a.start - b.start);
  const out: PlannedPause[] = [];
  let free = start + 15 * MINUTE;
  for (const p of wanted) {
    const s = Math.max(p.start, free);
    if (s + p.seconds > end - 10 * MINUTE) continue;
    out.push({ start: s, seconds: p.seconds, reason: p.reason });
    free = s + p.seconds + 5 * MINUTE;
  }
  return out;
}

/**
 * Builds the roster for `scheduleDays` days (the period plus the days that finish its last contacts).
 * `record` tells agents to keep their activities for the state log.
 */
export function buildRoster(queues: readonly QueueSeed[], plan: VolumePlan, scheduleDays: number, rng: Rng, record: boolean): Roster {
  const voiceShareTotal = queues.filter((q) => q.channel === 'voice').reduce((a, q) => a + profileOf(q.queueId).voiceShare, 0);
  const agents: Agent[] = [];
  const byQueue = new Map<string, Agent[]>();
  const shiftsByDay: Shift[][] = Array.from({ length: scheduleDays }, () => []);
  const names = new Set<string>();
  for (const queue of queues) {
    const profile = profileOf(queue.queueId);
    // Shifts per day, then pools of agents per shift line (start slot and length).
    const daily = Array.from({ length: scheduleDays }, (_, d) =>
      planShifts(scheduledNeed(queue, profile, expectedQueued(queue, profile, plan, d, voiceShareTotal), rng), queue.openHour * 2, queue.closeHour * 2),
    );
    const lines = new Map<string, { startSlot: number; slots: number; most: number }>();
    for (const shifts of daily) {
      const count = new Map<string, number>();
      for (const s of shifts) {
        const k = `${String(s.startSlot).padStart(2, '0')}/${s.slots}`;
        count.set(k, (count.get(k) ?? 0) + 1);
        const line = lines.get(k) ?? { startSlot: s.startSlot, slots: s.slots, most: 0 };
        line.most = Math.max(line.most, count.get(k)!);
        lines.set(k, line);
      }
    }
    const queueAgents: Agent[] = [];
    const pools = new Map<string, Agent[]>();
    for (const k of [...lines.keys()].sort()) {
      const line = lines.get(k)!;
      const pool: Agent[] = [];
      for (let i = 0; i < Math.ceil((line.most * 7) / 5); i++) {
        const index = agents.length;
        const agent = new Agent(index, `A${String(index + 1).padStart(4, '0')}`, agentName(rng, names), queue.queueId, line.startSlot, line.slots);
        agent.record = record;
        agents.push(agent);
        queueAgents.push(agent);
        pool.push(agent);
      }
      pools.set(k, pool);
    }
    byQueue.set(queue.queueId, queueAgents);
    const worked = new Map<Agent, number[]>();
    for (let d = 0; d < scheduleDays; d++) {
      const count = new Map<string, number>();
      for (const s of daily[d]!) {
        const k = `${String(s.startSlot).padStart(2, '0')}/${s.slots}`;
        count.set(k, (count.get(k) ?? 0) + 1);
      }
      for (const [k, c] of [...count].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const pool = pools.get(k)!;
        // Those who worked least in the last week go first; the rotation breaks ties fairly.
        const recent = (a: Agent) => (worked.get(a) ?? []).filter((w) => w > d - 7).length;
        const chosen = pool
          .map((a, i) => ({ a, r: recent(a), o: (i - d + pool.length * 1000) % pool.length }))
          .sort((x, y) => x.r - y.r || x.o - y.o)
          .slice(0, c)
          .map((x) => x.a)
          .sort((x, y) => x.index - y.index);
        for (const agent of chosen) {
          worked.set(agent, [...(worked.get(agent) ?? []).filter((w) => w > d - 7), d]);
          const slotStart = d * DAY + agent.lineStart * SLOT_SECONDS;
          // Agents log in a little early and out a little late, within the day.
          const start = Math.max(d * DAY, slotStart - rng.between(0, 180));
          const end = Math.min((d + 1) * DAY - 1, slotStart + agent.lineSlots * SLOT_SECONDS + rng.between(0, 90));
          const shift = new Shift(agent, d, start, end, rng.between(20, 150), plannedPauses(start, end, rng));
          agent.shifts.push(shift);
          shiftsByDay[d]!.push(shift);
        }
      }
    }
  }
  return { agents, byQueue, shiftsByDay };
}
