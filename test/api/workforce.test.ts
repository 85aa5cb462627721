/**
 * Forecast, staffing and what-if endpoints. A database without the workforce tables answers
 * `available: false`; a second one gets fct_forecast and fct_staffing from the real plan step (empty on the
 * short fixture history) filled with rows written here, and a third adds a schedule (fct_coverage).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, exec, type Database } from '../../core/db.ts';
import { defaultConfig } from '../../core/config.ts';
import { planFromMarts } from '../../workforce/plan.ts';
import { requiredAgents, trafficIntensity } from '../../workforce/erlang.ts';
import { requiredAgentsErlangA } from '../../workforce/erlangA.ts';
import { buildFixtureDb, cleanup, expectDocumented, expectRowsClose, serve, tempDir, type Served } from './helpers.ts';

let dir: string;
let plain: Served;
let planned: Served;
let scheduled: Served;

/** Forecast calls of q_card on 12 March from 08:00 to 17:30, and one past interval that has actuals. */
const forecastCalls = [6, 12, 20, 28, 35, 40, 38, 33, 30, 27, 25, 24, 26, 30, 34, 31, 25, 18, 11, 7];

async function addPlan(db: Database) {
  const plan = await planFromMarts(db.conn, defaultConfig, { horizonDays: 7, holdoutDays: 0, defaultShrinkage: 0.3 });
  expect(plan.queues).toEqual([]); // the fixture has less history than a forecast needs: the tables are written empty
  const rows = forecastCalls.map((calls, i) => {
    const minutes = 8 * 60 + 30 * i;
    const start = `2026-03-12 ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
    return `('q_card', TIMESTAMP '${start}', DATE '2026-03-12', 30, ${calls}, ${calls * 0.8}, ${calls * 1.2}, 240, 'test', NULL, 0.1, 0.9, now()::TIMESTAMP)`;
  });
  rows.push(`('q_card', TIMESTAMP '2026-03-02 09:00:00', DATE '2026-03-02', 30, 2.5, 2, 3, 200, 'test', NULL, 0.1, 0.9, now()::TIMESTAMP)`);
  await exec(db.conn, `INSERT INTO main.fct_forecast VALUES ${rows.join(', ')}`);
  await exec(
    db.conn,
    `INSERT INTO main.fct_staffing (queue_id, interval_start, calls, aht_seconds, erlangs, agents_erlang_c, agents_erlang_a, fte, service_level_expected,
        asa_expected_seconds, abandon_expected, occupancy_expected, shrinkage, sl_target, sl_seconds, patience_seconds, date)
     SELECT queue_id, interval_start, volume_forecast, aht_forecast_seconds, volume_forecast * aht_forecast_seconds / 1800, 3, 2, 3 / 0.7, 0.85, 12, 0.02, 0.6, 0.3, 0.8, 20, 64, date
     FROM main.fct_forecast`,
  );
}

beforeAll(async () => {
  dir = tempDir();
  const plainPath = await buildFixtureDb(dir, 'plain.duckdb');
  const plannedPath = await buildFixtureDb(dir, 'planned.duckdb', addPlan);
  const scheduledPath = join(dir, 'scheduled.duckdb');
  copyFileSync(plannedPath, scheduledPath);
  const db = await openDatabase(scheduledPath);
  await exec(
    db.conn,
    `CREATE TABLE main.fct_coverage AS SELECT queue_id, interval_start, agents_erlang_c::DOUBLE AS required, 4.0 AS scheduled, 4.0 - agents_erlang_c AS gap,
       0.9 AS service_level_erlang_c, 0.92 AS service_level_erlang_a FROM main.fct_staffing`,
  );
  db.close();
  [plain, planned, scheduled] = await Promise.all([serve(plainPath), serve(plannedPath), serve(scheduledPath)]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), planned?.close(), scheduled?.close()]);
  cleanup(dir);
});

describe('GET /api/forecast and /api/staffing', () => {
  it('answer available: false and no rows before the workforce plan has run', async () => {
    for (const path of ['/api/forecast', '/api/staffing']) {
      const { status, body } = await plain.get(path);
      expect(status).toBe(200);
      expect(body).toEqual({ available: false, rows: [] });
    }
  });

  it('forecast rows with the actual offered volume where kpi_interval has it', async () => {
    const { body } = await planned.get('/api/forecast?queue=q_card');
    expectDocumented('get', '/api/forecast', body);
    expect(body.available).toBe(true);
    const expected = await planned.sql(
      `SELECT f.queue_id, strftime(f.interval_start, '%Y-%m-%d %H:%M:%S') AS interval_start, f.volume_forecast, f.volume_lower, f.model, k.offered AS offered_actual
       FROM fct_forecast f LEFT JOIN kpi_interval k USING (queue_id, interval_start) WHERE f.queue_id = 'q_card' ORDER BY f.interval_start`,
    );
    expect(expected).toHaveLength(forecastCalls.length + 1);
    expectRowsClose(body.rows, expected, ['queue_id', 'interval_start', 'volume_forecast', 'volume_lower', 'model', 'offered_actual']);
    // C1, C2 and C3 arrived in q_card between 09:00 and 09:30 on 2 March
    expect(body.rows[0]).toMatchObject({ interval_start: '2026-03-02 09:00:00', offered_actual: 3 });
    const day = await planned.get('/api/forecast?from=2026-03-12&to=2026-03-12');
    expect(day.body.rows).toHaveLength(forecastCalls.length);
  });

  it('staffing rows with agents logged in, and scheduled agents once there is a schedule', async () => {
    const { body } = await planned.get('/api/staffing');
    expectDocumented('get', '/api/staffing', body);
    const expected = await planned.sql(
      `SELECT s.queue_id, strftime(s.interval_start, '%Y-%m-%d %H:%M:%S') AS interval_start, s.agents_erlang_c, s.fte, k.agents_logged_in, NULL AS scheduled
       FROM fct_staffing s LEFT JOIN kpi_interval k USING (queue_id, interval_start) ORDER BY s.queue_id, s.interval_start`,
    );
    expectRowsClose(body.rows, expected, ['queue_id', 'interval_start', 'agents_erlang_c', 'fte', 'agents_logged_in', 'scheduled']);
    const withSchedule = await scheduled.get('/api/staffing');
    expectDocumented('get', '/api/staffing', withSchedule.body);
    expect(withSchedule.body.rows.map((r: { scheduled: number; gap: number }) => [r.scheduled, r.gap])).toEqual(expected.map(() => [4, 1]));
  });
});

describe('POST /api/whatif', () => {
  const post = (body: object) => planned.post('/api/whatif', body);

  it("staffs the forecast with the queue's targets and observed patience (Erlang C and A, checked against the formulas)", async () => {
    const { status, body } = await post({ from: '2026-03-12' });
    expect(status).toBe(200);
    expectDocumented('post', '/api/whatif', body);
    expect(body.source).toBe('forecast');
    expect(body.rows).toHaveLength(forecastCalls.length);
    const p = (await planned.sql<{ patience: number; aht: number }>(
      `SELECT sum(wait_answered_seconds + wait_abandoned_seconds) / sum(abandoned) AS patience, sum(handle_seconds) / sum(handled) AS aht FROM kpi_interval WHERE queue_id = 'q_card'`,
    ))[0]!;
    const q = body.queues[0];
    expect(q).toMatchObject({ queue_id: 'q_card', model: 'erlang-a', sl_target: 0.8, sl_seconds: 20 });
    expect(q.patience_seconds).toBeCloseTo(p.patience, 9);
    body.rows.forEach((r: { calls: number; agents_erlang_c: number; agents: number; fte: number }, i: number) => {
      const erlangs = trafficIntensity(forecastCalls[i]!, 240, 1800);
      expect(r.calls).toBe(forecastCalls[i]);
      expect(r.agents_erlang_c).toBe(requiredAgents(erlangs, 240, { serviceLevel: 0.8, serviceLevelSeconds: 20 }));
      expect(r.agents).toBe(requiredAgentsErlangA({ erlangs, ahtSeconds: 240, patienceSeconds: p.patience }, { serviceLevel: 0.8, serviceLevelSeconds: 20 }));
      expect(r.fte).toBeCloseTo(r.agents / (1 - q.shrinkage), 9);
    });
    const hours = body.rows.reduce((a: number, r: { agents: number }) => a + r.agents * 0.5, 0);
    expect(body.totals.agent_hours).toBeCloseTo(hours, 9);
  });

  it('a higher service-level target, more volume or longer calls need more agents', async () => {
    const base = (await post({ from: '2026-03-12' })).body;
    for (const change of [{ sl_target: 0.95 }, { volume_factor: 1.5 }, { aht_factor: 1.3 }, { sl_seconds: 5 }, { max_occupancy: 0.6 }]) {
      const { status, body } = await post({ from: '2026-03-12', ...change });
      expect(status, JSON.stringify(change)).toBe(200);
      expect(body.totals.agent_hours, JSON.stringify(change)).toBeGreaterThan(base.totals.agent_hours);
      body.rows.forEach((r: { agents: number }, i: number) => expect(r.agents).toBeGreaterThanOrEqual(base.rows[i].agents));
    }
    const capped = (await post({ from: '2026-03-12', max_abandon: 0.01 })).body;
    expect(capped.queues[0].max_abandon).toBe(0.01);
    capped.rows.forEach((r: { agents: number; abandon: number }, i: number) => {
      expect(r.abandon).toBeLessThanOrEqual(0.01);
      expect(r.agents).toBeGreaterThanOrEqual(base.rows[i].agents);
    });
    expect(capped.totals.agent_hours).toBeGreaterThan(base.totals.agent_hours);
    const fewer = (await post({ from: '2026-03-12', volume_factor: 0.5 })).body;
    expect(fewer.totals.agent_hours).toBeLessThan(base.totals.agent_hours);
  });

  it('given shrinkage and patience replace the observed ones', async () => {
    const { body } = await post({ from: '2026-03-12', shrinkage: 0.5, patience_seconds: 600 });
    expect(body.queues[0]).toMatchObject({ shrinkage: 0.5, patience_seconds: 600 });
    expect(body.totals.fte_hours).toBeCloseTo(body.totals.agent_hours / 0.5, 9);
    const erlangC = (await post({ from: '2026-03-12', patience_seconds: 1e9 })).body;
    // with callers who never give up, Erlang A needs what Erlang C needs
    erlangC.rows.forEach((r: { agents: number; agents_erlang_c: number }) => expect(r.agents).toBe(r.agents_erlang_c));
  });

  it('without a forecast it staffs the history of the period', async () => {
    const { body } = await plain.post('/api/whatif', { from: '2026-03-02', to: '2026-03-04' });
    expectDocumented('post', '/api/whatif', body);
    expect(body.source).toBe('history');
    const history = await plain.sql(
      `SELECT queue_id, strftime(interval_start, '%Y-%m-%d %H:%M:%S') AS interval_start, offered AS calls FROM kpi_interval
       WHERE date BETWEEN DATE '2026-03-02' AND DATE '2026-03-04' AND queue_id <> 'none' ORDER BY queue_id, interval_start`,
    );
    expect(history.length).toBeGreaterThan(2);
    expectRowsClose(body.rows, history, ['queue_id', 'interval_start', 'calls']);
    const forced = await planned.post('/api/whatif', { source: 'history', from: '2026-03-02', to: '2026-03-04' });
    expect(forced.body.source).toBe('history');
    expect(forced.body.rows).toHaveLength(history.length);
    const refused = await plain.post('/api/whatif', { source: 'forecast' });
    expect(refused.status).toBe(400);
    expect(refused.body.parameter).toBe('source');
  });
});
