/**
 * Schedule and coverage endpoints. The fixture marts have no staffing plan, so `ccmart schedule` cannot run on
 * them: the test writes fct_schedule and fct_coverage itself (the tables `ccmart schedule` creates, column for
 * column) and checks the answers against SQL on the same file and against hand-counted figures.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, openDatabase } from '../../core/db.ts';
import { DEFAULT_SEGMENT_LIMIT } from '../../api/routes/schedule.ts';
import { buildFixtureDb, cleanup, expectDocumented, expectRowsClose, serve, tempDir, type Served } from './helpers.ts';

let dir: string;
let plain: Served;
let scheduled: Served;

const days = ['2026-03-16', '2026-03-17'];
const agents = [
  { id: 'A1', name: 'Wang Fang', queue: 'q_card' },
  { id: 'A2', name: 'Li Na', queue: 'q_card' },
  { id: 'A3', name: 'Zhang Wei', queue: 'q_loan' },
];
/** One shift: 09:00–17:00 with a 15-minute break and an hour's lunch → 405 minutes of work. Breaks carry no queue. */
const shift: [string, string, 'work' | 'break' | 'lunch'][] = [
  ['09:00', '11:00', 'work'],
  ['11:00', '11:15', 'break'],
  ['11:15', '13:00', 'work'],
  ['13:00', '14:00', 'lunch'],
  ['14:00', '17:00', 'work'],
];
const WORK_MINUTES = 120 + 105 + 180;

async function addSchedule(path: string) {
  const db = await openDatabase(path);
  try {
    await exec(
      db.conn,
      `CREATE TABLE main.fct_schedule (week VARCHAR, agent_id VARCHAR, agent_name VARCHAR, queue_id VARCHAR, start_at TIMESTAMP, end_at TIMESTAMP, activity VARCHAR, date DATE)`,
    );
    const rows = days.flatMap((d) =>
      agents.flatMap((a) => shift.map(([s, e, act]) => `('2026-W12', '${a.id}', '${a.name}', ${act === 'work' ? `'${a.queue}'` : 'NULL'}, TIMESTAMP '${d} ${s}:00', TIMESTAMP '${d} ${e}:00', '${act}', DATE '${d}')`)),
    );
    await exec(db.conn, `INSERT INTO main.fct_schedule VALUES ${rows.join(', ')}`);
    await exec(
      db.conn,
      `CREATE TABLE main.fct_coverage (week VARCHAR, queue_id VARCHAR, interval_start TIMESTAMP, date DATE, required INTEGER, scheduled INTEGER, gap INTEGER,
         service_level_erlang_c DOUBLE, service_level_erlang_a DOUBLE, abandon_erlang_a DOUBLE)`,
    );
    // Half-hour intervals 09:00–16:30 per queue and day; required rises to midday, scheduled from the shifts above.
    await exec(
      db.conn,
      `INSERT INTO main.fct_coverage
       SELECT '2026-W12', q.queue_id, t, t::DATE, r, s, s - r, CASE WHEN s > 0 THEN 0.5 + 0.02 * s END, CASE WHEN s > 0 THEN 0.55 + 0.02 * s END, CASE WHEN s > 0 THEN 0.05 END
       FROM (VALUES ('q_card', 2), ('q_loan', 1)) q(queue_id, agents),
            (SELECT unnest(generate_series(TIMESTAMP '2026-03-16 09:00:00', TIMESTAMP '2026-03-17 16:30:00', INTERVAL 30 MINUTE)) AS t) ts,
            LATERAL (SELECT 1 + (hour(t) BETWEEN 11 AND 13)::INTEGER AS r,
                            CASE WHEN hour(t) = 13 THEN 0 ELSE q.agents END AS s)
       WHERE hour(t) BETWEEN 9 AND 16`,
    );
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = tempDir();
  const plainPath = await buildFixtureDb(dir, 'plain.duckdb');
  const scheduledPath = join(dir, 'scheduled.duckdb');
  copyFileSync(plainPath, scheduledPath);
  await addSchedule(scheduledPath);
  [plain, scheduled] = await Promise.all([serve(plainPath), serve(scheduledPath)]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), scheduled?.close()]);
  cleanup(dir);
});

const minutes = (r: { start_at: string; end_at: string }) => (Date.parse(r.end_at.replace(' ', 'T') + 'Z') - Date.parse(r.start_at.replace(' ', 'T') + 'Z')) / 60_000;
const segmentFields = ['week', 'agent_id', 'agent_name', 'queue_id', 'start_at', 'end_at', 'activity', 'date'];
const segmentSql = (where = '') =>
  `SELECT week, agent_id, agent_name, queue_id, strftime(start_at, '%Y-%m-%d %H:%M:%S') AS start_at, strftime(end_at, '%Y-%m-%d %H:%M:%S') AS end_at,
     activity, strftime(date, '%Y-%m-%d') AS date FROM fct_schedule ${where} ORDER BY date, agent_id, start_at`;

describe('GET /api/schedule and /api/coverage without a schedule', () => {
  it('answer available: false and no rows', async () => {
    const s = await plain.get('/api/schedule');
    expect(s.status).toBe(200);
    expectDocumented('get', '/api/schedule', s.body);
    expect(s.body).toEqual({ available: false, week: null, agents: 0, segments: 0, truncated: false, rows: [] });
    const c = await plain.get('/api/coverage');
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ available: false, rows: [] });
  });
});

