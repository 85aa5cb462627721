/**
 * Request validation as middleware: the query string or JSON body is parsed with the route's zod schema
 * (the same schema the OpenAPI document is generated from); the first problem answers 400 naming the
 * parameter. Handlers read the typed result with `c.req.valid('query' | 'json')`.
 */
import type { MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import type { ErrorBody } from './errors.ts';

/** The parameter an issue is about, and a message that names it. */
export function describeIssue(issue: z.core.$ZodIssue, where: 'query' | 'body'): ErrorBody {
  // a query parameter is named by itself, not by the item of its list that failed (queue.3)
  let parameter = (where === 'query' ? issue.path.slice(0, 1) : issue.path).map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    parameter = [parameter, issue.keys[0]].filter(Boolean).join('.');
    return { error: `${parameter}: unknown ${where === 'query' ? 'query parameter' : 'field'}`, parameter };
  }
  if (!parameter) parameter = where;
  const input = (issue as { input?: unknown }).input;
  const shown = typeof input === 'string' && input.length > 60 ? `${input.slice(0, 60)}…` : input;
  const got = typeof shown === 'string' || typeof shown === 'number' ? ` (got ${JSON.stringify(shown)})` : '';
  return { error: `${parameter}: ${issue.message}${got}`, parameter };
}

export function validQuery<S extends z.ZodType>(schema: S) {
  return validator('query', (value, c) => {
    const parsed = schema.safeParse(value, { reportInput: true });
    if (!parsed.success) return c.json(describeIssue(parsed.error.issues[0]!, 'query'), 400);
    return parsed.data as z.output<S>;
  });
}

const jsonType = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * The JSON body parsed and validated by `schema`. Written by hand rather than with hono's json validator so
 * that a missing Content-Type or malformed JSON is also a 400 naming `body`.
 */
export function validJson<S extends z.ZodType>(schema: S) {
  const typed = validator('json', (value) => value as z.output<S>);
  const middleware: MiddlewareHandler = async (c, next) => {
    const fail = (error: string) => c.json({ error, parameter: 'body' } satisfies ErrorBody, 400);
    if (!jsonType.test(c.req.header('content-type') ?? '')) return fail('body: send a JSON object with Content-Type: application/json');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return fail('body: not valid JSON');
    }
    const parsed = schema.safeParse(body, { reportInput: true });
    if (!parsed.success) return c.json(describeIssue(parsed.error.issues[0]!, 'body'), 400);
    c.req.addValidatedData('json', parsed.data as object);
    await next();
  };
  return middleware as unknown as typeof typed;
}
