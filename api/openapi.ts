/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate the requests (and describe
 * the answers): zod 4's JSON Schema output is the 2020-12 dialect OpenAPI 3.1 uses.
 */
import { z } from 'zod';
import { requiredRole } from './auth.ts';
import { personalParameters } from './privacy.ts';
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

const roleText: Record<string, string> = {
  viewer: 'Needs a viewer, analyst or admin token when tokens are configured; viewers get people as tags.',
  analyst: 'Needs an analyst or admin token when tokens are configured.',
  admin: 'Needs an admin token when tokens are configured.',
};

function operation(route: RouteDoc) {
  // The role comes from the access rules the server enforces (api/auth.ts).
  const role = requiredRole(route.method, route.path.replace(/\{\w+\}/g, 'x'));
  const personalFilters = route.query ? Object.keys(jsonSchema(route.query, 'input').properties ?? {}).filter((n) => personalParameters.includes(n)) : [];
  const description = [route.description, role === 'open' ? undefined : roleText[role]].filter(Boolean).join(' ');
  const op: Record<string, unknown> = {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
    summary: route.summary,
    ...(description ? { description } : {}),
    tags: [route.tag],
    'x-ccmart-role': role,
    security: role === 'open' ? [] : [{ bearer: [] }],
    parameters: [...(route.params ? parameters(route.params, 'path') : []), ...(route.query ? parameters(route.query, 'query') : [])],
  };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
  const ok: Record<string, unknown> = { 'application/json': { schema: jsonSchema(route.response, 'output') } };
  for (const [type, description] of Object.entries(route.otherContent ?? {})) ok[type] = { schema: { type: 'string', format: 'binary', description } };
  op.responses = {
    '200': { description: 'OK', content: ok },
    ...(route.query || route.body || route.params ? { '400': errorResponse('A parameter is invalid; `parameter` names it.') } : {}),
    ...(route.params ? { '404': errorResponse('No such item.') } : {}),
    ...(role === 'open'
      ? {}
      : {
          '401': errorResponse('No token, or an unknown one (only when tokens are configured); WWW-Authenticate: Bearer.'),
          ...(role !== 'viewer'
            ? { '403': errorResponse(`The token's role is below ${role}.`) }
            : personalFilters.length
              ? { '403': errorResponse(`A viewer token filtered by a person (${personalFilters.join(', ')}): that needs an analyst token.`) }
              : {}),
          '429': errorResponse('Too many requests for this token; Retry-After gives the seconds to wait.'),
        }),
    ...Object.fromEntries(
      Object.entries(route.errors ?? {}).map(([status, when]) => [status, errorResponse(status === '429' && role !== 'open' ? `${when} Or too many requests for this token (Retry-After).` : when)]),
    ),
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
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`Authorization: Bearer TOKEN`) of the role an operation names in x-ccmart-role; required only when the server has tokens configured.',
        },
      },
    },
  };
}
