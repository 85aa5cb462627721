/** Response pieces shared by several endpoints (zod, for the OpenAPI document and the tests). */
import { z } from 'zod';
import { dailyMeasureNames, queueMeasureNames } from './measures.ts';

export const nullableNumber = z.number().nullable();

export function numbers<K extends string>(names: readonly K[], optional = false) {
  return Object.fromEntries(names.map((n) => [n, optional ? nullableNumber.optional() : nullableNumber])) as Record<K, z.ZodNullable<z.ZodNumber>>;
}

export const queueMeasuresShape = numbers(queueMeasureNames);
export const dailyMeasuresShape = Object.fromEntries(dailyMeasureNames.map((n) => [n, nullableNumber.optional()])) as Record<
  (typeof dailyMeasureNames)[number],
  z.ZodOptional<z.ZodNullable<z.ZodNumber>>
>;

export const errorBody = z.strictObject({
  error: z.string(),
  parameter: z.string().optional(),
});

/** `available: false` when a table of a later feature is not in the database yet. */
export const available = z.boolean().describe('False when the database has no such table yet (the feature has not run).');
