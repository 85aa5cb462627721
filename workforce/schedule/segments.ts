import type { Agent } from './agents.ts';
import { shareOutSlot, type OnWork } from './allocate.ts';
import type { PlacedShift } from './mixModel.ts';

/** One row of schedule.csv, on the timeline (minutes). */
export interface TimedSegment {
  agent: number;
  /** Queue index for work; -1 for a break or lunch. */
  queue: number;
  start: number;
  end: number;
  activity: 'work' | 'break' | 'lunch';
}

export interface SegmentsInput {
  shifts: readonly PlacedShift[];
  /** Agent index per shift, -1 when unassigned (such shifts are left out). */
  assignment: ArrayLike<number>;
  agents: readonly Agent[];
  /** Requirement per queue per slot. */
  req: readonly Int32Array[];
  queueWeight: readonly number[];
  slotMinutes: number;
  numSlots: number;
}

export interface SegmentsResult {
  segments: TimedSegment[];
  /** Agents on work per queue per slot. */
  onQueue: Int32Array[];
}

/** Splits every assigned shift into work, break and lunch segments, choosing the queue served slot by slot. */
export function buildSegments(input: SegmentsInput): SegmentsResult {
  const { shifts, assignment, agents, req, slotMinutes, numSlots } = input;
  const numQueues = req.length;
  // For each shift: the activity of each of its slots, and the queue served when on work.
  const activityAt = shifts.map((s) => {
    const slots = (s.end - s.start) / slotMinutes;
    const act = new Array<TimedSegment['activity']>(slots).fill('work');
    for (const b of s.breaks) for (let t = b.start; t < b.end; t += slotMinutes) act[(t - s.start) / slotMinutes] = b.activity;
    return act;
  });
  const queueAt = shifts.map((s) => new Int32Array((s.end - s.start) / slotMinutes).fill(-1));
  const bySlot: number[][] = Array.from({ length: numSlots }, () => []);
  shifts.forEach((s, i) => {
    if (assignment[i]! < 0) return;
    for (let t = s.start; t < s.end; t += slotMinutes) {
      const slot = t / slotMinutes;
      if (slot < numSlots && activityAt[i]![(t - s.start) / slotMinutes] === 'work') bySlot[slot]!.push(i);
    }
  });

  const onQueue = Array.from({ length: numQueues }, () => new Int32Array(numSlots));
  const required = new Int32Array(numQueues);
  for (let slot = 0; slot < numSlots; slot++) {
    const list = bySlot[slot]!;
    if (list.length === 0) continue;
    for (let q = 0; q < numQueues; q++) required[q] = req[q]![slot]!;
    const onWork: OnWork[] = list.map((i) => {
      const s = shifts[i]!;
      const k = (slot * slotMinutes - s.start) / slotMinutes;
      let previous = -1;
      for (let j = k - 1; j >= 0 && previous < 0; j--) previous = queueAt[i]![j]!;
      return { skills: agents[assignment[i]!]!.skills, previous };
    });
    const queues = shareOutSlot(onWork, required, input.queueWeight);
    list.forEach((i, n) => {
      const q = queues[n]!;
      const s = shifts[i]!;
      queueAt[i]![(slot * slotMinutes - s.start) / slotMinutes] = q;
      if (q >= 0) onQueue[q]![slot]! += 1;
    });
  }

  const segments: TimedSegment[] = [];
  shifts.forEach((s, i) => {
    const agent = assignment[i]!;
    if (agent < 0) return;
    const act = activityAt[i]!;
    const queue = queueAt[i]!;
    let open: TimedSegment | undefined;
    for (let k = 0; k < act.length; k++) {
      const activity = act[k]!;
      const q = activity === 'work' ? queue[k]! : -1;
      const t = s.start + k * slotMinutes;
      if (open && open.activity === activity && open.queue === q) {
        open.end = t + slotMinutes;
      } else {
        if (open) segments.push(open);
        open = { agent, queue: q, start: t, end: t + slotMinutes, activity };
      }
    }
    if (open) segments.push(open);
  });
  segments.sort((a, b) => a.agent - b.agent || a.start - b.start);
  return { segments, onQueue };
}
