/**
 * The agent-state log of a shift, derived from what the agent did: logged_in, then ready whenever idle,
 * talking during contacts, acw after them, not_ready with the reason during pauses, and logged_out.
 */
import type { Shift } from './agents.ts';

export interface StateRow {
  agent: string;
  state: 'logged_in' | 'ready' | 'not_ready' | 'talking' | 'acw' | 'logged_out';
  reason: string;
  queue: string;
  start: number;
  end: number;
  /** Roster order of the agent, to sort rows of the same second. */
  order: number;
}

export function shiftStates(shift: Shift): StateRow[] {
  const agent = shift.agent.id;
  const queue = shift.agent.queue;
  const order = shift.agent.index;
  const rows: StateRow[] = [];
  // Zero-length states are left out, so (agent, start) stays a key.
  const add = (state: StateRow['state'], start: number, end: number, reason = '') => {
    if (end > start) rows.push({ agent, state, reason, queue, start, end, order });
  };
  const ready = shift.start + shift.loginSeconds;
  add('logged_in', shift.start, ready);
  let t = ready;
  for (const a of shift.activities) {
    add('ready', t, a.start);
    if (a.pause) add('not_ready', a.start, a.end, a.pause);
    else {
      add('talking', a.start, a.end);
      add('acw', a.end, a.wrapEnd);
    }
    t = a.wrapEnd;
  }
  const out = shift.loggedOutAt >= 0 ? shift.loggedOutAt : Math.max(shift.end, t);
  add('ready', t, out);
  rows.push({ agent, state: 'logged_out', reason: '', queue, start: out, end: out, order });
  return rows;
}
