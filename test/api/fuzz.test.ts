/**
 * Fuzz: a seeded generator sends about 3,000 random and malformed requests to the real server on 127.0.0.1
 * (bad JSON, wrong types, SQL fragments in parameters and bodies, bodies over the 1 MB limit, random paths,
 * methods and headers, invalid percent-encoding and UTF-8, broken HTTP). Each kind of request states the
 * answer it must get (200 only where the request is valid, otherwise the exact 4xx where it is known); none
 * may be a 5xx, the server must still answer /api/health, log no error, and leave every table of the marts
 * and the file itself unchanged.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryOne, queryRows } from '../../core/db.ts';
import { routeDocs } from '../../api/app.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { buildFixtureDb, cleanup, expectDocumented, tempDir } from './helpers.ts';

const SEED = 20260307;
const REQUESTS = 3000;
const CONCURRENCY = 8;

const VIEWER = 'fuzz-viewer-token-0123456789';
const ANALYST = 'fuzz-analyst-token-0123456789';
const ADMIN = 'fuzz-admin-token-0123456789';

/** mulberry32: small, fast and the same sequence on every machine. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

type Check = (status: number, text: string) => void;

interface Probe {
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Sent without Content-Length (chunked). */
  chunked?: boolean;
  /** Sent as these bytes on a plain socket (malformed HTTP). */
  raw?: Buffer;
  check: Check;
}

const json = (text: string): any => JSON.parse(text);
const expectStatus = (want: number, parameter?: string): Check => (status, text) => {
  expect(status, text.slice(0, 300)).toBe(want);
  if (parameter !== undefined) expect(json(text).parameter).toBe(parameter);
  if (status >= 400) expect(typeof json(text).error).toBe('string');
};

const sqlFragments = [
  "'; DROP TABLE kpi_daily; --",
  "x' OR '1'='1",
  '" OR ""="',
  "') UNION SELECT * FROM raw_acd_contacts --",
  "q_card'); DELETE FROM build_history; --",
  "x'); ATTACH '/tmp/evil.duckdb' AS evil; --",
  "COPY kpi_daily TO '/tmp/out.csv'",
  'q_card; UPDATE dim_queue SET queue_id = NULL',
  '$1',
  '?',
  '\\',
  "x\u0000y",
  'queue:客服;--',
  '<script>alert(1)</script>',
  "1 OR 1=1; DROP TABLE raw_acd_contacts",
  "%27%3B%20DROP%20TABLE%20kpi_daily",
  '${7*7}',
  "'||(SELECT getenv('HOME'))||'",
];

/** Sent unencoded in a query string: invalid percent-encoding and UTF-8 sequences. */
const rawQueryValues = ['%zz', '%', '%f', '%ff%fe', '%c3%28', '%e2%82', '%00', '%ed%a0%80', 'a%2', '%%41'];

const badStatements = [
  'DROP TABLE kpi_daily',
  'DELETE FROM raw_acd_contacts',
  'INSERT INTO build_history SELECT * FROM build_history',
  "UPDATE raw_acd_contacts SET queue = 'x'",
  'CREATE TABLE evil AS SELECT 1',
  "ATTACH '/tmp/evil.duckdb' AS evil",
  "COPY kpi_daily TO '/tmp/out.csv'",
  "EXPORT DATABASE '/tmp/evil'",
  'SELECT 1; DROP TABLE kpi_daily',
  "SELECT * FROM kpi_daily WHERE queue_id = ''; DROP TABLE kpi_daily; --'",
  "SELECT * FROM read_csv('/etc/passwd')",
  "SELECT * FROM glob('/etc/*')",
  'ALTER TABLE kpi_daily RENAME TO gone',
  'SET threads = 64',
  'INSTALL httpfs',
  'PRAGMA enable_profiling',
  'CHECKPOINT',
  'VACUUM',
  'DETACH main',
  'BEGIN TRANSACTION',
  'SELECT FROM WHERE',
  '   ',
];

