/**
 * /openapi.json: a structurally sound OpenAPI 3.1 document (checked here field by field, as no validator
 * package is installed) that lists exactly the app's /api routes, with parameters that validation enforces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, routeDocs, type ApiApp } from '../../api/app.ts';
import { buildFixtureDb, cleanup, tempDir } from './helpers.ts';

let dir: string;
let app: ApiApp;
let doc: any;

beforeAll(async () => {
  dir = tempDir();
  app = createApp({ dbPath: await buildFixtureDb(dir), logError: () => {} });
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = await res.json();
});

afterAll(async () => {
  await app?.close();
  cleanup(dir);
});

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [[v, at] as [string, string]] : refs(v, `${at}/${k}`)));
  }
  return [];
}

function resolve(ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<any>((n, key) => (n === undefined ? undefined : n[key.replaceAll('~1', '/').replaceAll('~0', '~')]), doc);
}

/** A JSON Schema node says what it accepts: a type, a combination, an enum, a constant or a reference. */
function isSchema(s: unknown): boolean {
  if (!s || typeof s !== 'object') return false;
  const keys = Object.keys(s);
  return keys.length === 0 || keys.some((k) => ['type', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', '$ref', 'not'].includes(k));
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document with info and paths', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(14);
  });

  it('every operation has a unique id, a summary, a tag and described responses with content', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries<any>(item)) {
        expect(methods).toContain(method);
        expect(typeof op.operationId).toBe('string');
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.tags.length).toBeGreaterThan(0);
        expect(Object.keys(op.responses)).toContain('200');
        for (const [code, response] of Object.entries<any>(op.responses)) {
          expect(code).toMatch(/^[1-5]\d\d$/);
          expect(typeof response.description).toBe('string');
          for (const media of Object.values<any>(response.content ?? {})) expect(isSchema(media.schema), `${method} ${path} ${code}`).toBe(true);
        }
        if (op.requestBody) {
          expect(isSchema(op.requestBody.content['application/json'].schema)).toBe(true);
          expect(op.responses['400']).toBeDefined();
        }
      }
    }
  });

  it('every parameter has a name, a place and a schema; path parameters match the template', () => {
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const template = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries<any>(item)) {
        const seen = new Set<string>();
        for (const p of op.parameters ?? []) {
          expect(typeof p.name).toBe('string');
          expect(['query', 'path', 'header', 'cookie']).toContain(p.in);
          expect(isSchema(p.schema), `${method} ${path} ${p.name}`).toBe(true);
          expect(seen.has(`${p.in}:${p.name}`)).toBe(false);
          seen.add(`${p.in}:${p.name}`);
          if (p.in === 'path') expect(p.required).toBe(true);
        }
        expect((op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name).sort()).toEqual(template.sort());
        if ((op.parameters ?? []).length) expect(op.responses['400'], `${method} ${path}`).toBeDefined();
      }
    }
  });

  it('every $ref resolves', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(0);
    for (const [ref, at] of all) {
      expect(ref.startsWith('#/'), at).toBe(true);
      expect(resolve(ref), `${ref} at ${at}`).toBeDefined();
    }
  });

  it('lists exactly the /api routes the app serves', () => {
    const served = new Set(
      app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)));
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('the documented query parameters are the ones validation enforces', async () => {
    let checked = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const op = item.get;
      if (!op || path.includes('{')) continue;
      const names = (op.parameters ?? []).map((p: { name: string }) => p.name);
      // an undocumented parameter is refused
      const unknown = await app.request(`${path}?undocumented=1`);
      if (names.length) {
        expect(unknown.status, path).toBe(400);
        expect((await unknown.json()).parameter).toBe('undocumented');
      }
      // a value outside an enum, a date pattern or a number is refused naming the parameter
      for (const p of op.parameters ?? []) {
        const s = p.schema;
        if (!(s.enum || s.format === 'date' || s.type === 'integer')) continue;
        const res = await app.request(`${path}?${p.name}=@bad@`);
        expect(res.status, `${path} ${p.name}`).toBe(400);
        expect((await res.json()).parameter).toBe(p.name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('documents every route the app knows', () => {
    expect(routeDocs.map((d) => d.path)).toEqual(expect.arrayContaining(['/api/kpis', '/api/sql', '/api/whatif', '/api/forecast', '/api/staffing']));
  });
});
