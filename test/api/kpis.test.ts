/**
 * /api/kpis against the marts: every figure the API answers equals a sum or ratio computed here in SQL
 * straight from kpi_daily, kpi_interval or kpi_agent_daily through a separate read-only connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureDb, cleanup, expectDocumented, expectRowsClose, serve, tempDir, type Served } from './helpers.ts';

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

const queueSql = `
  sum(offered) AS offered, sum(answered) AS answered, sum(abandoned) AS abandoned, sum(short_abandons) AS short_abandons,
  sum(answered_within_threshold) AS answered_within_threshold,
  sum(answered_within_threshold) / nullif(sum(answered) + sum(abandoned) - sum(short_abandons), 0) AS service_level,
  sum(wait_answered_seconds) / nullif(sum(answered), 0) AS asa_seconds,
  sum(wait_abandoned_seconds) / nullif(sum(abandoned), 0) AS avg_time_to_abandon_seconds,
  (sum(abandoned) - sum(short_abandons)) / nullif(sum(offered) - sum(short_abandons), 0) AS abandon_rate,
  sum(answered) / nullif(sum(offered), 0) AS answer_rate,
  sum(handled) AS handled,
  sum(handle_seconds) / nullif(sum(handled), 0) AS aht_seconds,
  sum(transferred) / nullif(sum(answered), 0) AS transfer_rate,
  sum(state_handle_seconds) / nullif(sum(state_handle_seconds) + sum(ready_seconds), 0) AS occupancy,
  sum(state_handle_seconds) / nullif(sum(logged_in_seconds), 0) AS utilization,
  (sum(logged_in_seconds) - sum(ready_seconds) - sum(state_handle_seconds)) / nullif(sum(logged_in_seconds), 0) AS shrinkage,
  sum(csat_responses) AS csat_responses,
  sum(csat_top2) / nullif(sum(csat_responses), 0) AS csat_top2_rate,
  sum(csat_sum) / nullif(sum(csat_responses), 0) AS csat_mean`;

const dailySql = `
  sum(touchpoints) AS touchpoints, sum(inbound_touchpoints) AS inbound_touchpoints,
  sum(self_service_touchpoints) / nullif(sum(inbound_touchpoints), 0) AS self_service_rate,
  sum(journeys) AS journeys, sum(fcr_journeys) / nullif(sum(journeys), 0) AS fcr_rate,
  sum(bot_sessions) AS bot_sessions,
  sum(bot_contained) / nullif(sum(bot_sessions), 0) AS bot_containment_rate,
  sum(bot_escalated) / nullif(sum(bot_sessions), 0) AS bot_escalation_rate,
  sum(bot_fallback_turns) / nullif(sum(bot_user_turns), 0) AS bot_fallback_rate,
  sum(tickets_created) AS tickets_created,
  sum(tickets_met_sla) / nullif(sum(tickets_due), 0) AS ticket_sla_rate,
  sum(tickets_resolved_reopened) / nullif(sum(tickets_resolved), 0) AS reopen_rate`;

const queueFields = [
  'offered', 'answered', 'abandoned', 'short_abandons', 'answered_within_threshold', 'service_level', 'asa_seconds', 'avg_time_to_abandon_seconds',
  'abandon_rate', 'answer_rate', 'handled', 'aht_seconds', 'transfer_rate', 'occupancy', 'utilization', 'shrinkage', 'csat_responses', 'csat_top2_rate', 'csat_mean',
];
const dailyFields = [
  'touchpoints', 'inbound_touchpoints', 'self_service_rate', 'journeys', 'fcr_rate', 'bot_sessions', 'bot_containment_rate', 'bot_escalation_rate',
  'bot_fallback_rate', 'tickets_created', 'ticket_sla_rate', 'reopen_rate',
];

describe('GET /api/kpis', () => {
  it('grain=day by=queue: every row equals the sums of kpi_daily over channels, rates recomputed', async () => {
    const { status, body } = await api.get('/api/kpis?grain=day&by=queue');
    expect(status).toBe(200);
    expectDocumented('get', '/api/kpis', body);
    const expected = await api.sql(
      `SELECT date::VARCHAR AS period, queue_id, ${queueSql}, ${dailySql}, sum(backlog) AS backlog FROM kpi_daily GROUP BY ALL ORDER BY period, queue_id`,
    );
    expect(expected.length).toBeGreaterThan(5);
    expectRowsClose(body.rows, expected, ['period', 'queue_id', ...queueFields, ...dailyFields, 'backlog']);
    const totals = (await api.sql(`SELECT ${queueSql}, ${dailySql} FROM kpi_daily`))[0]!;
    expectRowsClose([body.totals], [totals], [...queueFields, ...dailyFields]);
    // the fixture's queues all use T = 20 s
    expect(body.sl_threshold_seconds).toBe(20);
  });

  it("recomputed rates equal the marts' own rates at the marts' grain (day × queue × channel)", async () => {
    const { body } = await api.get('/api/kpis?grain=day&by=queue&channel=voice');
    const rates = ['service_level', 'asa_seconds', 'avg_time_to_abandon_seconds', 'abandon_rate', 'answer_rate', 'aht_seconds', 'transfer_rate', 'occupancy', 'utilization', 'shrinkage', 'csat_top2_rate', 'fcr_rate', 'self_service_rate'];
    const marts = await api.sql(`SELECT date::VARCHAR AS period, queue_id, ${rates.join(', ')} FROM kpi_daily WHERE channel = 'voice' ORDER BY period, queue_id`);
    // q_card on 2 March: 4 offered, 2 abandoned of which 1 short, so the SL denominator matters
    expect(marts.some((m) => m.queue_id === 'q_card' && m.period === '2026-03-02')).toBe(true);
    expectRowsClose(body.rows, marts, ['period', 'queue_id', ...rates]);
  });

  it('grain=week by=channel with a period and repeated / comma-separated queue filters', async () => {
    const { status, body } = await api.get('/api/kpis?grain=week&by=channel&from=2026-03-02&to=2026-03-11&queue=q_card,q_chat&queue=q_loan');
    expect(status).toBe(200);
    expectDocumented('get', '/api/kpis', body);
    const filter = `date BETWEEN DATE '2026-03-02' AND DATE '2026-03-11' AND queue_id IN ('q_card', 'q_chat', 'q_loan')`;
    const expected = await api.sql(
      `SELECT date_trunc('week', date)::DATE::VARCHAR AS period, channel, ${queueSql}, ${dailySql} FROM kpi_daily WHERE ${filter} GROUP BY ALL ORDER BY period, channel`,
    );
    expect(new Set(expected.map((e) => e.period)).size).toBe(2); // two ISO weeks
    expectRowsClose(body.rows, expected, ['period', 'channel', ...queueFields, ...dailyFields]);
    const totals = (await api.sql(`SELECT ${queueSql}, ${dailySql} FROM kpi_daily WHERE ${filter}`))[0]!;
    expectRowsClose([body.totals], [totals], [...queueFields, ...dailyFields]);
  });

  it('grain=month with a channel filter', async () => {
    const { body } = await api.get('/api/kpis?grain=month&channel=voice');
    const expected = await api.sql(
      `SELECT date_trunc('month', date)::DATE::VARCHAR AS period, ${queueSql}, ${dailySql} FROM kpi_daily WHERE channel = 'voice' GROUP BY ALL ORDER BY period`,
    );
    expect(expected).toHaveLength(1);
    expectRowsClose(body.rows, expected, ['period', ...queueFields, ...dailyFields]);
  });

  it('backlog is the stock at the end of each period (cut at to), not a sum over days', async () => {
    // q_email has one open ticket on 2 and 3 March and none afterwards in kpi_daily
    const open = await api.sql<{ date: string; backlog: number }>(`SELECT date::VARCHAR AS date, sum(backlog) AS backlog FROM kpi_daily WHERE queue_id = 'q_email' GROUP BY ALL ORDER BY date`);
    expect(open).toEqual([{ date: '2026-03-02', backlog: 1 }, { date: '2026-03-03', backlog: 1 }]);
    const cut = await api.get('/api/kpis?grain=week&queue=q_email&to=2026-03-03');
    expect(cut.body.rows.map((r: { backlog: number }) => r.backlog)).toEqual([1]);
    expect(cut.body.totals.backlog).toBe(1);
    const whole = await api.get('/api/kpis?grain=week&queue=q_email');
    // the week of 2 March ends on 8 March, when no ticket of q_email is open any more
    expect(whole.body.rows[0].backlog).toBe(0);
  });

  it('grain=interval by=queue reads kpi_interval for the period', async () => {
    const { status, body } = await api.get('/api/kpis?grain=interval&by=queue&from=2026-03-02&to=2026-03-04');
    expect(status).toBe(200);
    expectDocumented('get', '/api/kpis', body);
    const filter = `date BETWEEN DATE '2026-03-02' AND DATE '2026-03-04'`;
    const expected = await api.sql(
      `SELECT strftime(interval_start, '%Y-%m-%d %H:%M:%S') AS period, queue_id, ${queueSql} FROM kpi_interval WHERE ${filter} GROUP BY ALL ORDER BY period, queue_id`,
    );
    expect(expected.length).toBeGreaterThan(3);
    expectRowsClose(body.rows, expected, ['period', 'queue_id', ...queueFields]);
    expect(body.rows[0]).not.toHaveProperty('touchpoints');
    const totals = (await api.sql(`SELECT ${queueSql} FROM kpi_interval WHERE ${filter}`))[0]!;
    expectRowsClose([body.totals], [totals], queueFields);
  });

  it('grain=interval without dates covers the last 7 days with data', async () => {
    const { body } = await api.get('/api/kpis?grain=interval');
    const last = (await api.sql<{ d: string }>(`SELECT max(date)::VARCHAR AS d FROM kpi_interval`))[0]!.d;
    expect(body.to).toBe(last);
    const expected = await api.sql(
      `SELECT strftime(interval_start, '%Y-%m-%d %H:%M:%S') AS period, ${queueSql} FROM kpi_interval
       WHERE date BETWEEN DATE '${last}' - 6 AND DATE '${last}' GROUP BY ALL ORDER BY period`,
    );
    expectRowsClose(body.rows, expected, ['period', ...queueFields]);
  });

  it('by=agent reads kpi_agent_daily; measures it cannot tell are null', async () => {
    const { status, body } = await api.get('/api/kpis?by=agent&grain=week');
    expect(status).toBe(200);
    expectDocumented('get', '/api/kpis', body);
    const expected = await api.sql(
      `SELECT date_trunc('week', date)::DATE::VARCHAR AS period, agent_id, sum(answered) AS answered, sum(answered) AS handled,
              sum(handle_seconds) / nullif(sum(answered), 0) AS aht_seconds, sum(transferred) / nullif(sum(answered), 0) AS transfer_rate,
              sum(handle_state_seconds) / nullif(sum(handle_state_seconds) + sum(ready_seconds), 0) AS occupancy,
              sum(handle_state_seconds) / nullif(sum(logged_in_seconds), 0) AS utilization,
              (sum(logged_in_seconds) - sum(ready_seconds) - sum(handle_state_seconds)) / nullif(sum(logged_in_seconds), 0) AS shrinkage,
              sum(csat_responses) AS csat_responses, sum(csat_top2) / nullif(sum(csat_responses), 0) AS csat_top2_rate,
              NULL AS offered, NULL AS service_level, NULL AS touchpoints
       FROM kpi_agent_daily GROUP BY ALL ORDER BY period, agent_id`,
    );
    expect(expected.length).toBeGreaterThan(2);
    expectRowsClose(body.rows, expected, ['period', 'agent_id', 'answered', 'handled', 'aht_seconds', 'transfer_rate', 'occupancy', 'utilization', 'shrinkage', 'csat_responses', 'csat_top2_rate', 'offered', 'service_level', 'touchpoints']);
  });

  it('an agent filter gives that agent only', async () => {
    const { body } = await api.get('/api/kpis?agent=A1&grain=day');
    const expected = await api.sql(
      `SELECT date::VARCHAR AS period, sum(answered) AS answered, sum(handle_seconds) / nullif(sum(answered), 0) AS aht_seconds FROM kpi_agent_daily WHERE agent_id = 'A1' GROUP BY ALL ORDER BY period`,
    );
    expectRowsClose(body.rows, expected, ['period', 'answered', 'aht_seconds']);
  });

  it('measures= answers only the measures asked, with the values of the whole answer', async () => {
    for (const path of ['/api/kpis?grain=day&by=queue', '/api/kpis?grain=week&by=channel', '/api/kpis?grain=interval&by=queue&from=2026-03-02&to=2026-03-04', '/api/kpis?by=agent']) {
      const whole = await api.get(path);
      const asked = ['offered', 'service_level', 'aht_seconds', ...(path.includes('interval') ? [] : ['fcr_rate', 'backlog'])];
      const { status, body } = await api.get(`${path}&measures=${asked.join(',')}`);
      expect(status, path).toBe(200);
      expectDocumented('get', '/api/kpis', body);
      expect(body.rows.length, path).toBe(whole.body.rows.length);
      expect(body.rows.length, path).toBeGreaterThan(1);
      const keys = ['period', ...(path.includes('by=queue') ? ['queue_id'] : path.includes('by=channel') ? ['channel'] : ['agent_id'])];
      // in the order of the contract, not of the request
      const inOrder = Object.keys(whole.body.totals).filter((k) => asked.includes(k));
      expect(Object.keys(body.totals), path).toEqual(inOrder);
      for (const [i, r] of body.rows.entries()) {
        expect(Object.keys(r), path).toEqual([...keys, ...inOrder]);
        for (const k of [...keys, ...inOrder]) expect(r[k], `${path} row ${i} ${k}`).toBe(whole.body.rows[i][k]);
      }
      for (const k of inOrder) expect(body.totals[k], `${path} totals ${k}`).toBe(whole.body.totals[k]);
      expect(body.sl_threshold_seconds).toBe(whole.body.sl_threshold_seconds);
    }
    // repeated parameters work as commas do
    const repeated = await api.get('/api/kpis?grain=day&measures=offered&measures=service_level');
    expect(Object.keys(repeated.body.totals)).toEqual(['offered', 'service_level']);
  });

  it('measures= refuses unknown names and daily measures at grain=interval, naming the parameter', async () => {
    for (const path of ['/api/kpis?measures=offered,nope', '/api/kpis?measures=', '/api/kpis?grain=interval&measures=offered,fcr_rate']) {
      const { status, body } = await api.get(path);
      expect(status, path).toBe(400);
      expect(body.parameter, path).toBe('measures');
    }
    expect((await api.get('/api/kpis?grain=interval&measures=offered,fcr_rate')).body.error).toContain('fcr_rate');
  });

  it('a filter without data answers 200 with no rows and empty totals', async () => {
    const { status, body } = await api.get('/api/kpis?from=2030-01-01&to=2030-01-31&by=queue');
    expect(status).toBe(200);
    expect(body.rows).toEqual([]);
    expect(body.totals.offered).toBe(0);
    expect(body.totals.service_level).toBeNull();
    expect(body.sl_threshold_seconds).toBeNull();
  });
});