/** Each column of each table (views included) summed as row hashes, with the row count. */
async function martChecksums(path: string): Promise<Record<string, string>> {
  const db = await openDatabase(path, { readOnly: true });
  try {
    const tables = await queryRows<{ s: string; t: string }>(db.conn, `SELECT table_schema AS s, table_name AS t FROM information_schema.tables ORDER BY 1, 2`);
    const out: Record<string, string> = {};
    for (const { s, t } of tables) {
      const r = await queryOne<{ n: bigint; h: string }>(db.conn, `SELECT count(*) AS n, coalesce(sum(hash(x)), 0)::VARCHAR AS h FROM "${s}"."${t}" x`);
      out[`${s}.${t}`] = `${r!.n}:${r!.h}`;
    }
    return out;
  } finally {
    db.close();
  }
}

const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let dir: string;
let dbPath: string;
let server: RunningServer;
let closed = false;
let base: URL;
const logged: string[] = [];
let before: Record<string, string>;
let beforeFile: string;
let queues: string[] = [];
let charts: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  dbPath = await buildFixtureDb(dir);
  before = await martChecksums(dbPath);
  beforeFile = fileHash(dbPath);
  server = await startServer({
    dbPath,
    host: '127.0.0.1',
    port: 0,
    tokens: [
      { role: 'viewer', token: VIEWER },
      { role: 'analyst', token: ANALYST },
      { role: 'admin', token: ADMIN },
    ],
    // the limiter has its own tests; here every answer must follow from the request alone
    rateLimit: null,
    logError: (err, path) => logged.push(`${path}: ${String(err)}`),
  });
  base = new URL(server.url);
  const auth = { authorization: `Bearer ${ADMIN}` };
  queues = ((await (await fetch(new URL('/api/meta', base), { headers: auth })).json()) as { queues: { queue_id: string }[] }).queues.map((q) => q.queue_id);
  charts = ((await (await fetch(new URL('/api/spec', base), { headers: auth })).json()) as { charts: { name: string }[] }).charts.map((c) => c.name);
});

afterAll(async () => {
  if (!closed) await server?.close();
  cleanup(dir);
});

