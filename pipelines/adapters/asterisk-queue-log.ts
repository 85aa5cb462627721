/**
 * `asterisk-queue-log`: the Asterisk / FreePBX `queue_log` (pipe-delimited `epoch|callid|queue|agent|event|data…`,
 * events as documented in Asterisk's "Queue Logs" reference). Yields one ACD contact leg per call per queue
 * (a TRANSFER followed by the call entering another queue is leg 2 of the same contact) and agent state
 * intervals (ready / not ready with reason / talking / logged out). Times are UNIX instants, written with Z.
 */
import type { Adapter, AdapterContext, AdapterOutput } from './types.ts';
import { checkOptions } from './options.ts';
import { readLines } from './text.ts';
import { isoFromEpoch } from './times.ts';

export const asteriskQueueLog: Adapter = {
  name: 'asterisk-queue-log',
  summary: 'Asterisk / FreePBX queue_log (epoch|callid|queue|agent|event|data…) → ACD contacts and agent states',
  sources: ['acd', 'agent-states'],
  read: readQueueLog,
};

/** Events that carry no row of their own (ring attempts, system notices). */
const CONSUMED = new Set(['RINGNOANSWER', 'RINGCANCELED', 'QUEUESTART', 'CONFIGRELOAD', 'DID', 'INFO']);
const ENDS: Record<string, string> = {
  ABANDON: 'abandoned',
  EXITWITHKEY: 'abandoned',
  EXITWITHTIMEOUT: 'failed',
  EXITEMPTY: 'failed',
  AGENTDUMP: 'failed',
  SYSCOMPAT: 'failed',
};
const TRANSFERS = new Set(['TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER']);
const LOGINS = new Set(['ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN']);
const LOGOFFS = new Set(['AGENTLOGOFF', 'AGENTCALLBACKLOGOFF']);

interface Event {
  line: number;
  text: string;
  time: number;
  callid: string;
  queue: string;
  agent: string;
  event: string;
  data: string[];
}

interface Leg {
  seq: number;
  queue: string;
  enter: Event;
  lines: Event[];
  connect: Event | null;
  end: Event | null;
  outcome: string | null;
  /** Where a transfer went, when the log names it; replaced by the next queue the call enters. */
  transferTo: string | null;
}

interface Call {
  legs: number;
  open: Leg | null;
  /** A transferred leg waiting to learn the queue the call enters next. */
  transferred: Leg | null;
}

type State = 'ready' | 'not_ready' | 'talking' | 'logged_out';

interface Interval {
  state: State;
  reason: string | null;
  queue: string | null;
  start: Event;
}

interface Agent {
  queues: Set<string>;
  paused: boolean;
  pauseReason: string | null;
  /** Calls in progress with their queues. */
  calls: string[];
  current: Interval | null;
}

