/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate the requests (and describe
 * the answers): zod 4's JSON Schema output is the 2020-12 dialect OpenAPI 3.1 uses.
 */
import { z } from 'zod';
import type { RouteDoc } from './route.ts';
import { errorBody } from './schemas.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[]; description?: string };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Each property of an object schema becomes one parameter. */
function parameters(schema: z.ZodType, where: 'query' | 'path') {
  const s = jsonSchema(schema, 'input');
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...propSchema } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propSchema,
      ...(where === 'query' ? { style: 'form', explode: true } : {}),
    };
  });
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });

function operation(route: RouteDoc) {
  const op: Record<string, unknown> = {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    parameters: [...(route.params ? parameters(route.params, 'path') : []), ...(route.query ? parameters(route.query, 'query') : [])],
  };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
  const ok: Record<string, unknown> = { 'application/json': { schema: jsonSchema(route.response, 'output') } };
  for (const [type, description] of Object.entries(route.otherContent ?? {})) ok[type] = { schema: { type: 'string', format: 'binary', description } };
  op.responses = {
    '200': { description: 'OK', content: ok },
    ...(route.query || route.body || route.params ? { '400': errorResponse('A parameter is invalid; `parameter` names it.') } : {}),
    ...(route.params ? { '404': errorResponse('No such item.') } : {}),
    ...Object.fromEntries(Object.entries(route.errors ?? {}).map(([status, when]) => [status, errorResponse(when)])),
    '500': errorResponse('Internal error (no details are given).'),
  };
  return op;
}

export function openApiDocument(routes: RouteDoc[], info: { title: string; version: string; description?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: { Error: jsonSchema(errorBody, 'output') } },
  };
}
