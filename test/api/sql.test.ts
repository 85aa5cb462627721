/**
 * POST /api/sql: results equal the same query on a separate connection; JSON, CSV and Parquet; the row and
 * time limits; everything but one read-only SELECT is refused with the sandbox's reason.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { buildFixtureDb, cleanup, expectDocumented, serve, tempDir, type Served } from './helpers.ts';

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

const perQueue = `SELECT queue_id, sum(offered) AS offered, min(date) AS first_day FROM kpi_daily GROUP BY queue_id ORDER BY queue_id`;

async function raw(body: unknown) {
  const res = await fetch(new URL('api/sql', api.server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('POST /api/sql', () => {
  it('JSON: columns, rows equal to a direct query, DATE as text, BIGINT as number', async () => {
    const { status, body } = await api.post('/api/sql', { sql: perQueue });
    expect(status).toBe(200);
    expectDocumented('post', '/api/sql', body);
    expect(body.columns).toEqual([
      { name: 'queue_id', type: 'VARCHAR' },
      { name: 'offered', type: 'HUGEINT' },
      { name: 'first_day', type: 'DATE' },
    ]);
    const direct = await api.sql<{ queue_id: string; offered: number; first_day: string }>(
      `SELECT queue_id, sum(offered)::DOUBLE AS offered, min(date)::VARCHAR AS first_day FROM kpi_daily GROUP BY queue_id ORDER BY queue_id`,
    );
    expect(body.rows).toEqual(direct);
    expect(body.truncated).toBe(false);
  });

  it('TIMESTAMP values are wall-clock text', async () => {
    const { body } = await api.post('/api/sql', { sql: `SELECT min(interval_start) AS t FROM kpi_interval` });
    const t = (await api.sql<{ t: string }>(`SELECT strftime(min(interval_start), '%Y-%m-%d %H:%M:%S') AS t FROM kpi_interval`))[0]!.t;
    expect(body.rows).toEqual([{ t }]);
  });

  it('limit cuts the rows and says so; the default is 1,000', async () => {
    const cut = await api.post('/api/sql', { sql: 'SELECT range AS i FROM range(10)', limit: 3 });
    expect(cut.body.rows).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(cut.body.truncated).toBe(true);
    const exact = await api.post('/api/sql', { sql: 'SELECT range AS i FROM range(10)', limit: 10 });
    expect(exact.body.truncated).toBe(false);
    const dflt = await api.post('/api/sql', { sql: 'SELECT range AS i FROM range(5000)' });
    expect(dflt.body.rows).toHaveLength(1000);
    expect(dflt.body.truncated).toBe(true);
  });

  it('CSV: a header and the rows, cut at limit, with row count headers', async () => {
    const { res, bytes } = await raw({ sql: `SELECT queue_id, date, offered FROM kpi_daily ORDER BY date, queue_id, channel`, format: 'csv', limit: 4 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('x-ccmart-rows')).toBe('4');
    expect(res.headers.get('x-ccmart-truncated')).toBe('true');
    const expected = await api.sql<{ queue_id: string; date: string; offered: number }>(
      `SELECT queue_id, date::VARCHAR AS date, offered FROM kpi_daily ORDER BY date, queue_id, channel LIMIT 4`,
    );
    const lines = bytes.toString('utf8').trim().split('\n');
    expect(lines).toEqual(['queue_id,date,offered', ...expected.map((e) => `${e.queue_id},${e.date},${e.offered}`)]);
  });

  it('Parquet: a Parquet file holding the same rows', async () => {
    const { res, bytes } = await raw({ sql: perQueue, format: 'parquet' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('x-ccmart-truncated')).toBe('false');
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
    const file = join(dir, 'answer.parquet');
    writeFileSync(file, bytes);
    const back = await api.sql(`SELECT queue_id, offered::DOUBLE AS offered, first_day::VARCHAR AS first_day FROM read_parquet('${file}') ORDER BY queue_id`);
    const direct = await api.sql(`SELECT queue_id, sum(offered)::DOUBLE AS offered, min(date)::VARCHAR AS first_day FROM kpi_daily GROUP BY queue_id ORDER BY queue_id`);
    expect(back).toEqual(direct);
  });

  it('refuses writes, several statements and file access with the reason, in every format', async () => {
    const refused: [string, RegExp][] = [
      [`DELETE FROM build_history`, /only SELECT|read-only/],
      [`INSERT INTO dim_channel VALUES ('x', 'x', 'x', true)`, /only SELECT|not an table/],
      [`CREATE TABLE stolen AS SELECT * FROM kpi_daily`, /only SELECT/],
      [`COPY kpi_daily TO '${join(dir, 'out.csv')}'`, /only SELECT|disabled by configuration/],
      [`ATTACH '${join(dir, 'other.duckdb')}' AS other`, /only SELECT|disabled by configuration/],
      [`SET enable_external_access = true`, /only SELECT/],
      [`SELECT 1; SELECT 2`, /one statement/],
      [`SELECT 1; DROP TABLE kpi_daily`, /one statement/],
      [`SELECT * FROM read_csv('/etc/passwd')`, /disabled by configuration/],
      [`SELECT * FROM read_text('/etc/hostname')`, /disabled by configuration/],
      [`SELECT * FROM glob('/etc/*')`, /disabled by configuration/],
      [`SELECT 1) TO '${join(dir, 'escape.csv')}' (FORMAT csv); SELECT (1`, /SQL error|one statement/],
      [`INSTALL httpfs`, /only SELECT/],
      [`LOAD '${join(dir, 'evil.duckdb_extension')}'`, /only SELECT/],
      [`PRAGMA enable_profiling`, /only SELECT/],
      [`PRAGMA memory_limit = '64GB'`, /only SELECT/],
      [`SET threads = 64`, /only SELECT/],
      [`RESET memory_limit`, /only SELECT/],
      [`CHECKPOINT`, /only SELECT/],
      [`DETACH marts`, /only SELECT/],
      [`USE memory`, /only SELECT/],
      [`EXPORT DATABASE '${join(dir, 'export')}'`, /only SELECT|disabled by configuration/],
      [`SELECT * FROM query('COPY kpi_daily TO ''${join(dir, 'out.csv')}''')`, /SQL error/],
      [`SELECT * FROM read_blob('/etc/passwd')`, /disabled by configuration/],
      [`SELECT * FROM read_json_auto('/proc/self/environ')`, /disabled by configuration/],
      [`SELECT * FROM read_parquet('https://example.com/x.parquet')`, /disabled by configuration/],
      [`SELECT getenv('CCMART_TOKENS')`, /SQL error/],
      [`CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')`, /only SELECT|SQL error/],
    ];
    for (const format of ['json', 'csv', 'parquet']) {
      for (const [sql, reason] of refused) {
        const { status, body } = await api.post('/api/sql', { sql, format });
        expect(status, `${format}: ${sql}`).toBe(400);
        expect(body.parameter).toBe('sql');
        expect(body.error, sql).toMatch(reason);
      }
    }
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    expect(existsSync(join(dir, 'escape.csv'))).toBe(false);
    expect(existsSync(join(dir, 'export'))).toBe(false);
    // the database is unchanged
    expect((await api.sql(`SELECT count(*) AS n FROM build_history`))[0]!.n).toBeGreaterThan(0);
  });

  it('a query past its time limit is stopped with a 400', async () => {
    const t0 = performance.now();
    const { status, body } = await api.post('/api/sql', { sql: 'SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b', timeout_seconds: 0.3 });
    expect(status).toBe(400);
    expect(body.error).toMatch(/time limit of 0.3 s/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const csv = await api.post('/api/sql', { sql: 'SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b', timeout_seconds: 0.3, format: 'csv' });
    expect(csv.status).toBe(400);
    expect(csv.body.error).toMatch(/time limit/);
    // and the runner is usable afterwards
    expect((await api.post('/api/sql', { sql: 'SELECT 42 AS x', format: 'csv' })).body).toBe('x\n42\n');
  });

  it('analysts queue for their own connections; past the queue they get 429', async () => {
    const app = createApp({ dbPath: join(dir, 'marts.duckdb'), analyst: { concurrency: 1, maxWaiting: 1 } });
    try {
      const slow = JSON.stringify({ sql: 'SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b', timeout_seconds: 1 });
      const post = () => app.request('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: slow });
      const running = post();
      await new Promise((r) => setTimeout(r, 100));
      const waiting = post();
      await new Promise((r) => setTimeout(r, 50));
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ error: expect.stringContaining('too many SQL queries') });
      // the dashboards' pool is not affected meanwhile
      expect((await app.request('/api/kpis?grain=week')).status).toBe(200);
      expect((await running).status).toBe(400); // stopped at its time limit
      expect((await waiting).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});
