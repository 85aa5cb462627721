/** Request parameters shared by several endpoints, as zod schemas (they also document the OpenAPI spec). */
import { z } from 'zod';

export const day = z.iso.date({ error: 'expected a date YYYY-MM-DD' });

/** A list given as repeated parameters (`queue=a&queue=b`) or comma-separated (`queue=a,b`). */
export function idList(what: string) {
  return z
    .union([z.string(), z.array(z.string())], { error: `expected one or more ${what} ids` })
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.string().max(200, { error: 'id too long' })).max(200, { error: `at most 200 ${what} ids` }))
    .meta({ description: `One or more ${what} ids: repeat the parameter or separate ids with commas.` });
}

export const period = {
  from: day.optional().describe('First day, inclusive (YYYY-MM-DD).'),
  to: day.optional().describe('Last day, inclusive (YYYY-MM-DD).'),
};

/** Checks from ≤ to on an object holding both. */
export function fromNotAfterTo(v: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${v.from}) is after to (${v.to})` });
}

/** from, to and queue: the filter of the per-queue, per-interval workforce endpoints. */
export const periodAndQueues = z.strictObject({ ...period, queue: idList('queue').optional() }).superRefine(fromNotAfterTo);

export const calendarGrain = z.enum(['day', 'week', 'month'], { error: 'expected day, week or month' });

/** A whole number in a query string. */
export function wholeNumber(min: number, max: number) {
  return z.coerce
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}
