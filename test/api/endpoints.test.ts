/**
 * The journey, ticket, bot, agent and reference endpoints against the marts: expectations computed here in
 * SQL on the same file through a separate read-only connection; every answer matches its documented schema.
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

describe('reference endpoints', () => {
  it('GET /api/health names the published build', async () => {
    const { status, body } = await api.get('/api/health');
    expect(status).toBe(200);
    expectDocumented('get', '/api/health', body);
    const last = (await api.sql<{ schema_name: string }>(`SELECT schema_name FROM build_history ORDER BY finished_at DESC LIMIT 1`))[0]!;
    expect(body).toMatchObject({ ok: true, build: { schema_name: last.schema_name, status: 'ok' } });
    expect(body.build.finished_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  });

  it('GET /api/meta lists queues, channels, targets, the date range and the configuration', async () => {
    const { body } = await api.get('/api/meta');
    expectDocumented('get', '/api/meta', body);
    const queues = await api.sql<{ queue_id: string }>(`SELECT queue_id FROM dim_queue ORDER BY queue_id`);
    expect(body.queues.map((q: { queue_id: string }) => q.queue_id)).toEqual(queues.map((q) => q.queue_id));
    expect(body.channels).toHaveLength((await api.sql(`SELECT * FROM dim_channel`)).length);
    expect(body.targets).toHaveLength((await api.sql(`SELECT * FROM seed_kpi_targets`)).length);
    const range = (await api.sql<{ from: string; to: string }>(`SELECT min(date)::VARCHAR AS "from", max(date)::VARCHAR AS "to" FROM kpi_daily`))[0]!;
    expect(body.date_range).toEqual(range);
    expect(body).toMatchObject({ sl_threshold_seconds: 20, interval_minutes: 30 });
  });

  it('GET /api/catalog groups mart_catalog by table in column order', async () => {
    const { body } = await api.get('/api/catalog');
    expectDocumented('get', '/api/catalog', body);
    const cols = await api.sql<{ column_name: string }>(`SELECT column_name FROM mart_catalog WHERE table_name = 'kpi_daily' ORDER BY ordinal`);
    const kpi = body.tables.find((t: { table_name: string }) => t.table_name === 'kpi_daily');
    expect(kpi.layer).toBe('kpi');
    expect(kpi.columns.map((c: { name: string }) => c.name)).toEqual(cols.map((c) => c.column_name));
    expect(kpi.columns.find((c: { name: string }) => c.name === 'service_level').description).toMatch(/answered within T/);
  });
});

describe('journeys', () => {
  it('GET /api/breakpoints?by=type: sums of kpi_breakpoint_daily and a rate per 100 touchpoints of kpi_daily', async () => {
    const { status, body } = await api.get('/api/breakpoints?by=type');
    expect(status).toBe(200);
    expectDocumented('get', '/api/breakpoints', body);
    const touchpoints = (await api.sql<{ n: number }>(`SELECT sum(touchpoints) AS n FROM kpi_daily`))[0]!.n;
    expect(body.touchpoints).toBe(touchpoints);
    const expected = await api.sql(
      `SELECT breakpoint_type, sum(breakpoints) AS breakpoints, sum(recovered) AS recovered, sum(recovery_known) AS recovery_known,
              sum(recovered) / nullif(sum(recovery_known), 0) AS recovery_rate, sum(recovery_seconds_sum) / nullif(sum(recovered), 0) AS avg_recovery_seconds,
              100.0 * sum(breakpoints) / ${touchpoints} AS per_100_touchpoints
       FROM kpi_breakpoint_daily GROUP BY ALL ORDER BY breakpoints DESC, breakpoint_type`,
    );
    expect(expected.length).toBeGreaterThan(3);
    expectRowsClose(body.rows, expected, ['breakpoint_type', 'breakpoints', 'recovered', 'recovery_known', 'recovery_rate', 'avg_recovery_seconds', 'per_100_touchpoints']);
  });

  it('GET /api/breakpoints?by=queue divides by each queue\'s touchpoints; by=node keeps node and type', async () => {
    const { body } = await api.get('/api/breakpoints?by=queue&from=2026-03-02&to=2026-03-03');
    const expected = await api.sql(
      `WITH b AS (SELECT queue_id, sum(breakpoints) AS breakpoints FROM kpi_breakpoint_daily WHERE date BETWEEN DATE '2026-03-02' AND DATE '2026-03-03' GROUP BY ALL),
            t AS (SELECT queue_id, sum(touchpoints) AS touchpoints FROM kpi_daily WHERE date BETWEEN DATE '2026-03-02' AND DATE '2026-03-03' GROUP BY ALL)
       SELECT b.queue_id, b.breakpoints, 100.0 * b.breakpoints / nullif(t.touchpoints, 0) AS per_100_touchpoints
       FROM b LEFT JOIN t USING (queue_id) ORDER BY b.breakpoints DESC, b.queue_id`,
    );
    expectRowsClose(body.rows, expected, ['queue_id', 'breakpoints', 'per_100_touchpoints']);
    const nodes = await api.get('/api/breakpoints?by=node');
    const nodeRows = await api.sql(`SELECT node_key, breakpoint_type, sum(breakpoints) AS breakpoints FROM kpi_breakpoint_daily GROUP BY ALL ORDER BY breakpoints DESC, node_key, breakpoint_type`);
    expectRowsClose(nodes.body.rows, nodeRows, ['node_key', 'breakpoint_type', 'breakpoints']);
  });

  it('GET /api/flow sums kpi_node_flow per step and drops steps below min', async () => {
    const { body } = await api.get('/api/flow?min=2&channel=voice');
    expectDocumented('get', '/api/flow', body);
    const expected = await api.sql(
      `SELECT from_node, to_node, sum(touchpoints) AS touchpoints FROM kpi_node_flow WHERE channel = 'voice' GROUP BY ALL HAVING sum(touchpoints) >= 2 ORDER BY touchpoints DESC, from_node, to_node`,
    );
    expect(expected.length).toBeGreaterThan(2);
    expectRowsClose(body.rows, expected, ['from_node', 'to_node', 'touchpoints']);
    const all = await api.get('/api/flow');
    expect(all.body.rows.length).toBeGreaterThan(body.rows.length);
  });

  it('GET /api/journeys: FCR and resolution overall and by first channel', async () => {
    const { body } = await api.get('/api/journeys');
    expectDocumented('get', '/api/journeys', body);
    const total = (await api.sql(
      `SELECT sum(journeys) AS journeys, sum(fcr_journeys) AS fcr_journeys, sum(fcr_journeys) / sum(journeys) AS fcr_rate, sum(resolved_journeys) / sum(journeys) AS resolved_rate FROM kpi_daily`,
    ))[0]!;
    // the marts test counts 9 journeys in the fixture
    expect(total.journeys).toBe(9);
    expectRowsClose([body], [total], ['journeys', 'fcr_journeys', 'fcr_rate', 'resolved_rate']);
    const byChannel = await api.sql(
      `SELECT channel, sum(journeys) AS journeys, sum(fcr_journeys) / sum(journeys) AS fcr_rate FROM kpi_daily GROUP BY ALL HAVING sum(journeys) > 0 ORDER BY journeys DESC, channel`,
    );
    expectRowsClose(body.by_first_channel, byChannel, ['channel', 'journeys', 'fcr_rate']);
  });
});

describe('tickets, bot and agents', () => {
  it('GET /api/tickets per day: sums and rates of kpi_daily, backlog of the day', async () => {
    const { body } = await api.get('/api/tickets?grain=day');
    expectDocumented('get', '/api/tickets', body);
    const expected = await api.sql(
      `SELECT date::VARCHAR AS period, sum(tickets_created) AS tickets_created, sum(first_response_seconds_sum) / nullif(sum(tickets_responded), 0) AS avg_first_response_seconds,
              sum(tickets_resolved) AS tickets_resolved, sum(resolution_seconds_sum) / nullif(sum(tickets_resolved), 0) AS avg_resolution_seconds,
              sum(tickets_met_sla) / nullif(sum(tickets_due), 0) AS ticket_sla_rate, sum(tickets_resolved_reopened) / nullif(sum(tickets_resolved), 0) AS reopen_rate,
              sum(backlog) AS backlog
       FROM kpi_daily GROUP BY ALL ORDER BY period`,
    );
    expectRowsClose(body.rows, expected, ['period', 'tickets_created', 'avg_first_response_seconds', 'tickets_resolved', 'avg_resolution_seconds', 'ticket_sla_rate', 'reopen_rate', 'backlog']);
    // T1: first response 900 s, resolved in 5.25 h (marts test)
    expect(body.totals).toMatchObject({ tickets_created: 2, avg_first_response_seconds: 900, avg_resolution_seconds: 5.25 * 3600 });
  });

  it('GET /api/bot per week', async () => {
    const { body } = await api.get('/api/bot?grain=week');
    expectDocumented('get', '/api/bot', body);
    const expected = await api.sql(
      `SELECT date_trunc('week', date)::DATE::VARCHAR AS period, sum(bot_sessions) AS bot_sessions, sum(bot_contained) / nullif(sum(bot_sessions), 0) AS bot_containment_rate,
              sum(bot_escalated) / nullif(sum(bot_sessions), 0) AS bot_escalation_rate, sum(bot_fallback_turns) / nullif(sum(bot_user_turns), 0) AS bot_fallback_rate
       FROM kpi_daily GROUP BY ALL ORDER BY period`,
    );
    expectRowsClose(body.rows, expected, ['period', 'bot_sessions', 'bot_containment_rate', 'bot_escalation_rate', 'bot_fallback_rate']);
    expect(body.totals).toMatchObject({ bot_sessions: 2, bot_containment_rate: 0.5, bot_fallback_rate: 0.25 });
  });

  it('GET /api/agents sums kpi_agent_daily per agent and merges not-ready reasons', async () => {
    const { body } = await api.get('/api/agents');
    expectDocumented('get', '/api/agents', body);
    const expected = await api.sql(
      `SELECT k.agent_id, any_value(a.primary_queue_id) AS primary_queue_id, sum(k.answered) AS answered, sum(k.handle_seconds) / nullif(sum(k.answered), 0) AS aht_seconds,
              sum(k.not_ready_seconds) AS not_ready_seconds,
              sum(k.handle_state_seconds) / nullif(sum(k.handle_state_seconds) + sum(k.ready_seconds), 0) AS occupancy,
              (sum(k.logged_in_seconds) - sum(k.ready_seconds) - sum(k.handle_state_seconds)) / nullif(sum(k.logged_in_seconds), 0) AS shrinkage
       FROM kpi_agent_daily k LEFT JOIN dim_agent a USING (agent_id) GROUP BY ALL ORDER BY k.agent_id`,
    );
    expectRowsClose(body.rows, expected, ['agent_id', 'primary_queue_id', 'answered', 'aht_seconds', 'not_ready_seconds', 'occupancy', 'shrinkage']);
    const a1 = body.rows.find((r: { agent_id: string }) => r.agent_id === 'A1');
    // A1 took a 900 s break on 2 March (fixture agent states)
    expect(a1.not_ready_by_reason).toEqual({ break: 900 });
    const card = await api.get('/api/agents?queue=q_card');
    expect(card.body.rows.map((r: { primary_queue_id: string }) => r.primary_queue_id)).toEqual(card.body.rows.map(() => 'q_card'));
    expect(card.body.rows.length).toBeGreaterThan(0);
  });
});
