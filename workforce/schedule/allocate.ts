/**
 * Which queue each agent on work serves, slot by slot. In every slot the agents on work are shared
 * out among the queues in their skills so that the weighted unmet requirement is smallest (a
 * min-cost flow: agents → queues → requirement); among equally good shares, agents stay on the queue
 * they served in the previous slot. Agents beyond every requirement stay where they were, or go to
 * the queue of their skills with the largest requirement.
 */

/** One agent on work in a slot. */
export interface OnWork {
  /** Queues the agent may serve (sorted). */
  skills: readonly number[];
  /** Queue served in the previous slot, or -1. */
  previous: number;
}

interface Edge {
  to: number;
  cap: number;
  cost: number;
  rev: number;
}

class FlowGraph {
  readonly adj: Edge[][];
  constructor(n: number) {
    this.adj = Array.from({ length: n }, () => []);
  }
  add(from: number, to: number, cap: number, cost: number): Edge {
    const e: Edge = { to, cap, cost, rev: this.adj[to]!.length };
    this.adj[from]!.push(e);
    this.adj[to]!.push({ to: from, cap: 0, cost: -cost, rev: this.adj[from]!.length - 1 });
    return e;
  }
  /** Pushes flow from s to t along cheapest paths while a path has negative cost (Bellman-Ford; graphs are tiny). */
  minCostFlow(s: number, t: number): void {
    const n = this.adj.length;
    for (;;) {
      const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
      const prevNode = new Int32Array(n).fill(-1);
      const prevEdge = new Int32Array(n).fill(-1);
      dist[s] = 0;
      for (let round = 0; round < n; round++) {
        let changed = false;
        for (let u = 0; u < n; u++) {
          if (dist[u] === Number.POSITIVE_INFINITY) continue;
          this.adj[u]!.forEach((e, k) => {
            if (e.cap > 0 && dist[u]! + e.cost < dist[e.to]! - 1e-12) {
              dist[e.to] = dist[u]! + e.cost;
              prevNode[e.to] = u;
              prevEdge[e.to] = k;
              changed = true;
            }
          });
        }
        if (!changed) break;
      }
      if (!(dist[t]! < -1e-12)) return;
      let push = Number.POSITIVE_INFINITY;
      for (let v = t; v !== s; v = prevNode[v]!) push = Math.min(push, this.adj[prevNode[v]!]![prevEdge[v]!]!.cap);
      for (let v = t; v !== s; v = prevNode[v]!) {
        const e = this.adj[prevNode[v]!]![prevEdge[v]!]!;
        e.cap -= push;
        this.adj[v]![e.rev]!.cap += push;
      }
    }
  }
}

/**
 * Shares one slot's agents out among queues. `required[q]` is the slot's requirement, `weight[q]` the
 * shortfall weight. Returns the queue of each agent (every agent gets one of its skills, or -1 when it
 * has none).
 */
export function shareOutSlot(agents: readonly OnWork[], required: ArrayLike<number>, weight: ArrayLike<number>): number[] {
  const numQueues = required.length;
  // Interchangeable agents: same skills and same previous queue.
  const classes = new Map<string, number[]>();
  agents.forEach((a, i) => {
    const key = `${a.skills.join(',')}|${a.previous}`;
    const list = classes.get(key);
    if (list) list.push(i);
    else classes.set(key, [i]);
  });
  const keys = [...classes.keys()];
  const source = 0;
  const sink = 1;
  const classNode = (c: number) => 2 + c;
  const queueNode = (q: number) => 2 + keys.length + q;
  const g = new FlowGraph(2 + keys.length + numQueues);
  // Covering a requirement outweighs every staying-put preference.
  const reward = 2 * (agents.length + 1);
  const edges: { cls: number; q: number; edge: Edge; cap: number }[] = [];
  keys.forEach((key, c) => {
    const members = classes.get(key)!;
    const rep = agents[members[0]!]!;
    g.add(source, classNode(c), members.length, 0);
    for (const q of rep.skills) {
      if (!(required[q]! > 0)) continue;
      const edge = g.add(classNode(c), queueNode(q), members.length, q === rep.previous ? 0 : 1);
      edges.push({ cls: c, q, edge, cap: members.length });
    }
  });
  for (let q = 0; q < numQueues; q++) if (required[q]! > 0) g.add(queueNode(q), sink, required[q]!, -reward * weight[q]!);
  g.minCostFlow(source, sink);

  const out = new Array<number>(agents.length).fill(-1);
  const served = new Float64Array(numQueues);
  for (const { cls, q, edge, cap } of edges) {
    let flow = cap - edge.cap;
    for (const i of classes.get(keys[cls]!)!) {
      if (flow <= 0) break;
      if (out[i] !== -1) continue;
      out[i] = q;
      served[q]! += 1;
      flow--;
    }
  }
  // Agents beyond every requirement.
  agents.forEach((a, i) => {
    if (out[i] !== -1 || a.skills.length === 0) return;
    if (a.previous >= 0 && a.skills.includes(a.previous)) {
      out[i] = a.previous;
      return;
    }
    let best = a.skills[0]!;
    for (const q of a.skills) if (required[q]! - served[q]! > required[best]! - served[best]!) best = q;
    out[i] = best;
    served[best]! += 1;
  });
  return out;
}
