/**
 * The marts recover the demo generator's known truth (truth.json counts what it simulated) from clean demo logs:
 * offered, answered, abandoned and short abandons per queue, IVR self-service and hang-ups, bot containment and
 * escalation, transfers and CSAT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, queryOne, queryRows, type Database } from '../../core/db.ts';
import { ingestPath } from '../../pipelines/ingest.ts';
import { buildMarts } from '../../marts/build.ts';
import { loadConfig } from '../../core/config.ts';
import { generateDemoData, fileNames, TIMEZONE, type Truth } from '../../seeds/generator/generate.ts';

let dir: string;
let db: Database;
let truth: Truth;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-truth-'));
  const logs = join(dir, 'logs');
  truth = generateDemoData({ outDir: logs, days: 7, contacts: 30_000, seed: 5, dirty: 0 }).truth;
  db = await openDatabase(join(dir, 'demo.duckdb'));
  const config = loadConfig(undefined, { timezone: TIMEZONE });
  for (const [source, file] of [['acd', fileNames.acd], ['agent-states', fileNames['agent-states']], ['tickets', fileNames.tickets], ['bot', fileNames.bot]] as const) {
    await ingestPath(db.conn, join(logs, file), { source, timezone: TIMEZONE, dayFirst: false });
  }
  const build = await buildMarts(db.conn, config);
  expect(build.failedModel).toBeUndefined();
  expect(build.tests.filter((t) => t.failures || t.error)).toEqual([]);
}, 300_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the marts recover the generator truth', () => {
  it('queue measures per queue: offered, answered, abandoned, short abandons, answered within T', async () => {
    const rows = await queryRows<{ queue_id: string; offered: number; answered: number; abandoned: number; short_abandons: number; within: number }>(
      db.conn,
      `SELECT queue_id, sum(offered) AS offered, sum(answered) AS answered, sum(abandoned) AS abandoned,
              sum(short_abandons) AS short_abandons, sum(answered_within_threshold) AS within
       FROM kpi_daily WHERE offered > 0 GROUP BY 1 ORDER BY 1`,
    );
    const expected = Object.entries(truth.queues)
      .filter(([, q]) => q.offered > 0)
      .map(([queue_id, q]) => ({ queue_id, offered: q.offered, answered: q.answered, abandoned: q.abandoned, short_abandons: q.shortAbandoned, within: q.answeredWithinThreshold }))
      .sort((a, b) => a.queue_id.localeCompare(b.queue_id));
    expect(rows).toEqual(expected);
  });

  it('abandonment share, IVR self-service, bot containment, transfers and CSAT', async () => {
    const t = truth.totals;
    const k = (await queryOne<Record<string, number>>(
      db.conn,
      `SELECT sum(offered) AS offered, sum(abandoned) AS abandoned, sum(bot_sessions) AS bot_sessions, sum(bot_contained) AS bot_contained,
              sum(bot_escalated) AS bot_escalated, sum(bot_fallback_turns) AS fallback, sum(bot_user_turns) AS user_turns
       FROM kpi_daily`,
    ))!;
    expect(k.abandoned! / k.offered!).toBeCloseTo(t.abandoned! / t.offered!, 12);
    expect({ sessions: k.bot_sessions, contained: k.bot_contained, escalated: k.bot_escalated, fallback: k.fallback, userTurns: k.user_turns }).toEqual({
      sessions: t.botSessions,
      contained: t.botContained,
      escalated: t.botEscalated,
      fallback: t.botFallbackTurns,
      userTurns: t.botUserTurns,
    });
    const ivr = (await queryOne<{ ss: number; ab: number }>(
      db.conn,
      `SELECT count(*) FILTER (WHERE outcome = 'self_service') AS ss, count(*) FILTER (WHERE outcome = 'ivr_abandon') AS ab
       FROM fct_touchpoint WHERE touchpoint_type = 'contact'`,
    ))!;
    expect(ivr).toEqual({ ss: t.ivrSelfService, ab: t.ivrAbandon });
    const transfers = (await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM fct_breakpoint WHERE breakpoint_type = 'transfer'`))!;
    expect(transfers.n).toBe(t.transfers);
    const csat = (await queryOne<{ n: number; top2: number }>(db.conn, `SELECT count(csat) AS n, count(*) FILTER (WHERE csat >= 4) AS top2 FROM stg_acd_legs`))!;
    expect(csat).toEqual({ n: t.surveys, top2: t.surveysTop2 });
  });

  it('tickets created and reopened', async () => {
    const k = (await queryOne<{ created: number; reopens: number }>(
      db.conn,
      `SELECT (SELECT count(*) FROM fct_ticket WHERE created_at < TIMESTAMP '${truth.period.end}') AS created,
              (SELECT count(*) FROM fct_breakpoint WHERE breakpoint_type = 'ticket_reopen' AND occurred_at < TIMESTAMP '${truth.period.end}') AS reopens`,
    ))!;
    expect(k).toEqual({ created: truth.totals.tickets, reopens: truth.totals.ticketsReopened });
  });
});