/** The probes, drawn from the seed. */
function probes(): Probe[] {
  const r = generator(SEED);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const anyToken = () => r.pick([VIEWER, ANALYST, ADMIN]);
  const day = () => `2026-03-${String(r.int(1, 12)).padStart(2, '0')}`;
  const period = () => {
    if (r.chance(0.5)) return '';
    const [a, b] = [day(), day()].sort();
    return `&from=${a}&to=${b}`;
  };
  const queueParam = () => (r.chance(0.5) && queues.length ? `&queue=${r.pick(queues)}` : '');

  /** Valid GETs of the dashboards' endpoints with their documented answer. */
  const validGets: (() => string)[] = [
    () => `/api/kpis?grain=${r.pick(['day', 'week', 'month'])}&by=${r.pick(['none', 'queue', 'channel'])}${period()}${queueParam()}`,
    () => `/api/kpis?grain=interval&by=${r.pick(['none', 'queue'])}${period()}`,
    () => `/api/kpis?by=agent&grain=${r.pick(['day', 'week'])}${period()}`,
    () => `/api/breakpoints?by=${r.pick(['type', 'node', 'queue'])}${period()}${queueParam()}`,
    () => `/api/flow?min=${r.int(1, 4)}${period()}`,
    () => `/api/journeys?${period().slice(1)}${queueParam()}`,
    () => `/api/tickets?grain=${r.pick(['day', 'week', 'month'])}${period()}`,
    () => `/api/bot?grain=${r.pick(['day', 'week', 'month'])}${period()}`,
    () => `/api/agents?${period().slice(1)}`,
    () => `/api/forecast?${period().slice(1)}`,
    () => `/api/staffing?${period().slice(1)}`,
    () => `/api/schedule?limit=${r.int(1, 500)}${period()}`,
    () => `/api/coverage?${period().slice(1)}`,
    () => '/api/meta',
    () => '/api/catalog',
    () => '/api/spec',
  ];
  const documented = (path: string): Check => (status, text) => {
    expect(status, `${path}: ${text.slice(0, 300)}`).toBe(200);
    expectDocumented('get', path.split('?')[0]!, json(text));
  };

  /** Routes with a strict query schema, each with parameters of each kind. */
  const idParams: [string, string][] = [
    ['/api/kpis', 'queue'],
    ['/api/kpis', 'channel'],
    ['/api/breakpoints', 'queue'],
    ['/api/flow', 'channel'],
    ['/api/journeys', 'queue'],
    ['/api/tickets', 'channel'],
    ['/api/bot', 'queue'],
    ['/api/agents', 'queue'],
    ['/api/forecast', 'queue'],
    ['/api/staffing', 'queue'],
    ['/api/schedule', 'queue'],
    ['/api/coverage', 'queue'],
  ];
  const typedParams: [string, string][] = [
    ['/api/kpis', 'from'],
    ['/api/kpis', 'to'],
    ['/api/kpis', 'grain'],
    ['/api/kpis', 'by'],
    ['/api/breakpoints', 'by'],
    ['/api/breakpoints', 'from'],
    ['/api/flow', 'min'],
    ['/api/tickets', 'grain'],
    ['/api/bot', 'to'],
    ['/api/schedule', 'limit'],
    ['/api/coverage', 'from'],
  ];
  const strictRoutes = [...new Set(idParams.map(([p]) => p))];

  const kinds: [number, () => Probe][] = [
    // 1. valid requests of every role that may make them
    [
      18,
      () => {
        const path = r.pick(validGets)();
        return { kind: 'valid GET', method: 'GET', path, headers: bearer(anyToken()), check: documented(path) };
      },
    ],
    [
      2,
      () => {
        const chart = r.pick(charts);
        return {
          kind: 'valid chart spec',
          method: 'GET',
          path: `/api/spec/${chart}`,
          headers: { ...bearer(anyToken()), 'accept-language': r.pick(['zh-CN,zh;q=0.9', 'en', '*', ';;;q=x', 'xx-YY', '']) },
          check: expectStatus(200),
        };
      },
    ],
    [
      3,
      () => {
        const body = r.pick([{}, { volume_factor: 1.2 }, { aht_factor: 0.9, sl_target: 0.85 }, { source: 'history', queue: queues }, { shrinkage: 0.25, sl_seconds: 30 }]);
        return {
          kind: 'valid what-if',
          method: 'POST',
          path: '/api/whatif',
          headers: { ...bearer(anyToken()), 'content-type': 'application/json' },
          body: JSON.stringify(body),
          check: (status, text) => {
            expect(status, text.slice(0, 300)).toBe(200);
            expectDocumented('post', '/api/whatif', json(text));
          },
        };
      },
    ],
    [
      2,
      () => ({
        kind: 'valid SQL',
        method: 'POST',
        path: '/api/sql',
        headers: { ...bearer(r.pick([ANALYST, ADMIN])), 'content-type': 'application/json' },
        body: JSON.stringify({ sql: r.pick(['SELECT count(*) AS n FROM kpi_daily', 'FROM dim_queue', 'SELECT 1 AS one', 'DESCRIBE kpi_daily']), limit: r.int(1, 50) }),
        check: (status, text) => {
          expect(status, text.slice(0, 300)).toBe(200);
          expectDocumented('post', '/api/sql', json(text));
        },
      }),
    ],
    // 2. SQL fragments and broken encodings where ids go: a valid filter that matches nothing
    [
      12,
      () => {
        const [route, param] = r.pick(idParams);
        const raw = r.chance(0.25);
        const value = raw ? r.pick(rawQueryValues) : encodeURIComponent(r.pick(sqlFragments));
        const path = `${route}?${param}=${value}`;
        return {
          kind: 'SQL in an id',
          method: 'GET',
          path,
          headers: bearer(ADMIN),
          check: (status, text) => {
            expect(status, `${path}: ${text.slice(0, 300)}`).toBe(200);
            const body = json(text);
            expectDocumented('get', route, body);
            if ('rows' in body) expect(body.rows, path).toEqual([]);
            else expect(body.journeys, path).toBe(0);
          },
        };
      },
    ],
    // … and where dates, enums and numbers go: 400 naming the parameter
    [
      8,
      () => {
        const [route, param] = r.pick(typedParams);
        const value = r.chance(0.2) ? r.pick(rawQueryValues) : encodeURIComponent(r.pick(sqlFragments));
        return { kind: 'SQL in a typed parameter', method: 'GET', path: `${route}?${param}=${value}`, headers: bearer(ADMIN), check: expectStatus(400, param) };
      },
    ],
    [
      3,
      () => {
        const name = r.pick(sqlFragments.filter((f) => !/^(agent|customer)$/.test(f)));
        return { kind: 'unknown parameter', method: 'GET', path: `${r.pick(strictRoutes)}?${encodeURIComponent(name)}=1`, headers: bearer(ADMIN), check: expectStatus(400, name) };
      },
    ],
    [
      2,
      () => {
        // the same parameter twice where one value is expected
        const [route, param] = r.pick(typedParams.filter(([, p]) => p !== 'from' && p !== 'to'));
        const v = param === 'min' || param === 'limit' ? '2' : route === '/api/breakpoints' ? 'type' : param === 'by' ? 'queue' : 'day';
        return { kind: 'repeated parameter', method: 'GET', path: `${route}?${param}=${v}&${param}=${v}`, headers: bearer(ADMIN), check: expectStatus(400, param) };
      },
    ],
    // 3. POST bodies: malformed JSON, wrong content type, wrong types, unknown fields
    [
      8,
      () => {
        const route = r.pick(['/api/whatif', '/api/sql']);
        const good = route === '/api/sql' ? JSON.stringify({ sql: 'SELECT 1', limit: 5 }) : JSON.stringify({ volume_factor: 1.5, queue: ['q_card'] });
        const broken = r.pick([
          () => good.slice(0, r.int(0, good.length - 1)),
          () => `${good}}`,
          () => good.replace(':', ''),
          () => `{'sql': 'SELECT 1'}`,
          () => '{"sql": "SELECT 1",}',
          () => 'NaN',
          () => 'undefined',
          () => String.fromCharCode(...Array.from({ length: r.int(1, 40) }, () => r.int(1, 126))).replace(/^[\s\d"[{tfn-]/, '#'),
        ])();
        return { kind: 'bad JSON', method: 'POST', path: route, headers: { ...bearer(ADMIN), 'content-type': 'application/json' }, body: broken, check: expectStatus(400, 'body') };
      },
    ],
    [
      2,
      () => {
        // invalid UTF-8 outside any string: never JSON
        const bytes = Buffer.concat([Buffer.from('{"sql": "SELECT 1", '), Buffer.from([r.pick([0xff, 0xc3, 0xed, 0x80]), r.pick([0x28, 0xfe, 0xa0])]), Buffer.from(': 1}')]);
        return { kind: 'invalid UTF-8', method: 'POST', path: r.pick(['/api/sql', '/api/whatif']), headers: { ...bearer(ADMIN), 'content-type': 'application/json' }, body: new Uint8Array(bytes), check: expectStatus(400, 'body') };
      },
    ],
    [
      3,
      () => ({
        kind: 'wrong content type',
        method: 'POST',
        path: r.pick(['/api/sql', '/api/whatif']),
        headers: { ...bearer(ADMIN), ...(r.chance(0.8) ? { 'content-type': r.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'json', '']) } : {}) },
        body: '{"sql": "SELECT 1"}',
        check: expectStatus(400, 'body'),
      }),
    ],
    [
      8,
      () => {
        const wrong: Record<string, unknown[]> = {
          queue: [1, null, true, {}, [1], [[]]],
          from: [20260301, '2026-13-01', '2026-02-30', null, "2026-03-01'; DROP TABLE kpi_daily; --"],
          to: [true, '03/01/2026', ''],
          source: ['both', 1, null, ["forecast"]],
          sl_target: ['0.8', 0, 1, 1.5, -0.1, null, [0.8], 1e309],
          sl_seconds: [-1, 3601, '20', {}],
          aht_factor: [0, -1, 11, '1'],
          aht_seconds: [0, 86_401, 'long'],
          shrinkage: [1, -0.5, '0.3'],
          volume_factor: [-1, 101, 'double', null],
          patience_seconds: [0, -5, 'x'],
          max_occupancy: [0, 1.01, 'max'],
          asa_seconds: [0, 'fast'],
          max_abandon: [0, 1, 'none'],
        };
        const field = r.pick(Object.keys(wrong));
        const value = r.pick(wrong[field]!);
        return {
          kind: 'wrong type (what-if)',
          method: 'POST',
          path: '/api/whatif',
          headers: { ...bearer(anyToken()), 'content-type': 'application/json' },
          body: JSON.stringify({ [field]: value }),
          check: (status, text) => {
            expect(status, `${field}=${JSON.stringify(value)}: ${text}`).toBe(400);
            expect(json(text).parameter.split('.')[0]).toBe(field);
          },
        };
      },
    ],
    [
      5,
      () => {
        const wrong: Record<string, unknown[]> = {
          sql: [1, null, ['SELECT 1'], { q: 1 }, '', 'x'.repeat(100_001)],
          format: ['xlsx', 'CSV', 1, null],
          limit: [0, -1, 1.5, 100_001, '10', null],
          timeout_seconds: [0, -1, 301, '30'],
        };
        const field = r.pick(Object.keys(wrong));
        const value = r.pick(wrong[field]!);
        const body = { sql: 'SELECT 1', [field]: value };
        return {
          kind: 'wrong type (SQL)',
          method: 'POST',
          path: '/api/sql',
          headers: { ...bearer(r.pick([ANALYST, ADMIN])), 'content-type': 'application/json' },
          body: JSON.stringify(body),
          check: (status, text) => {
            expect(status, `${field}: ${text.slice(0, 200)}`).toBe(400);
            expect(json(text).parameter).toBe(field);
          },
        };
      },
    ],
    [
      3,
      () => {
        const body = r.pick<[string, string]>([
          ['[]', 'body'],
          ['null', 'body'],
          ['1', 'body'],
          ['"SELECT 1"', 'body'],
          ['true', 'body'],
          ['{"sql": "SELECT 1", "drop": "kpi_daily"}', 'drop'],
          ['{"sql": "SELECT 1", "__proto__": {"admin": true}}', '__proto__'],
          ['{"sql": "SELECT 1", "constructor": 1}', 'constructor'],
        ]);
        return { kind: 'not an object or unknown field', method: 'POST', path: '/api/sql', headers: { ...bearer(ADMIN), 'content-type': 'application/json' }, body: body[0], check: expectStatus(400, body[1]) };
      },
    ],
    [
      5,
      () => ({
        kind: 'SQL that writes or reads files',
        method: 'POST',
        path: '/api/sql',
        headers: { ...bearer(r.pick([ANALYST, ADMIN])), 'content-type': 'application/json' },
        body: JSON.stringify({ sql: r.pick(badStatements), format: r.pick(['json', 'csv', 'parquet']) }),
        check: expectStatus(400, 'sql'),
      }),
    ],
    // 4. bodies over the 1 MB limit, with and without Content-Length
    [
      2,
      () => {
        const size = 1024 * 1024 + r.int(1, 256 * 1024);
        const body = new Uint8Array(Buffer.from(`{"sql": "SELECT '${'x'.repeat(size)}'"}`));
        const token = r.chance(0.85);
        return {
          kind: 'body over 1 MB',
          method: 'POST',
          path: r.pick(['/api/sql', '/api/whatif']),
          headers: { ...(token ? bearer(ADMIN) : {}), 'content-type': 'application/json' },
          body,
          chunked: r.chance(0.3),
          check: token ? expectStatus(413, 'body') : expectStatus(401),
        };
      },
    ],
    // 5. tokens and roles
    [
      5,
      () => {
        const header = r.pick([
          () => undefined,
          () => `Bearer ${Array.from({ length: r.int(1, 60) }, () => r.pick([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/'])).join('')}`,
          () => `Bearer ${VIEWER.slice(0, -1)}`,
          () => `Bearer ${VIEWER}${VIEWER}`,
          () => `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`,
          () => ADMIN,
          () => `Bearer ${ADMIN.toUpperCase()}`,
          () => `Bearer ${'x'.repeat(r.int(600, 8000))}`,
          () => 'Bearer',
          () => `Bearer ${ADMIN}; DROP TABLE kpi_daily`,
        ])();
        const path = r.pick(validGets)();
        return { kind: 'missing or unknown token', method: 'GET', path, headers: header === undefined ? {} : { authorization: header }, check: expectStatus(401) };
      },
    ],
    [
      3,
      () => {
        const which = r.pick([
          { path: '/api/sql', method: 'POST', token: VIEWER, status: 403, parameter: undefined },
          { path: '/api/refresh', method: 'POST', token: r.pick([VIEWER, ANALYST]), status: 403, parameter: undefined },
          { path: '/api/kpis?format=csv', method: 'GET', token: VIEWER, status: 403, parameter: undefined },
          { path: '/api/kpis?agent=A1', method: 'GET', token: VIEWER, status: 403, parameter: 'agent' },
          { path: `/api/schedule?agent=${encodeURIComponent(r.pick(sqlFragments))}`, method: 'GET', token: VIEWER, status: 403, parameter: 'agent' },
        ]);
        return {
          kind: 'role too low',
          method: which.method,
          path: which.path,
          headers: { ...bearer(which.token), 'content-type': 'application/json' },
          ...(which.method === 'POST' ? { body: '{"sql": "SELECT 1"}' } : {}),
          check: expectStatus(which.status, which.parameter),
        };
      },
    ],
    // 6. random paths and methods
    [
      9,
      () => {
        const segment = () =>
          r.pick([
            () => `zz${Array.from({ length: r.int(1, 12) }, () => r.pick([...'abcdefghijklmnopqrstuvwxyz0123456789._~-'])).join('')}`,
            () => r.pick(['%zz', '%ff', '%c3%28', '%00', '%2f', '%2e%2e', '..', '.', '%25', '%%', '%e4%b8']),
            () => `zz${encodeURIComponent(r.pick(['客服', 'ä', '😀', ' ', "'", '"', '<>']))}`,
            () => `zz${'a'.repeat(r.int(200, 3000))}`,
            () => encodeURIComponent(r.pick(sqlFragments)),
          ])();
        const prefix = r.pick(['', '/api', '/api/kpis', '/api/spec', '/assets', '/vendor', '/openapi.json', '/zz']);
        // ends in a name that exists nowhere, so '..' segments cannot lead back to a real page
        const path = `${prefix}/${Array.from({ length: r.int(0, 2) }, segment).join('/')}/zz-${r.int(0, 1e6)}`.replace('//', '/');
        const token = r.chance(0.5);
        return {
          kind: 'random path',
          method: r.pick(['GET', 'GET', 'POST', 'HEAD']),
          path,
          headers: token ? bearer(ADMIN) : {},
          check: (status) => (token ? expect(status, path).toBe(404) : expect([401, 404], path).toContain(status)),
        };
      },
    ],
    [
      3,
      () => {
        const method = r.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']);
        const path = r.pick(['/api/kpis', '/api/sql', '/api/whatif', '/', '/assets/app.css', '/openapi.json', '/api/health']);
        const token = r.chance(0.5);
        return { kind: 'other method', method, path, headers: token ? bearer(ADMIN) : {}, check: expectStatus(token ? 404 : 401) };
      },
    ],
    // 7. headers that change nothing
    [
      2,
      () => {
        const path = r.pick(validGets)();
        return {
          kind: 'odd headers',
          method: 'GET',
          path,
          headers: {
            ...bearer(anyToken()),
            'x-forwarded-for': r.pick(['1.2.3.4', "'; DROP TABLE x", '::1, 10.0.0.1']),
            cookie: `session=${r.pick(sqlFragments).replace(/[^\x20-\x7e]/g, '')}`,
            'content-type': r.pick(['application/json', 'text/html', 'x/y']),
            'accept-encoding': r.pick(['gzip', 'br', 'identity', '*;q=0']),
            range: 'bytes=0-10',
            'if-none-match': '"x"',
          },
          check: documented(path),
        };
      },
    ],
    // 8. broken HTTP on a plain socket
    [
      2,
      () => {
        const host = `Host: ${base.host}\r\n`;
        const raw = r.pick([
          () => Buffer.concat([Buffer.from('GET /api/'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(` HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)]),
          () => Buffer.from(`GET /api/kpis HTTP/9.9\r\n${host}Connection: close\r\n\r\n`),
          () => Buffer.from('GARBAGE\r\n\r\n'),
          () => Buffer.from(`GET /api/kpis HTTP/1.1\r\n${host}Broken header line\r\n\r\n`),
          () => Buffer.from(`POST /api/sql HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`),
          () => Buffer.from(`POST /api/sql HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`),
          () => Buffer.from(`POST /api/sql HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`),
          () => Buffer.from(`GET /api/kpis HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`),
          () => Buffer.from(`GET /api/kpis HTTP/1.1\r\nConnection: close\r\n\r\n`),
          () => Buffer.concat([Buffer.from(`GET /api/kpis HTTP/1.1\r\n${host}X-Nul: a`), Buffer.from([0]), Buffer.from('b\r\nConnection: close\r\n\r\n')]),
        ])();
        return { kind: 'broken HTTP', method: 'RAW', path: '', raw, check: (status) => expect(status).toBeGreaterThanOrEqual(400) };
      },
    ],
  ];

  const total = kinds.reduce((a, [w]) => a + w, 0);
  return Array.from({ length: REQUESTS }, () => {
    let x = r.next() * total;
    for (const [w, make] of kinds) {
      if ((x -= w) < 0) return make();
    }
    return kinds[0]![1]();
  });
}

/** Status of a raw request: the first status line the server writes. */
function sendRaw(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    let data = '';
    const done = () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`no HTTP answer to a raw request: ${JSON.stringify(data.slice(0, 80))}`));
    };
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (d) => {
      data += d.toString('latin1');
      if (/\r\n/.test(data)) {
        socket.destroy();
      }
    });
    socket.on('close', done);
    socket.on('error', () => {}); // a reset after the answer is fine; no answer fails in done()
    socket.write(bytes);
  });
}

async function send(p: Probe): Promise<{ status: number; text: string }> {
  if (p.raw) return { status: await sendRaw(p.raw), text: '' };
  let body = p.body as BodyInit | undefined;
  const init: RequestInit & { duplex?: 'half' } = { method: p.method, headers: p.headers ?? {} };
  if (body !== undefined && p.chunked) {
    const bytes = typeof p.body === 'string' ? new TextEncoder().encode(p.body) : p.body!;
    body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    init.duplex = 'half';
  }
  if (body !== undefined) init.body = body;
  const res = await fetch(base.origin + p.path, init);
  return { status: res.status, text: p.method === 'HEAD' ? '' : await res.text() };
}

describe('fuzz: random and malformed requests', () => {
  it(`answers each of ${REQUESTS} requests as its kind requires, never 5xx, and leaves the marts unchanged`, { timeout: 120_000 }, async () => {
    const list = probes();
    const seen = new Map<string, number>();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const p = list[next++]!;
        seen.set(p.kind, (seen.get(p.kind) ?? 0) + 1);
        try {
          const { status, text } = await send(p);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(status, `${p.kind} ${p.method} ${p.path.slice(0, 120)}`).toBeLessThan(500);
          p.check(status, text);
        } catch (err) {
          const cause = (err as { cause?: { code?: string; message?: string } }).cause;
          failures.push(`${p.kind} ${p.method} ${p.path.slice(0, 160)}: ${(err as Error).message.slice(0, 400)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    // every kind ran, and both the valid and the refused answers were seen in numbers
    expect(seen.size).toBe(22);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(600);
    for (const s of [400, 401, 403, 404, 413]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(20);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);

    // still up, nothing logged, every table and the file as they were
    const health = await fetch(new URL('/api/health', base));
    expect(health.status).toBe(200);
    expect((await health.json()).ok).toBe(true);
    expect(logged).toEqual([]);
    expect(routeDocs.length).toBeGreaterThan(10);
    await server.close();
    closed = true;
    expect(await martChecksums(dbPath)).toEqual(before);
    expect(Object.keys(before).length).toBeGreaterThan(40);
    expect(fileHash(dbPath)).toBe(beforeFile);
  });
});