async function* readQueueLog(path: string, ctx: AdapterContext): AsyncGenerator<AdapterOutput> {
  checkOptions('asterisk-queue-log', ctx.options, []);
  const calls = new Map<string, Call>();
  const agents = new Map<string, Agent>();
  const out: AdapterOutput[] = [];

  const reject = (e: Event, reason: string, field: string | null = null, source: 'acd' | 'agent-states' = 'acd') =>
    out.push({ kind: 'reject', source, line: e.line, raw: e.text, field, reason });

  const legRow = (leg: Leg, callid: string) => {
    const end = leg.end!;
    out.push({
      kind: 'row',
      source: 'acd',
      line: leg.enter.line,
      raw: leg.lines.map((l) => l.text).join('\n'),
      fields: {
        contact_id: callid,
        leg_seq: String(leg.seq),
        customer_id: nonEmpty(leg.enter.data[1]),
        channel: 'voice',
        direction: 'inbound',
        queue: leg.queue,
        agent: leg.connect ? nonEmpty(leg.connect.agent) : null,
        priority: null,
        arrival_at: isoFromEpoch(leg.enter.time),
        ivr_entry_at: null,
        ivr_exit_at: null,
        ivr_path: null,
        queue_entry_at: isoFromEpoch(leg.enter.time),
        answer_at: leg.connect ? isoFromEpoch(leg.connect.time) : null,
        end_at: isoFromEpoch(end.time),
        hold_seconds: null,
        acw_seconds: null,
        disposition: null,
        outcome: leg.outcome,
        transfer_to: leg.transferTo,
        csat: null,
      },
    });
  };

  // Agent state: one open interval per agent, closed when the derived state changes.
  const agentOf = (name: string): Agent => {
    let a = agents.get(name);
    if (!a) agents.set(name, (a = { queues: new Set(), paused: false, pauseReason: null, calls: [], current: null }));
    return a;
  };
  const emitInterval = (name: string, iv: Interval, end: Event | null) =>
    out.push({
      kind: 'row',
      source: 'agent-states',
      line: iv.start.line,
      raw: iv.start.text,
      fields: {
        agent: name,
        state: iv.state,
        reason: iv.reason,
        queue: iv.queue,
        start_at: isoFromEpoch(iv.start.time),
        end_at: end ? isoFromEpoch(end.time) : null,
      },
    });
  const settle = (name: string, a: Agent, e: Event) => {
    const state: State = a.queues.size === 0 ? 'logged_out' : a.calls.length ? 'talking' : a.paused ? 'not_ready' : 'ready';
    const reason = state === 'not_ready' ? a.pauseReason : null;
    const queue = state === 'talking' ? a.calls[a.calls.length - 1]! : null;
    const cur = a.current;
    if (cur && cur.state === state && cur.reason === reason && cur.queue === queue) return;
    if (cur && cur.start.time === e.time) {
      // Two changes in the same second: the earlier state lasted no time and is replaced.
      a.current = { state, reason, queue, start: e };
      return;
    }
    if (cur) emitInterval(name, cur, e);
    a.current = { state, reason, queue, start: e };
  };
  // Static queue members log no login: any event of theirs means they are in a queue.
  const implicitMember = (a: Agent, queue: string) => {
    if (a.queues.size === 0) a.queues.add(queue === 'NONE' ? '*' : queue);
  };

  const closeLeg = (callid: string, call: Call, leg: Leg, e: Event, outcome: string | null) => {
    leg.lines.push(e);
    leg.end = e;
    leg.outcome = outcome;
    call.open = null;
    if (leg.connect) {
      const a = agentOf(leg.connect.agent);
      const i = a.calls.lastIndexOf(leg.queue);
      if (i >= 0) a.calls.splice(i, 1);
      settle(leg.connect.agent, a, e);
    }
    if (leg.transferTo !== null || TRANSFERS.has(e.event)) call.transferred = leg;
    else legRow(leg, callid);
  };

  for await (const { line, text } of readLines(path)) {
    if (out.length >= 10_000) yield* out.splice(0);
    if (text.trim() === '') continue;
    const parts = text.split('|');
    if (parts.length < 5) {
      out.push({ kind: 'reject', source: 'acd', line, raw: text, field: null, reason: `expected at least 5 |-separated fields (time|callid|queue|agent|event), found ${parts.length}` });
      continue;
    }
    const [time, callid, queue, agent, event, ...data] = parts.map((p) => p.trim()) as [string, string, string, string, string, ...string[]];
    const e: Event = { line, text, time: Number(time), callid, queue, agent, event: event.toUpperCase(), data };
    if (!/^\d+(\.\d+)?$/.test(time)) {
      reject(e, `time "${time}" is not a UNIX time in seconds`, 'arrival_at');
      continue;
    }
    const ev = e.event;
    if (CONSUMED.has(ev)) continue;

    if (ev === 'ENTERQUEUE') {
      let call = calls.get(callid);
      if (!call) calls.set(callid, (call = { legs: 0, open: null, transferred: null }));
      if (call.open) {
        const old = call.open;
        reject(old.enter, `call ${callid} entered queue ${queue} (line ${line}) while still in queue ${old.queue} with no end event`);
        call.open = null;
      }
      if (call.transferred) {
        call.transferred.transferTo = queue;
        legRow(call.transferred, callid);
        call.transferred = null;
      }
      call.open = { seq: ++call.legs, queue, enter: e, lines: [e], connect: null, end: null, outcome: null, transferTo: null };
      continue;
    }

    if (ev === 'CONNECT' || ev === 'COMPLETECALLER' || ev === 'COMPLETEAGENT' || TRANSFERS.has(ev) || ev in ENDS) {
      const call = calls.get(callid);
      const leg = call?.open;
      if (!call || !leg || leg.queue !== queue) {
        reject(e, `${ev} for call ${callid} in queue ${queue} without an earlier ENTERQUEUE in that queue (the start of the call is not in this file)`);
        continue;
      }
      if (ev === 'CONNECT') {
        if (leg.connect) {
          reject(e, `second CONNECT for call ${callid} in queue ${queue} (first at line ${leg.connect.line})`, 'answer_at');
          continue;
        }
        leg.connect = e;
        leg.lines.push(e);
        const a = agentOf(agent);
        implicitMember(a, queue);
        a.calls.push(queue);
        settle(agent, a, e);
        continue;
      }
      if (ev === 'COMPLETECALLER' || ev === 'COMPLETEAGENT') {
        if (!leg.connect) {
          reject(e, `${ev} for call ${callid} in queue ${queue} without a CONNECT`, 'answer_at');
          continue;
        }
        closeLeg(callid, call, leg, e, 'answered');
        continue;
      }
      if (TRANSFERS.has(ev)) {
        // TRANSFER / BLINDTRANSFER: extension|context|…; ATTENDEDTRANSFER: method|method-data|….
        leg.transferTo = nonEmpty(ev === 'ATTENDEDTRANSFER' ? e.data[1] : e.data[0]);
        closeLeg(callid, call, leg, e, leg.connect ? 'answered' : null);
        continue;
      }
      closeLeg(callid, call, leg, e, ENDS[ev]!);
      continue;
    }

    if (LOGINS.has(ev) || ev === 'REMOVEMEMBER' || LOGOFFS.has(ev) || ev.startsWith('PAUSE') || ev.startsWith('UNPAUSE')) {
      if (agent === '' || agent === 'NONE') {
        reject(e, `${ev} without an agent`, 'agent', 'agent-states');
        continue;
      }
      const a = agentOf(agent);
      if (LOGINS.has(ev)) {
        a.queues.add(queue === 'NONE' || queue === '' ? '*' : queue);
        if (ev === 'ADDMEMBER' && e.data[0]?.toUpperCase() === 'PAUSED') a.paused = true;
      } else if (ev === 'REMOVEMEMBER') {
        a.queues.delete(queue);
        a.queues.delete('*');
      } else if (LOGOFFS.has(ev)) {
        a.queues.clear();
      } else if (ev === 'PAUSE' || ev === 'PAUSEALL') {
        implicitMember(a, queue);
        a.paused = true;
        a.pauseReason = nonEmpty(e.data[0]);
      } else if (ev === 'UNPAUSE' || ev === 'UNPAUSEALL') {
        implicitMember(a, queue);
        a.paused = false;
        a.pauseReason = null;
      } else {
        reject(e, `unknown queue_log event "${event}"`, null, 'agent-states');
        continue;
      }
      if (a.queues.size === 0) {
        a.paused = false;
        a.pauseReason = null;
      }
      settle(agent, a, e);
      continue;
    }

    reject(e, `unknown queue_log event "${event}"`);
  }

  for (const [callid, call] of calls) {
    if (call.transferred) legRow(call.transferred, callid);
    if (call.open) reject(call.open.enter, `call ${callid} is still in queue ${call.open.queue} when the log ends (no ABANDON, COMPLETE, EXIT or TRANSFER event)`);
  }
  for (const [name, a] of agents) if (a.current) emitInterval(name, a.current, null);
  yield* out;
}

function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v.trim();
}
