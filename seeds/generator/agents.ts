/**
 * Agents and their shifts. A shift is a login window with planned pauses (breaks, lunch, training…). The
 * queue simulation asks `advance` when an agent can next take a contact; pauses that fall due while the agent
 * is busy start as soon as the work is done, and what really happened is kept per shift for the state log.
 */

export type PauseReason = 'break' | 'lunch' | 'training' | 'meeting' | 'personal';

export interface PlannedPause {
  start: number;
  seconds: number;
  reason: PauseReason;
}

/** What an agent did during a shift, in order: work (talking then after-call work) or a pause. */
export interface Activity {
  pause: PauseReason | null;
  start: number;
  /** End of talking (work) or of the pause. */
  end: number;
  /** End of after-call work (work only). */
  wrapEnd: number;
}

export class Shift {
  readonly activities: Activity[] = [];
  /** When the agent logged out; −1 while the shift is still open. */
  loggedOutAt = -1;

  constructor(
    readonly agent: Agent,
    readonly day: number,
    readonly start: number,
    readonly end: number,
    /** Seconds between login and the first moment the agent is ready. */
    readonly loginSeconds: number,
    readonly pauses: readonly PlannedPause[],
  ) {}
}

export class Agent {
  readonly shifts: Shift[] = [];
  /** Index of the current shift in `shifts`. */
  shiftIndex = 0;
  /** Index of the next planned pause of the current shift. */
  pauseIndex = 0;
  /** End of the agent's current work or pause. */
  freeAt = -Infinity;
  /** Heap key: when the agent can next start a contact, as last computed. */
  key = 0;
  /** Whether to keep activities (only needed when the agent-state log is written). */
  record = true;

  constructor(
    readonly index: number,
    readonly id: string,
    readonly name: string,
    readonly queue: string,
    readonly lineStart: number,
    readonly lineSlots: number,
  ) {}

  get currentShift(): Shift | undefined {
    return this.shifts[this.shiftIndex];
  }
}

/**
 * Earliest time ≥ t at which the agent can start a contact, committing the pauses and logouts that happen
 * before it. Calls with t no later than the returned time change nothing, so the result stays valid as a heap
 * key until the agent takes work.
 */
export function advance(agent: Agent, t: number): number {
  for (;;) {
    const shift = agent.shifts[agent.shiftIndex];
    if (!shift) return Infinity;
    const ready = shift.start + shift.loginSeconds;
    const s = Math.max(t, agent.freeAt, ready);
    const pause = shift.pauses[agent.pauseIndex];
    if (pause && s >= pause.start) {
      const begin = Math.max(pause.start, agent.freeAt, ready);
      agent.pauseIndex++;
      // A pause pushed past the end of the shift is skipped.
      if (begin >= shift.end) continue;
      agent.freeAt = begin + pause.seconds;
      if (agent.record) shift.activities.push({ pause: pause.reason, start: begin, end: agent.freeAt, wrapEnd: agent.freeAt });
      continue;
    }
    if (s >= shift.end) {
      shift.loggedOutAt = Math.max(shift.end, agent.freeAt);
      agent.shiftIndex++;
      agent.pauseIndex = 0;
      continue;
    }
    return s;
  }
}

/** Records work on the agent's current shift: busy from `start`, talking until `end`, wrapping up until `wrapEnd`. */
export function assignWork(agent: Agent, start: number, end: number, wrapEnd: number): void {
  agent.freeAt = wrapEnd;
  if (agent.record) agent.shifts[agent.shiftIndex]!.activities.push({ pause: null, start, end, wrapEnd });
}