describe('GET /api/schedule', () => {
  it('answers every segment in day, agent, start order, as the table holds them', async () => {
    const { status, body } = await scheduled.get('/api/schedule');
    expect(status).toBe(200);
    expectDocumented('get', '/api/schedule', body);
    expect(body).toMatchObject({ available: true, week: '2026-W12', agents: agents.length, segments: days.length * agents.length * shift.length, truncated: false });
    expectRowsClose(body.rows, await scheduled.sql(segmentSql()), segmentFields);
    // Each agent-day carries the 405 minutes of work of its shift, plus 15 of break and 60 of lunch.
    const perAgentDay = new Map<string, Record<string, number>>();
    for (const r of body.rows) {
      const k = `${r.date}|${r.agent_id}`;
      const acc = perAgentDay.get(k) ?? {};
      acc[r.activity] = (acc[r.activity] ?? 0) + minutes(r);
      perAgentDay.set(k, acc);
    }
    expect(perAgentDay.size).toBe(days.length * agents.length);
    for (const acc of perAgentDay.values()) expect(acc).toEqual({ work: WORK_MINUTES, break: 15, lunch: 60 });
  });

  it('filters by day, queue (whole shifts of the agents on it) and agent, and counts agents before the limit', async () => {
    const day = await scheduled.get('/api/schedule?from=2026-03-17&to=2026-03-17&queue=q_card');
    expectRowsClose(
      day.body.rows,
      await scheduled.sql(segmentSql(`WHERE date = DATE '2026-03-17' AND agent_id IN (SELECT agent_id FROM fct_schedule WHERE queue_id = 'q_card')`)),
      segmentFields,
    );
    expect(day.body.rows.filter((r: { activity: string }) => r.activity === 'lunch')).toHaveLength(2);
    expect(day.body.agents).toBe(2);
    expect(day.body.rows).toHaveLength(2 * shift.length);
    const one = await scheduled.get('/api/schedule?agent=A3,A9');
    expect(one.body.agents).toBe(1);
    expect(new Set(one.body.rows.map((r: { agent_id: string }) => r.agent_id))).toEqual(new Set(['A3']));
    expect(one.body.rows).toHaveLength(days.length * shift.length);
    const none = await scheduled.get('/api/schedule?from=2026-04-01');
    expect(none.body).toMatchObject({ available: true, week: null, agents: 0, segments: 0, rows: [] });
  });

  it('stops at the limit and says it did', async () => {
    const { body } = await scheduled.get('/api/schedule?limit=7');
    expect(body.rows).toHaveLength(7);
    expect(body).toMatchObject({ truncated: true, segments: 30, agents: 3 });
    expectRowsClose(body.rows, (await scheduled.sql(segmentSql())).slice(0, 7), segmentFields);
    expect(DEFAULT_SEGMENT_LIMIT).toBeGreaterThanOrEqual(1000);
  });

  it('answers 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1000000', 'limit'],
      ['from=2026-13-01', 'from'],
      ['from=2026-03-18&to=2026-03-16', 'from'],
      ['week=2026-W12', 'week'],
    ];
    for (const [qs, parameter] of cases) {
      const { status, body } = await scheduled.get(`/api/schedule?${qs}`);
      expect(status, qs).toBe(400);
      expect(body.parameter, qs).toBe(parameter);
      expect(body.error, qs).toContain(parameter);
    }
  });
});

describe('GET /api/coverage', () => {
  it('answers required vs scheduled per queue and interval as fct_coverage holds them', async () => {
    const { status, body } = await scheduled.get('/api/coverage?queue=q_loan&from=2026-03-16&to=2026-03-16');
    expect(status).toBe(200);
    expectDocumented('get', '/api/coverage', body);
    const expected = await scheduled.sql(
      `SELECT week, queue_id, strftime(interval_start, '%Y-%m-%d %H:%M:%S') AS interval_start, strftime(date, '%Y-%m-%d') AS date, required, scheduled, gap,
         service_level_erlang_c, service_level_erlang_a, abandon_erlang_a
       FROM fct_coverage WHERE queue_id = 'q_loan' AND date = DATE '2026-03-16' ORDER BY interval_start`,
    );
    // 09:00–16:30 in half hours
    expect(expected).toHaveLength(16);
    expectRowsClose(body.rows, expected, ['week', 'queue_id', 'interval_start', 'date', 'required', 'scheduled', 'gap', 'service_level_erlang_c', 'service_level_erlang_a', 'abandon_erlang_a']);
    // q_loan: one agent, none at lunch (13:00, 13:30); required 2 from 11:00 to 13:30, else 1
    const gaps = body.rows.map((r: { gap: number }) => r.gap);
    expect(gaps.reduce((a: number, b: number) => a + b, 0)).toBe(-(6 + 2));
    const all = await scheduled.get('/api/coverage');
    expect(all.body.rows).toHaveLength(2 * 2 * 16);
  });

  it('answers 400 naming the parameter', async () => {
    for (const [qs, parameter] of [
      ['to=yesterday', 'to'],
      ['agent=A1', 'agent'],
    ] as const) {
      const { status, body } = await scheduled.get(`/api/coverage?${qs}`);
      expect(status, qs).toBe(400);
      expect(body.parameter, qs).toBe(parameter);
    }
  });
});
