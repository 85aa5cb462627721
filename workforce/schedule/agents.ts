import { UserError } from '../../core/errors.ts';
import { parseAvailability, type WeeklyWindow } from './availability.ts';
import { headerIndex, parseCsv } from './csv.ts';
import type { AgentRule, Rules } from './rules.ts';

/** An agent as given by a file or a caller; empty fields take `rules.agentDefaults`. */
export interface AgentInput {
  id: string;
  name?: string;
  /** Queue names, or ["*"] for every queue. */
  skills?: string[];
  contractHours?: number;
  maxDays?: number;
  /** e.g. `Mon-Fri 07:00-19:00; Sat 09:00-13:00`. */
  availability?: string;
  /** Shift type names, or ["*"] for all. */
  shiftTypes?: string[];
  line?: number;
}

/** An agent ready for scheduling: skills and shift types as indices into the run's queues and shift types. */
export interface Agent {
  id: string;
  name: string;
  skills: number[];
  contractMinutes: number;
  maxDays: number;
  availability: WeeklyWindow[];
  shiftTypes: number[];
  generated: boolean;
}

export const AGENT_COLUMNS = ['agent_id', 'name', 'skills', 'contract_hours', 'max_days', 'availability', 'shift_types'] as const;

const splitList = (text: string) =>
  text
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Reads the agents CSV: `agent_id,name,skills,contract_hours,max_days,availability,shift_types`. Only
 * agent_id is required; skills and shift_types are `|`-separated; availability is like
 * `Mon-Fri 07:00-19:00; Sat 09:00-13:00`. A bad value is a UserError naming its line and field.
 */
export function parseAgentsCsv(text: string, source = 'agents'): AgentInput[] {
  const fail = (line: number, message: string): never => {
    throw new UserError(`${source} line ${line}: ${message}`);
  };
  const [header, ...records] = parseCsv(text, fail);
  const col = headerIndex(header, ['agent_id'], AGENT_COLUMNS.slice(1), fail);
  const out: AgentInput[] = [];
  for (const rec of records) {
    const get = (name: string) => {
      const i = col.get(name);
      return i === undefined ? '' : (rec.fields[i] ?? '').trim();
    };
    const agent: AgentInput = { id: get('agent_id'), line: rec.line };
    if (agent.id === '') fail(rec.line, 'field agent_id is empty');
    if (get('name') !== '') agent.name = get('name');
    if (get('skills') !== '') agent.skills = splitList(get('skills'));
    const contract = get('contract_hours');
    if (contract !== '') {
      const n = Number(contract);
      if (!Number.isFinite(n) || n <= 0) fail(rec.line, `field contract_hours: "${contract}" is not a number of hours > 0`);
      agent.contractHours = n;
    }
    const maxDays = get('max_days');
    if (maxDays !== '') {
      const n = Number(maxDays);
      if (!Number.isInteger(n) || n < 1 || n > 7) fail(rec.line, `field max_days: "${maxDays}" is not a whole number 1–7`);
      agent.maxDays = n;
    }
    const availability = get('availability');
    if (availability !== '') {
      const parsed = parseAvailability(availability);
      if ('error' in parsed) fail(rec.line, `field availability: ${parsed.error}`);
      agent.availability = availability;
    }
    if (get('shift_types') !== '') agent.shiftTypes = splitList(get('shift_types'));
    out.push(agent);
  }
  return out;
}

function where(a: AgentInput, i: number, source: string): string {
  return a.line !== undefined ? `${source} line ${a.line}` : `${source} agent ${i + 1} (${a.id})`;
}

/** Applies defaults and checks names against the run's queues and shift types. */
export function resolveAgents(inputs: readonly (AgentInput | AgentRule)[], rules: Rules, queues: readonly string[], source = 'agents'): Agent[] {
  const typeIndex = new Map(rules.shiftTypes.map((t, i) => [t.name, i]));
  const queueIndex = new Map(queues.map((q, i) => [q, i]));
  const seen = new Map<string, number>();
  const d = rules.agentDefaults;
  return inputs.map((input, i) => {
    const a = input as AgentInput;
    const at = where(a, i, source);
    if (typeof a.id !== 'string' || a.id.trim() === '') throw new UserError(`${at}: field agent_id is empty`);
    const first = seen.get(a.id);
    if (first !== undefined) throw new UserError(`${at}: field agent_id: duplicate "${a.id}" (also ${where(inputs[first] as AgentInput, first, source)})`);
    seen.set(a.id, i);
    const skillNames = a.skills ?? d.skills;
    const skills = skillNames.includes('*') ? queues.map((_, q) => q) : [...new Set(skillNames.flatMap((s) => (queueIndex.has(s) ? [queueIndex.get(s)!] : [])))].sort((x, y) => x - y);
    const typeNames = a.shiftTypes ?? d.shiftTypes;
    const shiftTypes: number[] = [];
    if (typeNames.includes('*')) rules.shiftTypes.forEach((_, t) => shiftTypes.push(t));
    else {
      for (const n of typeNames) {
        const t = typeIndex.get(n);
        if (t === undefined) throw new UserError(`${at}: field shift_types: unknown shift type "${n}" (rules have ${[...typeIndex.keys()].join(', ')})`);
        shiftTypes.push(t);
      }
    }
    const contractHours = a.contractHours ?? d.contractHours;
    if (!(contractHours > 0)) throw new UserError(`${at}: field contract_hours must be > 0`);
    const maxDays = Math.min(a.maxDays ?? d.maxDays, rules.maxWorkingDaysPerWeek);
    const availability = parseAvailability(a.availability ?? d.availability);
    if ('error' in availability) throw new UserError(`${at}: field availability: ${availability.error}`);
    return {
      id: a.id,
      name: a.name ?? a.id,
      skills,
      contractMinutes: Math.round(contractHours * 60),
      maxDays,
      availability,
      shiftTypes: [...new Set(shiftTypes)].sort((x, y) => x - y),
      generated: false,
    };
  });
}
