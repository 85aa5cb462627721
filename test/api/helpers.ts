/**
 * A real marts database for the API tests: the hand-made log of test/fixtures/marts ingested and built into a
 * DuckDB file in a temp folder, a server on 127.0.0.1 on a free port, and a separate read-only connection on
 * the same file for the expected numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { openDatabase, queryRows, type Database, type Params } from '../../core/db.ts';
import { defaultConfig } from '../../core/config.ts';
import { ingestPath } from '../../pipelines/ingest.ts';
import { buildMarts } from '../../marts/build.ts';
import type { Source } from '../../pipelines/contracts.ts';
import { startServer, type RunningServer } from '../../api/server.ts';
import { routeDocs } from '../../api/app.ts';

const fixtures = fileURLToPath(new URL('../fixtures/marts/', import.meta.url));

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ccmart-api-'));
}

/** Ingests the fixture logs into a new DuckDB file and builds the marts; `extra` runs on the writable file afterwards. */
export async function buildFixtureDb(dir: string, name = 'marts.duckdb', extra?: (db: Database) => Promise<void>): Promise<string> {
  const path = join(dir, name);
  const db = await openDatabase(path);
  try {
    const files: [string, Source][] = [
      ['acd.csv', 'acd'],
      ['bot.jsonl', 'bot'],
      ['tickets.csv', 'tickets'],
      ['agent_states.csv', 'agent-states'],
    ];
    for (const [f, source] of files) await ingestPath(db.conn, join(fixtures, f), { source, timezone: 'Asia/Shanghai', dayFirst: false });
    const build = await buildMarts(db.conn, defaultConfig);
    if (build.failedModel) throw new Error(`fixture build failed: ${build.failedModel.name}: ${build.failedModel.error}`);
    if (extra) await extra(db);
  } finally {
    db.close();
  }
  return path;
}

export interface Served {
  server: RunningServer;
  /** Read-only connection for the expectations, independent of the API code. */
  direct: Database;
  get<T = any>(path: string): Promise<{ status: number; body: T; headers: Headers }>;
  post<T = any>(path: string, body: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  sql<T extends Record<string, unknown> = Record<string, unknown>>(query: string, params?: Params): Promise<T[]>;
  close(): Promise<void>;
}

export async function serve(dbPath: string): Promise<Served> {
  const server = await startServer({ dbPath, host: '127.0.0.1', port: 0, logError: () => {} });
  const direct = await openDatabase(dbPath, { readOnly: true });
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(new URL(path.replace(/^\//, ''), server.url), init);
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: res.status, body: body as any, headers: res.headers };
  };
  return {
    server,
    direct,
    get: (path) => call(path),
    post: (path, body) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    sql: (query, params) => queryRows(direct.conn, query, params),
    async close() {
      await server.close();
      direct.close();
    },
  };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The documented (strict) response schema of an endpoint: an answer with an undocumented or missing field fails. */
export function expectDocumented(method: 'get' | 'post', path: string, body: unknown): void {
  const doc = routeDocs.find((d) => d.method === method && d.path === path);
  if (!doc) throw new Error(`no route doc for ${method} ${path}`);
  const parsed = doc.response.safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${path}: answer does not match its documented schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
}

/** Rows equal field by field; numbers to 9 significant digits, null as null. */
export function expectRowsClose(actual: Record<string, unknown>[], expected: Record<string, unknown>[], fields: string[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    for (const f of fields) {
      const av = a[f];
      const ev = e[f] === undefined ? null : e[f];
      if (typeof ev === 'number') {
        expect(typeof av, `row ${i} ${f}`).toBe('number');
        expect(av as number, `row ${i} ${f}`).toBeCloseTo(ev, 9);
      } else {
        expect(av ?? null, `row ${i} ${f}`).toEqual(ev);
      }
    }
  });
}
