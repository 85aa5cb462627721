import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import { parseAvailability } from './availability.ts';
import { clockMinutes, WEEKDAYS } from './time.ts';

/**
 * The scheduling rules: shift types with their breaks, the weekly working-time rules, agent defaults
 * and solver settings. The zod schema below is the single definition; `seeds/schedule_rules.json`
 * holds the shipped defaults and a user's rules file is laid over it (objects merge, arrays and
 * values replace).
 */

const clock = z.string().refine((s) => clockMinutes(s) !== undefined, { message: 'expected a time HH:MM (00:00–23:59)' });
const minutes = z.number().int().nonnegative();
const weekday = z.enum(WEEKDAYS);
const queueList = z.array(z.string().min(1)).min(1).describe('queue names, or ["*"] for every queue');
const availabilityText = z.string().superRefine((text, ctx) => {
  const parsed = parseAvailability(text);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: `availability: ${parsed.error}` });
});

const breakRule = z
  .strictObject({
    activity: z.enum(['break', 'lunch']).describe('how the segment is labelled in schedule.csv'),
    lengthMinutes: z.number().int().positive(),
    earliestOffsetMinutes: minutes.describe('earliest start, in minutes after the shift starts'),
    latestOffsetMinutes: minutes.describe('latest start, in minutes after the shift starts'),
  })
  .refine((b) => b.earliestOffsetMinutes <= b.latestOffsetMinutes, {
    message: 'earliestOffsetMinutes must not be after latestOffsetMinutes',
    path: ['latestOffsetMinutes'],
  });

const shiftType = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"'),
    lengthMinutes: z.number().int().positive().max(24 * 60).describe('from start to end, breaks and lunch included'),
    paidMinutes: z.number().int().positive().describe('paid time of one shift (an unpaid lunch is not paid)'),
    startWindow: z.strictObject({
      earliest: clock,
      latest: clock,
      stepMinutes: z.number().int().positive(),
    }),
    breaks: z.array(breakRule).describe('in the order they are taken; windows must not overlap'),
  })
  .superRefine((t, ctx) => {
    if (t.paidMinutes > t.lengthMinutes) ctx.addIssue({ code: 'custom', path: ['paidMinutes'], message: 'exceeds lengthMinutes' });
    const earliest = clockMinutes(t.startWindow.earliest);
    const latest = clockMinutes(t.startWindow.latest);
    if (earliest !== undefined && latest !== undefined && latest < earliest) {
      ctx.addIssue({ code: 'custom', path: ['startWindow', 'latest'], message: 'is before startWindow.earliest' });
    }
    let previousEnd = 0;
    t.breaks.forEach((b, i) => {
      if (b.latestOffsetMinutes + b.lengthMinutes > t.lengthMinutes) {
        ctx.addIssue({ code: 'custom', path: ['breaks', i, 'latestOffsetMinutes'], message: 'the break would end after the shift' });
      }
      if (b.earliestOffsetMinutes < previousEnd) {
        ctx.addIssue({
          code: 'custom',
          path: ['breaks', i, 'earliestOffsetMinutes'],
          message: 'the window overlaps the previous break (breaks must be listed in order and cannot overlap)',
        });
      }
      previousEnd = b.latestOffsetMinutes + b.lengthMinutes;
    });
  });

const agentRule = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  skills: queueList.optional(),
  contractHours: z.number().positive().optional(),
  maxDays: z.number().int().min(1).max(7).optional(),
  availability: availabilityText.optional(),
  shiftTypes: z.array(z.string().min(1)).min(1).optional(),
});

export const rulesSchema = z
  .strictObject({
    $comment: z.string().optional(),
    shiftTypes: z.array(shiftType).min(1),
    maxWorkingDaysPerWeek: z.number().int().min(1).max(7).describe('per agent, Monday to Sunday'),
    minRestHours: z.number().min(0).max(24).describe('between the end of one shift and the start of the next'),
    agentDefaults: z
      .strictObject({
        skills: queueList,
        contractHours: z.number().positive(),
        maxDays: z.number().int().min(1).max(7),
        availability: availabilityText,
        shiftTypes: z.array(z.string().min(1)).min(1).describe('shift type names, or ["*"] for all'),
      })
      .describe('values for agents whose file leaves a field empty'),
    generatedAgents: z
      .strictObject({
        skillGroups: z.array(queueList).min(1).describe('one group of agents per entry; ["*"] serves every queue'),
      })
      .describe('used when no agents are given: the schedule creates as many agents as it needs'),
    fairness: z.strictObject({
      lateShiftEndsAfter: clock.describe('a shift ending after this time of day is a late shift'),
      weekendDays: z.array(weekday),
      preferConsecutiveDaysOff: z.boolean(),
    }),
    shortfall: z.strictObject({
      penaltyPerAgentHour: z.number().positive().describe('cost of one agent-hour of unmet requirement, in paid hours'),
      queueWeights: z.record(z.string(), z.number().positive()).describe('multiplies the penalty per queue (default 1)'),
    }),
    solver: z.strictObject({
      timeLimitSeconds: z.number().positive(),
      mipRelGap: z.number().min(0).max(1),
    }),
    agents: z.array(agentRule).optional().describe('named agents; an --agents CSV file replaces this list'),
  })
  .superRefine((r, ctx) => {
    const names = new Set<string>();
    r.shiftTypes.forEach((t, i) => {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['shiftTypes', i, 'name'], message: `duplicate shift type "${t.name}"` });
      names.add(t.name);
    });
    const checkTypes = (list: readonly string[] | undefined, path: (string | number)[]) => {
      list?.forEach((n, i) => {
        if (n !== '*' && !names.has(n)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `unknown shift type "${n}"` });
      });
    };
    checkTypes(r.agentDefaults.shiftTypes, ['agentDefaults', 'shiftTypes']);
    r.agents?.forEach((a, i) => checkTypes(a.shiftTypes, ['agents', i, 'shiftTypes']));
  });

export type Rules = z.infer<typeof rulesSchema>;
export type ShiftTypeRule = Rules['shiftTypes'][number];
export type BreakRule = ShiftTypeRule['breaks'][number];
export type AgentRule = NonNullable<Rules['agents']>[number];

const seedUrl = new URL('../../seeds/schedule_rules.json', import.meta.url);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lays `over` on `base`: objects merge key by key, anything else replaces. */
export function mergeRules(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeRules(base[k], v) : v;
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(top level)';
}

/** Validates a parsed rules document; a bad field is a UserError naming its path, e.g. `shiftTypes[0].paidMinutes`. */
export function parseRules(document: unknown, source = 'rules'): Rules {
  const result = rulesSchema.safeParse(document);
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 10).map((i) => `  ${formatPath(i.path)}: ${i.message}`);
  throw new UserError(`${source}: invalid rules\n${lines.join('\n')}`);
}

/** The shipped default rules (seeds/schedule_rules.json). */
export function defaultRules(): Rules {
  return parseRules(JSON.parse(readFileSync(seedUrl, 'utf8')), 'seeds/schedule_rules.json');
}

/** Reads a rules file laid over the defaults; bad JSON or a bad field is a UserError. */
export function loadRules(path?: string): Rules {
  const seed: unknown = JSON.parse(readFileSync(seedUrl, 'utf8'));
  if (!path) return parseRules(seed, 'seeds/schedule_rules.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read rules file ${path}: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UserError(`rules file ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(document)) throw new UserError(`rules file ${path}: expected a JSON object`);
  return parseRules(mergeRules(seed, document), `rules file ${path}`);
}
