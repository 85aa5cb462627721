/**
 * One agent queue served first-come first-served by its agents, longest-idle agent first. Contacts are
 * offered in order of queue entry; each waits for the first agent free and on shift, or abandons when its
 * patience runs out first (the Kiefer–Wolfowitz recursion with abandonment, agent by agent).
 */
import { type Agent, advance, assignWork } from './agents.ts';
import { MinHeap } from './heap.ts';

const byKey = (a: Agent, b: Agent) => a.key < b.key || (a.key === b.key && a.index < b.index);

export class AgentPool {
  private readonly heap = new MinHeap<Agent>(byKey);
  /** Start time of the last successful `claim`. */
  start = 0;

  constructor(readonly agents: readonly Agent[]) {
    for (const a of agents) {
      a.key = advance(a, -Infinity);
      this.heap.push(a);
    }
  }

  /**
   * The agent who takes a contact that entered the queue at `entry`, if one can start by `deadline`; the
   * start time is left in `start`. The agent is out of the pool until `release`.
   */
  claim(entry: number, deadline: number): Agent | null {
    const heap = this.heap;
    for (;;) {
      const top = heap.peek();
      if (!top) return null;
      if (top.key >= entry) break;
      // Idle since before the contact came: free now unless a pause or the end of the shift intervened.
      const k = advance(top, entry);
      if (k === entry) {
        heap.pop();
        this.start = entry;
        return top;
      }
      top.key = k;
      heap.topChanged();
    }
    const top = heap.peek()!;
    if (top.key > deadline || top.key === Infinity) return null;
    heap.pop();
    this.start = top.key;
    return top;
  }

  /** Gives the agent back after work from `start` to `end` (talking) and `wrapEnd` (after-call work). */
  release(agent: Agent, start: number, end: number, wrapEnd: number): void {
    assignWork(agent, start, end, wrapEnd);
    agent.key = advance(agent, wrapEnd);
    this.heap.push(agent);
  }
}
