/**
 * One description per endpoint: method, path, parameters and response as zod schemas. The validators use
 * the parameter schemas, and /openapi.json is generated from the whole list.
 */
import type { z } from 'zod';

export interface RouteDoc<Q extends z.ZodType | undefined = z.ZodType | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: 'get' | 'post';
  /** Full path as served. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Path parameters, for paths with `{name}` segments. */
  params?: z.ZodType;
  query?: Q;
  body?: B;
  /** The JSON answer (200). */
  response: z.ZodType;
  /** Other answers than JSON (content type → description), e.g. CSV. */
  otherContent?: Record<string, string>;
  /** Error statuses besides 400 and 500 (status → when). */
  errors?: Record<string, string>;
}

export function defineRoute<Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(doc: RouteDoc<Q, B>): RouteDoc<Q, B> {
  return doc;
}
