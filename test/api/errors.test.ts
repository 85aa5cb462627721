/**
 * Bad requests answer 400 naming the parameter, unknown routes 404, failures 500 without details; pages and
 * answers carry the security headers; bodies over 1 MB are refused.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, routeDocs } from '../../api/app.ts';
import { openDatabase } from '../../core/db.ts';
import { buildFixtureDb, cleanup, serve, tempDir, type Served } from './helpers.ts';

let dir: string;
let api: Served;

beforeAll(async () => {
  dir = tempDir();
  api = await serve(await buildFixtureDb(dir));
});

afterAll(async () => {
  await api?.close();
  cleanup(dir);
});

async function expect400(path: string, parameter: string, body?: unknown) {
  const res = body === undefined ? await api.get(path) : await api.post(path, body);
  expect(res.status, `${path} ${JSON.stringify(body ?? '')}`).toBe(400);
  expect(res.body.parameter).toBe(parameter);
  expect(res.body.error).toContain(parameter);
  return res.body.error as string;
}

describe('400 names the parameter', () => {
  it('bad dates, from after to, unknown grain, unknown parameter', async () => {
    expect(await expect400('/api/kpis?from=2026-13-01', 'from')).toContain('YYYY-MM-DD');
    await expect400('/api/kpis?to=2026-02-30', 'to');
    await expect400('/api/kpis?from=yesterday', 'from');
    expect(await expect400('/api/kpis?from=2026-03-10&to=2026-03-01', 'from')).toContain('after');
    await expect400('/api/kpis?grain=year', 'grain');
    await expect400('/api/kpis?grain=day&grain=week', 'grain');
    await expect400('/api/kpis?by=skill', 'by');
    await expect400('/api/kpis?gran=day', 'gran');
    await expect400('/api/tickets?grain=interval', 'grain');
  });

  it('combinations kpi tables cannot answer', async () => {
    await expect400('/api/kpis?grain=interval&by=channel', 'by');
    await expect400('/api/kpis?grain=interval&channel=voice', 'channel');
    await expect400('/api/kpis?by=agent&queue=q_card', 'queue');
    await expect400('/api/kpis?agent=A1&grain=interval', 'grain');
    expect(await expect400('/api/kpis?grain=interval&from=2026-01-01&to=2026-12-31', 'from')).toContain('at most');
  });

  it('every endpoint with a period checks its dates', async () => {
    const dated = routeDocs.filter((d) => d.method === 'get' && d.query && 'from' in ((d.query as { shape?: object }).shape ?? {}));
    expect(dated.length).toBeGreaterThanOrEqual(9);
    for (const d of dated) {
      await expect400(`${d.path}?from=2026-02-30`, 'from');
      await expect400(`${d.path}?from=2026-03-05&to=2026-03-01`, 'from');
    }
  });

  it('numbers: negative, not a number, out of range', async () => {
    await expect400('/api/flow?min=-1', 'min');
    await expect400('/api/flow?min=abc', 'min');
    await expect400('/api/flow?min=1.5', 'min');
    await expect400('/api/sql', 'limit', { sql: 'SELECT 1', limit: -5 });
    await expect400('/api/sql', 'limit', { sql: 'SELECT 1', limit: 100_001 });
    await expect400('/api/sql', 'timeout_seconds', { sql: 'SELECT 1', timeout_seconds: 0 });
    await expect400('/api/sql', 'format', { sql: 'SELECT 1', format: 'xlsx' });
    // a long value is not echoed back whole
    expect((await expect400('/api/sql', 'sql', { sql: `SELECT ${'1'.repeat(100_001)}` })).length).toBeLessThan(200);
    await expect400('/api/whatif', 'sl_target', { sl_target: 1.5 });
    await expect400('/api/whatif', 'volume_factor', { volume_factor: -1 });
    await expect400('/api/whatif', 'from', { from: '2026-03-09', to: '2026-03-01' });
    await expect400('/api/whatif', 'staff', { staff: 3 });
  });

  it('a body that is not JSON', async () => {
    const res = await fetch(new URL('api/sql', api.server.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'SELECT 1' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ parameter: 'body' });
    const broken = await fetch(new URL('api/whatif', api.server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sl_target": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ parameter: 'body' });
  });
});

describe('404, 413 and 500', () => {
  it('unknown routes and methods answer 404 with a JSON body', async () => {
    for (const path of ['/api/nope', '/api/kpis/extra', '/nope/deeper', '/journeys-old', '/vendor/d3.js', '/assets/nope.js', '/assets/../routes.ts', '/assets/%2e%2e/routes.ts']) {
      const res = await api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ error: 'not found' });
    }
    const get = await api.get('/api/sql');
    expect(get.status).toBe(404);
  });

  it('a body over 1 MB is refused', async () => {
    // its own connection: the server answers before reading the body and then drops the connection
    const body = JSON.stringify({ sql: `SELECT '${'x'.repeat(1_100_000)}'` });
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(new URL('api/sql', api.server.url), { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (text += d));
        r.on('end', () => resolve({ status: r.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ parameter: 'body' });
    expect((await api.get('/api/health')).status).toBe(200);
  });

  it('a failure answers 500 {"error":"internal error"} and no stack', async () => {
    // A database without marts: every KPI query fails inside DuckDB.
    const empty = join(dir, 'empty.duckdb');
    (await openDatabase(empty)).close();
    const errors: unknown[] = [];
    const app = createApp({ dbPath: empty, logError: (err) => errors.push(err) });
    try {
      const res = await app.request('/api/kpis');
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('{"error":"internal error"}');
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/kpi_daily/);
    } finally {
      await app.close();
    }
  });

  it('createApp refuses a missing database file', () => {
    expect(() => createApp({ dbPath: join(dir, 'missing.duckdb') })).toThrow(/does not exist/);
  });
});

describe('security headers', () => {
  it('pages and answers carry the CSP and the other headers', async () => {
    for (const path of ['/', '/api/health', '/api/nope']) {
      const { headers } = await api.get(path);
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-frame-options')).toBe('DENY');
    }
  });
});
