/**
 * The marts on a small hand-made log (test/fixtures/marts): every KPI below was computed by hand from the
 * fixture rows, written next to each assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, queryRows, queryOne, type Database } from '../../core/db.ts';
import { ingestPath } from '../../pipelines/ingest.ts';
import { buildMarts, type BuildResult } from '../../marts/build.ts';
import { defaultConfig } from '../../core/config.ts';
import type { Source } from '../../pipelines/contracts.ts';
import { kpiRatios, kpiValue, kpiInputs } from '../../core/kpis.ts';

const fixtures = fileURLToPath(new URL('../fixtures/marts/', import.meta.url));
let dir: string;
let db: Database;
let build: BuildResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-marts-'));
  db = await openDatabase(join(dir, 'm.duckdb'));
  const files: [string, Source][] = [
    ['acd.csv', 'acd'],
    ['bot.jsonl', 'bot'],
    ['tickets.csv', 'tickets'],
    ['agent_states.csv', 'agent-states'],
  ];
  for (const [f, source] of files) await ingestPath(db.conn, join(fixtures, f), { source, timezone: 'Asia/Shanghai', dayFirst: false });
  build = await buildMarts(db.conn, defaultConfig);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const day = (d: string) => new Date(`${d}T00:00:00Z`);

describe('marts on the hand-made log', () => {
  it('builds every model and passes every data test', () => {
    expect(build.failedModel).toBeUndefined();
    expect(build.tests.filter((t) => t.failures > 0 || t.error)).toEqual([]);
    expect(build.models.map((m) => m.name)).toEqual(expect.arrayContaining(['fct_touchpoint', 'fct_node', 'fct_breakpoint', 'fct_journey', 'kpi_interval', 'kpi_daily', 'kpi_agent_daily']));
  });

  it('queue KPIs of q_card on 2 March match the hand computation', async () => {
    const k = (await queryOne(db.conn, `SELECT * FROM kpi_daily WHERE date = DATE '2026-03-02' AND queue_id = 'q_card' AND channel = 'voice'`))!;
    // offered: C1, C2, C3 (leg 1), C4
    expect(k.offered).toBe(4);
    expect(k.answered).toBe(2); // C1, C3
    expect(k.abandoned).toBe(2); // C2 (wait 3 s), C4 (wait 60 s)
    expect(k.short_abandons).toBe(1); // C2: 3 s < 5 s
    expect(k.sl_threshold_seconds).toBe(20);
    // within 20 s: C1 (10 s); C3 waited 40 s. SL = 1 / (2 + 2 − 1)
    expect(k.service_level).toBeCloseTo(1 / 3, 12);
    expect(k.asa_seconds).toBeCloseTo((10 + 40) / 2, 12);
    expect(k.avg_time_to_abandon_seconds).toBeCloseTo((3 + 60) / 2, 12);
    expect(k.abandon_rate).toBeCloseTo((2 - 1) / (4 - 1), 12);
    expect(k.answer_rate).toBeCloseTo(2 / 4, 12);
    // C1: talk 300 − 20 hold = 280, + 20 hold + 30 acw = 330; C3 leg 1: talk 240 + acw 15 = 255
    expect(k.aht_seconds).toBeCloseTo((330 + 255) / 2, 12);
    expect(k.transfer_rate).toBeCloseTo(1 / 2, 12); // C3 leg 1 transferred to q_loan
    // A1's states on q_card: talking 300 + acw 30 = 330 handling; ready 40 + 1430 + 900 = 2370;
    // logged in 08:55–10:00 = 3900 (the 300 s login state and the 900 s break are neither ready nor handling)
    expect(k.occupancy).toBeCloseTo(330 / (330 + 2370), 12);
    expect(k.utilization).toBeCloseTo(330 / 3900, 12);
    expect(k.shrinkage).toBeCloseTo((3900 - 2370 - 330) / 3900, 12);
  });

  it('the transferred leg is offered to its second queue', async () => {
    const k = (await queryOne(db.conn, `SELECT offered, answered, asa_seconds, aht_seconds, csat_top2 FROM kpi_daily WHERE date = DATE '2026-03-02' AND queue_id = 'q_loan'`))!;
    expect(k).toMatchObject({ offered: 1, answered: 1, asa_seconds: 20, aht_seconds: 300 + 10 });
  });

  it('outcomes of every touchpoint follow the documented rules', async () => {
    const rows = await queryRows<{ touchpoint_id: string; outcome: string }>(db.conn, `SELECT touchpoint_id, outcome FROM fct_touchpoint ORDER BY touchpoint_id`);
    expect(Object.fromEntries(rows.map((r) => [r.touchpoint_id, r.outcome]))).toEqual({
      'acd:C1': 'answered',
      'acd:C10': 'answered',
      'acd:C2': 'abandoned',
      'acd:C3': 'answered',
      'acd:C4': 'abandoned',
      'acd:C5': 'answered',
      'acd:C6': 'answered',
      'acd:C7': 'self_service', // IVR path ends in self_service_end
      'acd:C8': 'ivr_abandon',
      'acd:C9': 'phantom',
      'bot:B1': 'escalated',
      'bot:B2': 'self_service',
      'ticket:T1': 'resolved',
      'ticket:T2': 'open',
    });
  });

  it('journeys chain within W = 7 days and FCR counts single-touchpoint resolutions', async () => {
    const j = await queryRows<{ journey_id: string; touchpoints: number; resolved: boolean; first_contact_resolution: boolean }>(
      db.conn,
      `SELECT journey_id, touchpoints, resolved, first_contact_resolution FROM fct_journey ORDER BY journey_id`,
    );
    const byId = Object.fromEntries(j.map((r) => [r.journey_id, r]));
    // U1: C1 (2 Mar) and C5 (4 Mar) are 2 days apart: one journey, resolved by C5, not first contact
    expect(byId['U1#1']).toMatchObject({ touchpoints: 2, resolved: true, first_contact_resolution: false });
    // U2: C2 (2 Mar) and C6 (11 Mar) are 9 days apart: two journeys
    expect(byId['U2#1']).toMatchObject({ touchpoints: 1, resolved: false, first_contact_resolution: false });
    expect(byId['U2#2']).toMatchObject({ touchpoints: 1, resolved: true, first_contact_resolution: true });
    // U3: transferred call answered and not repeated: resolved first time
    expect(byId['U3#1']).toMatchObject({ touchpoints: 1, first_contact_resolution: true });
    // U4: abandoned call then a ticket that was reopened: not resolved
    expect(byId['U4#1']).toMatchObject({ touchpoints: 2, resolved: false });
    // U6: bot escalated to chat: two touchpoints
    expect(byId['U6#1']).toMatchObject({ touchpoints: 2, resolved: true, first_contact_resolution: false });
    // C8 and C9 are unidentified: no journey
    expect(j.length).toBe(9); // U1, U2×2, U3, U4, U5, U6, U7, U8
  });

  it('self-service and bot KPIs', async () => {
    const t = (await queryOne(
      db.conn,
      `SELECT sum(self_service_touchpoints) AS ss, sum(inbound_touchpoints) AS inbound, sum(bot_sessions) AS bots, sum(bot_contained) AS contained,
              sum(bot_escalated) AS escalated, sum(bot_fallback_turns) AS fallback, sum(bot_user_turns) AS user_turns, sum(unidentified_touchpoints) AS unidentified
       FROM kpi_daily`,
    ))!;
    // inbound touchpoints: 10 contacts + 2 bot sessions + 2 tickets; self-service: C7 (IVR) and B2 (contained bot)
    expect(t).toMatchObject({ ss: 2, inbound: 14, bots: 2, contained: 1, escalated: 1, fallback: 1, user_turns: 4, unidentified: 2 });
  });

  it('breakpoints with their nodes and recovery', async () => {
    const b = await queryRows<{ breakpoint_type: string; touchpoint_id: string; node_key: string | null; recovered: boolean | null; recovery_seconds: number | null }>(
      db.conn,
      `SELECT breakpoint_type, touchpoint_id, node_key, recovered, recovery_seconds FROM fct_breakpoint ORDER BY breakpoint_type, touchpoint_id`,
    );
    expect(b).toEqual([
      { breakpoint_type: 'abandon_ivr', touchpoint_id: 'acd:C8', node_key: 'ivr_menu:card', recovered: null, recovery_seconds: null },
      { breakpoint_type: 'abandon_queue', touchpoint_id: 'acd:C2', node_key: 'queue:q_card', recovered: false, recovery_seconds: null },
      { breakpoint_type: 'abandon_queue', touchpoint_id: 'acd:C4', node_key: 'queue:q_card', recovered: false, recovery_seconds: null },
      // escalated at 12:00:50; C10 ended 12:06:30
      { breakpoint_type: 'bot_escalation', touchpoint_id: 'bot:B1', node_key: 'bot_escalation:q_chat', recovered: true, recovery_seconds: 340 },
      // C5 (4 Mar 10:00) repeats C1; C5 ended 10:03:05
      { breakpoint_type: 'repeat_contact', touchpoint_id: 'acd:C1', node_key: null, recovered: true, recovery_seconds: 185 },
      { breakpoint_type: 'sla_breach', touchpoint_id: 'ticket:T2', node_key: 'ticket_status:new', recovered: false, recovery_seconds: null },
      { breakpoint_type: 'ticket_reopen', touchpoint_id: 'ticket:T1', node_key: 'ticket_status:reopened', recovered: false, recovery_seconds: null },
      // transferred at 09:24:45; leg 2 ended 09:30:05
      { breakpoint_type: 'transfer', touchpoint_id: 'acd:C3', node_key: 'transfer:q_loan', recovered: true, recovery_seconds: 320 },
    ]);
  });

  it('tickets: response, resolution, SLA, reopen and backlog', async () => {
    const t1 = (await queryOne(db.conn, `SELECT * FROM fct_ticket WHERE ticket_id = 'T1'`))!;
    expect(t1).toMatchObject({ first_response_seconds: 900, resolution_seconds: 5.25 * 3600, met_sla: true, reopened: true, reopen_count: 1 });
    const k = await queryRows<{ date: Date; queue_id: string; backlog: number; tickets_due: number; tickets_met_sla: number }>(
      db.conn,
      `SELECT date, queue_id, backlog, tickets_due, tickets_met_sla FROM kpi_daily WHERE queue_id = 'q_email' ORDER BY date`,
    );
    // T2 created 2 Mar, never resolved, due 2 Mar 18:00 and missed
    expect(k).toEqual([
      { date: day('2026-03-02'), queue_id: 'q_email', backlog: 1, tickets_due: 1, tickets_met_sla: 0 },
      { date: day('2026-03-03'), queue_id: 'q_email', backlog: 1, tickets_due: 0, tickets_met_sla: 0 },
    ]);
  });

  it('nodes give the flow from entry to exit', async () => {
    const n = await queryRows<{ node_key: string; next_node: string }>(db.conn, `SELECT node_key, next_node FROM fct_node WHERE touchpoint_id = 'acd:C1' ORDER BY node_seq`);
    expect(n.map((r) => `${r.node_key} → ${r.next_node}`)).toEqual([
      'ivr_menu:main → ivr_menu:card',
      'ivr_menu:card → queue:q_card',
      'queue:q_card → agent_talk:A1',
      'agent_talk:A1 → hold:A1',
      'hold:A1 → acw:A1',
      'acw:A1 → end:answered',
    ]);
  });

  it('agent KPIs', async () => {
    const a = (await queryOne(db.conn, `SELECT * FROM kpi_agent_daily WHERE agent_id = 'A1' AND date = DATE '2026-03-02'`))!;
    expect(a.answered).toBe(2); // C1 and C3 leg 1
    expect(a.aht_seconds).toBeCloseTo((330 + 255) / 2, 12);
    // a DuckDB MAP arrives as a list of entries
    expect(a.not_ready_by_reason).toEqual([{ key: 'break', value: 900 }]);
    expect(a.shrinkage).toBeCloseTo((3900 - 2370 - 330) / 3900, 12);
  });

  it('every rate in kpi_daily is its core/kpis.ts definition applied to the row, and the macros stay in the database', async () => {
    const rows = await queryRows<Record<string, number | null>>(db.conn, `SELECT * FROM kpi_daily`);
    expect(rows.length).toBeGreaterThan(5);
    let checked = 0;
    for (const r of rows) {
      for (const k of kpiRatios) {
        if (!(k.name in r)) continue;
        expect([k.name, r[k.name]]).toEqual([k.name, kpiValue(k.name, r)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(rows.length * 20);
    // analysts can call the same definitions: kpi_service_level(answered_within_threshold, answered, abandoned, short_abandons)
    const m = (await queryOne(db.conn, `SELECT kpi_service_level(1, 2, 2, 1) AS sl, kpi_abandon_rate(2, 1, 4) AS ab`))!;
    expect(m).toEqual({ sl: 1 / 3, ab: 1 / 3 });
    expect(kpiInputs(kpiRatios[0])).toEqual(['answered_within_threshold', 'answered', 'abandoned', 'short_abandons']);
  });

  it('the catalog documents every published column', async () => {
    const missing = await queryRows(
      db.conn,
      `SELECT table_name, column_name FROM mart_catalog WHERE layer IN ('marts', 'kpi') AND column_description = '' AND table_name IN ('fct_touchpoint', 'fct_journey', 'fct_breakpoint')`,
    );
    expect(missing).toEqual([]);
  });
});
