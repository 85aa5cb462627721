/**
 * The demo-data generator: deterministic bytes, files that go through the real ingest pipeline with exactly
 * the rejected and duplicate rows truth.json announces, and data whose shares, seasonality and queueing
 * behaviour hold when counted independently in SQL over the loaded raw tables.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, queryOne, queryRows } from '../../core/db.ts';
import { defaultConfig } from '../../core/config.ts';
import { ingestPath, type FileResult } from '../../pipelines/ingest.ts';
import type { Source } from '../../pipelines/contracts.ts';
import { type Truth, fileNames, generateDemoData } from '../../seeds/generator/generate.ts';
import { profiles } from '../../seeds/generator/profiles.ts';
import { Rng } from '../../seeds/generator/random.ts';
import { readCalendar, readQueues } from '../../seeds/generator/reference.ts';
import { planShifts } from '../../seeds/generator/staffing.ts';
import { backOfficeGroup } from '../../seeds/generator/texts.ts';
import generateCommand from '../../cli/commands/generate.ts';
import { UserError } from '../../core/errors.ts';

const scratch = mkdtempSync(join(tmpdir(), 'ccmart-gen-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const read = (dir: string, file: string) => readFileSync(join(dir, file));

describe('random numbers', () => {
  it('repeat for the same seed and stream, and differ between streams', () => {
    const a = new Rng(7, 'x');
    const b = new Rng(7, 'x');
    const c = new Rng(7, 'y');
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('draw exponential, lognormal and Poisson values with the moments asked for', () => {
    const rng = new Rng(1, 'moments');
    const n = 200_000;
    // Standard errors: exponential mean 100 → 100/√n ≈ 0.22; Poisson mean 12 → √12/√n ≈ 0.008.
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rng.exponential(100);
    expect(Math.abs(sum / n - 100)).toBeLessThan(1.2);
    const logs = Array.from({ length: n }, () => rng.lognormal(150, 0.7)).sort((x, y) => x - y);
    expect(Math.abs(logs[n / 2]! / 150 - 1)).toBeLessThan(0.02);
    const counts = Array.from({ length: n }, () => rng.poisson(12));
    const mean = counts.reduce((x, y) => x + y, 0) / n;
    const variance = counts.reduce((x, y) => x + (y - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 12)).toBeLessThan(0.05);
    expect(Math.abs(variance - 12)).toBeLessThan(0.3);
  });
});

describe('staffing of the simulated center', () => {
  it('lays shifts that cover every open slot and stay inside the opening hours', () => {
    const need = Array.from({ length: 48 }, (_, s) => (s >= 16 && s < 44 ? Math.round(6 + 5 * Math.sin((s - 16) / 4)) : 0));
    const shifts = planShifts(need, 16, 44);
    const cover = new Array<number>(48).fill(0);
    for (const sh of shifts) {
      expect(sh.startSlot).toBeGreaterThanOrEqual(16);
      expect(sh.startSlot + sh.slots).toBeLessThanOrEqual(44);
      for (let s = sh.startSlot; s < sh.startSlot + sh.slots; s++) cover[s]!++;
    }
    for (let s = 16; s < 44; s++) expect(cover[s]).toBeGreaterThanOrEqual(need[s]!);
  });
});

describe('determinism', () => {
  it('same options and seed give the same bytes; another seed other bytes; --only acd the same ACD file', () => {
    const opts = { days: 2, contacts: 3_000, start: '2026-11-05' };
    const a = join(scratch, 'det-a');
    const b = join(scratch, 'det-b');
    const c = join(scratch, 'det-c');
    const d = join(scratch, 'det-d');
    generateDemoData({ ...opts, outDir: a, seed: 5 });
    generateDemoData({ ...opts, outDir: b, seed: 5 });
    generateDemoData({ ...opts, outDir: c, seed: 6 });
    generateDemoData({ ...opts, outDir: d, seed: 5, only: ['acd'] });
    for (const f of [...Object.values(fileNames), 'agents.csv', 'truth.json']) expect(read(b, f).equals(read(a, f)), f).toBe(true);
    for (const f of Object.values(fileNames)) expect(read(c, f).equals(read(a, f)), f).toBe(false);
    expect(read(d, fileNames.acd).equals(read(a, fileNames.acd))).toBe(true);
  });

  it('the bad rows are added to the clean rows, which stay the same and in order', () => {
    const clean = join(scratch, 'clean');
    const dirty = join(scratch, 'dirty');
    generateDemoData({ outDir: clean, days: 2, contacts: 4_000, seed: 3, dirty: 0 });
    const truth = generateDemoData({ outDir: dirty, days: 2, contacts: 4_000, seed: 3, dirty: 0.02 }).truth;
    for (const f of truth.files) {
      const cleanLines = read(clean, f.file).toString('utf8').trimEnd().split('\n');
      const dirtyLines = read(dirty, f.file).toString('utf8').trimEnd().split('\n');
      const header = f.source === 'bot' ? 0 : 1;
      expect(cleanLines.length - header, f.file).toBe(f.clean);
      expect(dirtyLines.length - header, f.file).toBe(f.rows);
      expect(f.rows - f.clean, f.file).toBeGreaterThan(0);
      // The clean file is a subsequence of the dirty one.
      let j = 0;
      for (const line of dirtyLines) if (j < cleanLines.length && line === cleanLines[j]) j++;
      expect(j, f.file).toBe(cleanLines.length);
    }
  });
});

describe('a week of demo data through the real ingest pipeline', () => {
  // Monday 2026-12-28 to Sunday 2027-01-03: four weekdays, New Year's Day (a holiday), a weekend.
  const dir = join(scratch, 'week');
  let truth: Truth;
  let db: Database;
  const results = new Map<Source, FileResult>();
  const rows = <T extends Record<string, unknown>>(sql: string) => queryRows<T>(db.conn, sql);
  const one = async <T extends Record<string, unknown>>(sql: string) => (await queryOne<T>(db.conn, sql))!;

  beforeAll(async () => {
    truth = generateDemoData({ outDir: dir, days: 7, contacts: 25_000, seed: 11, start: '2026-12-28' }).truth;
    db = await openDatabase(join(dir, 'demo.duckdb'));
    for (const f of truth.files) {
      const [r] = await ingestPath(db.conn, join(dir, f.file), { source: f.source as Source, timezone: 'Asia/Shanghai', dayFirst: false });
      results.set(f.source as Source, r!);
    }
  });
  afterAll(() => db?.close());

  it('hits the contact target and writes every file with bad rows of every kind', () => {
    const t = truth.totals;
    expect(Math.abs((t.contacts! + t.botSessions!) / 25_000 - 1)).toBeLessThan(0.08);
    expect(truth.files.map((f) => f.file).sort()).toEqual(Object.values(fileNames).sort());
    for (const f of truth.files) {
      const kinds = Object.keys(f.dirty);
      expect(kinds.length, f.file).toBe(f.source === 'acd' ? 8 : 7);
      // About 0.5 % of the rows.
      expect((f.rows - f.clean) / f.clean, f.file).toBeGreaterThan(0.002);
      expect((f.rows - f.clean) / f.clean, f.file).toBeLessThan(0.01);
    }
  });

  it('reconciles per file: rows read = loaded + rejected + duplicates, each as truth.json says', () => {
    for (const f of truth.files) {
      const r = results.get(f.source as Source)!;
      expect(r.status, f.file).toBe('loaded');
      expect(r.rowsRead, f.file).toBe(r.rowsLoaded + r.rowsRejected + r.rowsDuplicate);
      expect({ read: r.rowsRead, loaded: r.rowsLoaded, rejected: r.rowsRejected, duplicates: r.rowsDuplicate }, f.file).toEqual({
        read: f.rows,
        loaded: f.loaded,
        rejected: f.rejected,
        duplicates: f.duplicates,
      });
    }
  });

  it('every kind of bad row is rejected for its own reason, as many times as injected', async () => {
    const patterns: Record<string, string> = {
      missing_required: 'missing required value',
      bad_time: 'unparseable time',
      end_before_start: ' is before ',
      negative_value: '(negative duration|below minimum)',
      unknown_code: 'unknown code',
      conflicting_duplicate: 'conflicting duplicate',
      wrong_field_count: '(too few fields|too many fields|invalid JSON)',
    };
    for (const f of truth.files) {
      const got = await rows<{ reason: string }>(`SELECT reason FROM rejected_rows WHERE source = '${f.source}'`);
      for (const [kind, pattern] of Object.entries(patterns)) {
        const expected = f.dirty[kind as keyof typeof f.dirty] ?? 0;
        expect(got.filter((g) => new RegExp(pattern).test(g.reason)).length, `${f.file} ${kind}`).toBe(expected);
      }
    }
  });

  it('queue counts per day match truth.json when counted in SQL from the loaded rows', async () => {
    const days = await rows<{ date: string; offered: number; answered: number; abandoned: number; short: number; contacts: number; transfers: number; surveys: number; top2: number }>(`
      SELECT strftime(arrival_at, '%Y-%m-%d') AS date,
        count(*) FILTER (WHERE direction = 'inbound' AND queue_entry_at IS NOT NULL) AS offered,
        count(*) FILTER (WHERE direction = 'inbound' AND queue_entry_at IS NOT NULL AND answer_at IS NOT NULL) AS answered,
        count(*) FILTER (WHERE direction = 'inbound' AND queue_entry_at IS NOT NULL AND answer_at IS NULL) AS abandoned,
        count(*) FILTER (WHERE direction = 'inbound' AND queue_entry_at IS NOT NULL AND answer_at IS NULL AND epoch(end_at - queue_entry_at) < 5) AS short,
        count(DISTINCT contact_id) FILTER (WHERE leg_seq = 1) AS contacts,
        count(*) FILTER (WHERE transfer_to IS NOT NULL) AS transfers,
        count(csat) AS surveys, count(*) FILTER (WHERE csat >= 4) AS top2
      FROM raw_acd_contacts GROUP BY ALL ORDER BY date`);
    expect(days.map((d) => d.date)).toEqual(truth.days.filter((d) => (d.legs ?? 0) > 0).map((d) => d.date));
    for (const d of days) {
      const t = truth.days.find((x) => x.date === d.date)!;
      expect(d, d.date).toEqual({
        date: t.date,
        offered: t.offered,
        answered: t.answered,
        abandoned: t.abandoned,
        short: t.shortAbandoned,
        contacts: t.contacts,
        transfers: t.transfers,
        surveys: t.surveys,
        top2: t.surveysTop2,
      });
    }
    const total = await one<{ abandonShare: number }>(
      `SELECT count(*) FILTER (WHERE answer_at IS NULL) / count(*) AS abandonShare FROM raw_acd_contacts WHERE direction = 'inbound' AND queue_entry_at IS NOT NULL`,
    );
    expect(total.abandonShare).toBeCloseTo(truth.totals.abandoned! / truth.totals.offered!, 12);
    expect(truth.totals.top2Share).toBeCloseTo(truth.totals.surveysTop2! / truth.totals.surveys!, 12);
    // A realistic center: a few percent abandon, most survey answers in the top two boxes.
    expect(total.abandonShare).toBeGreaterThan(0.01);
    expect(total.abandonShare).toBeLessThan(0.15);
    expect(truth.totals.top2Share!).toBeGreaterThan(0.7);
    expect(truth.totals.surveys! / truth.totals.answered!).toBeGreaterThan(0.15);
    expect(truth.totals.surveys! / truth.totals.answered!).toBeLessThan(0.35);
  });

  it('service level and handle time per queue match truth.json, with the thresholds of seeds/queues.csv', async () => {
    const thresholds = readQueues().map((q) => `('${q.queueId}', ${q.slThresholdSeconds})`).join(', ');
    const queues = await rows<{ queue: string; offered: number; answered: number; within: number; wait: number; handle: number }>(`
      WITH t(queue, threshold) AS (VALUES ${thresholds})
      SELECT a.queue, count(*) AS offered, count(answer_at) AS answered,
        count(*) FILTER (WHERE epoch(answer_at - queue_entry_at) <= t.threshold) AS within,
        coalesce(sum(epoch(answer_at - queue_entry_at)), 0) AS wait,
        coalesce(sum(epoch(end_at - answer_at) + acw_seconds) FILTER (WHERE answer_at IS NOT NULL), 0) AS handle
      FROM raw_acd_contacts a JOIN t USING (queue)
      WHERE direction = 'inbound' AND queue_entry_at IS NOT NULL GROUP BY ALL ORDER BY 1`);
    expect(queues.map((q) => q.queue)).toEqual(Object.keys(truth.queues));
    for (const q of queues) {
      const t = truth.queues[q.queue]!;
      expect([q.offered, q.answered, q.within, q.wait, q.handle], q.queue).toEqual([t.offered, t.answered, t.answeredWithinThreshold, t.answeredWaitSeconds, t.handleSeconds]);
    }
    // Each queue has its own handle time: complaints take longer than account enquiries.
    const aht = (id: string) => truth.queues[id]!.handleSeconds / truth.queues[id]!.answered;
    expect(aht('complaint')).toBeGreaterThan(1.5 * aht('account'));
  });

  it('IVR outcomes follow the configured self-service rule; transfers and callbacks are where they should be', async () => {
    const ivr = await one<{ selfService: number; ivrAbandon: number }>(`
      SELECT count(*) FILTER (WHERE ivr_path LIKE '%>self_service_end' AND epoch(end_at - arrival_at) >= ${defaultConfig.ivrSelfServiceMinSeconds}) AS selfService,
             count(*) FILTER (WHERE NOT (ivr_path LIKE '%>self_service_end' AND epoch(end_at - arrival_at) >= ${defaultConfig.ivrSelfServiceMinSeconds})) AS ivrAbandon
      FROM raw_acd_contacts WHERE channel = 'voice' AND direction = 'inbound' AND queue_entry_at IS NULL`);
    expect(ivr).toEqual({ selfService: truth.totals.ivrSelfService, ivrAbandon: truth.totals.ivrAbandon });
    expect(ivr.selfService).toBeGreaterThan(0);
    const paths = (await rows<{ p: string }>(`SELECT DISTINCT ivr_path AS p FROM raw_acd_contacts WHERE ivr_path IS NOT NULL`)).map((r) => r.p);
    expect(paths).toContain('main>account>balance>self_service_end');
    expect(paths).toContain('main>card>agent');
    // Every transferred leg has a next leg, in the queue it was transferred to.
    const transfers = await one<{ n: number; matched: number; sameQueue: number }>(`
      SELECT count(*) AS n, count(b.contact_id) AS matched, count(*) FILTER (WHERE b.queue = a.queue) AS sameQueue
      FROM raw_acd_contacts a LEFT JOIN raw_acd_contacts b ON b.contact_id = a.contact_id AND b.leg_seq = a.leg_seq + 1 AND b.queue = a.transfer_to AND b.arrival_at >= a.end_at
      WHERE a.transfer_to IS NOT NULL`);
    expect(transfers).toEqual({ n: truth.totals.transfers, matched: truth.totals.transfers, sameQueue: 0 });
    expect(transfers.n).toBeGreaterThan(0);
    // Callbacks go out to customers who abandoned the same queue shortly before.
    const callbacks = await one<{ n: number; afterAbandon: number }>(`
      SELECT count(*) AS n, count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM raw_acd_contacts a WHERE a.customer_id = c.customer_id AND a.queue = c.queue AND a.answer_at IS NULL
          AND a.direction = 'inbound' AND a.end_at <= c.arrival_at AND a.end_at > c.arrival_at - INTERVAL 1 DAY)) AS afterAbandon
      FROM raw_acd_contacts c WHERE c.direction = 'outbound'`);
    expect(callbacks.n).toBe(truth.totals.callbacks);
    expect(callbacks.afterAbandon).toBe(callbacks.n);
    expect((await one<{ n: number }>(`SELECT count(*) AS n FROM raw_acd_contacts WHERE direction = 'outbound' AND channel <> 'callback'`)).n).toBe(0);
  });

  it('has daily, weekly and holiday seasonality', async () => {
    const hours = await rows<{ h: number; n: number }>(`SELECT hour(arrival_at) AS h, count(*) AS n FROM raw_acd_contacts WHERE channel = 'voice' AND direction = 'inbound' AND leg_seq = 1 GROUP BY 1`);
    const at = (h: number) => hours.find((r) => r.h === h)?.n ?? 0;
    expect(at(10)).toBeGreaterThan(5 * at(3));
    expect(at(15)).toBeGreaterThan(3 * at(22));
    const byDay = await rows<{ d: string; n: number }>(
      `SELECT strftime(arrival_at, '%Y-%m-%d') AS d, count(*) AS n FROM raw_acd_contacts WHERE channel = 'voice' AND direction = 'inbound' AND leg_seq = 1 GROUP BY 1`,
    );
    const n = (d: string) => byDay.find((r) => r.d === d)?.n ?? 0;
    const weekdays = (n('2026-12-28') + n('2026-12-29') + n('2026-12-30') + n('2026-12-31')) / 4;
    expect(readCalendar().get('2027-01-01')?.kind).toBe('holiday');
    expect(weekdays).toBeGreaterThan(1.3 * ((n('2027-01-02') + n('2027-01-03')) / 2));
    expect(n('2027-01-01')).toBeLessThan(0.7 * weekdays);
  });

  it('queues are first come, first served; abandonment follows the exponential patience of each queue', async () => {
    // Within a queue, no contact is answered before one that entered earlier and was answered too.
    const overtaken = await one<{ n: number }>(`
      SELECT count(*) AS n FROM (
        SELECT answer_at, max(answer_at) OVER (PARTITION BY queue ORDER BY queue_entry_at, answer_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
        FROM raw_acd_contacts WHERE direction = 'inbound' AND answer_at IS NOT NULL) WHERE answer_at < before`);
    expect(overtaken.n).toBe(0);
    // With exponential patience, abandons ÷ total waiting time estimates 1/mean patience (Erlang A's θ).
    for (const id of ['credit_card', 'account', 'complaint']) {
      const mean = profiles.find((p) => p.queueId === id)!.patienceMean;
      const r = await one<{ abandons: number; waited: number }>(`
        SELECT count(*) FILTER (WHERE answer_at IS NULL) AS abandons, sum(epoch(coalesce(answer_at, end_at) - queue_entry_at)) AS waited
        FROM raw_acd_contacts WHERE queue = '${id}' AND direction = 'inbound' AND leg_seq = 1 AND channel = 'voice' AND queue_entry_at IS NOT NULL`);
      expect(r.abandons, id).toBeGreaterThan(40);
      // Relative standard error is 1/√abandons (< 16 % here): allow 3 of them.
      expect(Math.abs((r.abandons / r.waited) * mean - 1), id).toBeLessThan(3 / Math.sqrt(r.abandons));
    }
  });

  it('agent states agree with the contacts: talking during them, acw after, no overlaps, breaks and lunch', async () => {
    const end = truth.period.end;
    const overlaps = await one<{ n: number }>(`
      SELECT count(*) AS n FROM (SELECT start_at, lag(end_at) OVER (PARTITION BY agent ORDER BY start_at) AS prev FROM raw_agent_states) WHERE start_at < prev`);
    expect(overlaps.n).toBe(0);
    const work = await one<{ legs: number; talking: number; acw: number }>(`
      WITH legs AS (SELECT * FROM raw_acd_contacts WHERE agent IS NOT NULL AND coalesce(answer_at, end_at) < TIMESTAMP '${end}')
      SELECT count(*) AS legs,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM raw_agent_states s WHERE s.agent = l.agent AND s.state = 'talking'
          AND s.start_at <= coalesce(l.answer_at, l.end_at) AND s.end_at = l.end_at)) AS talking,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM raw_agent_states s WHERE s.agent = l.agent AND s.state = 'acw'
          AND s.start_at = l.end_at AND epoch(s.end_at - s.start_at) = l.acw_seconds)) AS acw
      FROM legs l`);
    expect(work.legs).toBeGreaterThan(1000);
    expect(work).toEqual({ legs: work.legs, talking: work.legs, acw: work.legs });
    const reasons = (await rows<{ r: string }>(`SELECT DISTINCT reason AS r FROM raw_agent_states WHERE state = 'not_ready'`)).map((x) => x.r);
    for (const r of ['break', 'lunch', 'training']) expect(reasons).toContain(r);
    // Every agent of the ACD log is in the state log, and only agents of the roster are.
    const unknown = await one<{ n: number }>(`SELECT count(DISTINCT agent) AS n FROM raw_acd_contacts WHERE agent IS NOT NULL AND agent NOT IN (SELECT agent FROM raw_agent_states)`);
    expect(unknown.n).toBe(0);
  });

  it('bot sessions: containment and hand-offs to the chat queue as truth.json says', async () => {
    const bot = await one<{ sessions: number; escalated: number; userTurns: number; fallbacks: number }>(`
      SELECT count(DISTINCT session_id) AS sessions, count(DISTINCT session_id) FILTER (WHERE escalation_to IS NOT NULL) AS escalated,
        count(*) FILTER (WHERE speaker = 'user') AS userTurns, count(*) FILTER (WHERE fallback) AS fallbacks FROM raw_bot_turns`);
    expect(bot).toEqual({ sessions: truth.totals.botSessions, escalated: truth.totals.botEscalated, userTurns: truth.totals.botUserTurns, fallbacks: truth.totals.botFallbackTurns });
    expect(truth.totals.botContained).toBe(bot.sessions - bot.escalated);
    const fallbackRate = bot.fallbacks / bot.userTurns;
    expect(fallbackRate).toBeGreaterThan(0.03);
    expect(fallbackRate).toBeLessThan(0.25);
    // Each hand-off is an ACD contact in the chat queue seconds later, of the same customer.
    const handoffs = await one<{ n: number; found: number }>(`
      SELECT count(*) AS n, count(a.contact_id) AS found FROM raw_bot_turns b
      LEFT JOIN raw_acd_contacts a ON a.contact_id = b.contact_id AND a.queue = b.escalation_to AND a.channel = b.channel
        AND a.arrival_at BETWEEN b.event_at AND b.event_at + INTERVAL 5 SECOND AND a.customer_id IS NOT DISTINCT FROM b.customer_id
      WHERE b.escalation_to IS NOT NULL`);
    expect(handoffs).toEqual({ n: bot.escalated, found: bot.escalated });
  });

  it('tickets: lifecycle statuses, contacts behind them, due times from priority', async () => {
    const t = await one<{ tickets: number; reopened: number; orphans: number; badDue: number }>(`
      SELECT count(*) FILTER (WHERE event_type = 'created') AS tickets, count(*) FILTER (WHERE status = 'reopened') AS reopened,
        (SELECT count(*) FROM raw_ticket_events e WHERE e.contact_id IS NOT NULL AND e.contact_id NOT IN (SELECT contact_id FROM raw_acd_contacts)) AS orphans,
        count(*) FILTER (WHERE event_type = 'created' AND epoch(due_at - event_at) <> CASE priority WHEN 'P1' THEN 4 WHEN 'P2' THEN 24 WHEN 'P3' THEN 48 ELSE 72 END * 3600) AS badDue
      FROM raw_ticket_events`);
    expect(t).toEqual({ tickets: truth.totals.tickets, reopened: truth.totals.ticketsReopened, orphans: 0, badDue: 0 });
    expect(t.reopened).toBeGreaterThan(0);
    const statuses = (await rows<{ s: string }>(`SELECT DISTINCT status AS s FROM raw_ticket_events ORDER BY 1`)).map((r) => r.s);
    expect(statuses).toEqual(['closed', 'new', 'open', 'pending', 'reopened', 'resolved']);
    // Status order within a ticket: new first, closed last.
    const misordered = await one<{ n: number }>(`
      SELECT count(*) AS n FROM (SELECT ticket_id, arg_min(status, event_at) AS first, arg_max(status, event_at) AS last, bool_or(status = 'closed') AS closed FROM raw_ticket_events GROUP BY 1)
      WHERE first <> 'new' OR (closed AND last <> 'closed')`);
    expect(misordered.n).toBe(0);
  });

  it('customers come back within days; some callers are unidentified', async () => {
    const r = await one<{ repeats: number; unidentified: number; voice: number }>(`
      SELECT (SELECT count(*) FROM (SELECT customer_id, arrival_at, lead(arrival_at) OVER (PARTITION BY customer_id ORDER BY arrival_at) AS next
                FROM raw_acd_contacts WHERE customer_id IS NOT NULL AND leg_seq = 1 AND direction = 'inbound')
              WHERE next <= arrival_at + INTERVAL 3 DAY) AS repeats,
        count(*) FILTER (WHERE customer_id IS NULL) AS unidentified, count(*) AS voice
      FROM raw_acd_contacts WHERE channel = 'voice' AND leg_seq = 1`);
    expect(r.repeats / r.voice).toBeGreaterThan(0.03);
    expect(r.unidentified / r.voice).toBeGreaterThan(0.05);
    expect(r.unidentified / r.voice).toBeLessThan(0.2);
  });

  it('Chinese names round-trip: ticket groups, bot texts and the agent roster', async () => {
    const groups = (await rows<{ g: string }>(`SELECT DISTINCT group_name AS g FROM raw_ticket_events ORDER BY 1`)).map((r) => r.g);
    const expected = new Set([...profiles.map((p) => p.ticketGroup), backOfficeGroup]);
    expect(groups.length).toBeGreaterThan(4);
    for (const g of groups) expect(expected.has(g), g).toBe(true);
    expect(groups).toContain('投诉处理组');
    // Texts read back from the database equal the texts in the file, byte for byte.
    const lines = read(dir, fileNames.bot).toString('utf8').split('\n').slice(0, 400);
    const fromFile = new Map<string, string>();
    for (const line of lines) {
      try {
        const o = JSON.parse(line) as { session_id?: string; turn_seq?: number; text?: string };
        // The first line of a key is the one that loads; a spoiled copy may follow it.
        const k = `${o.session_id}/${o.turn_seq}`;
        if (o.session_id && typeof o.turn_seq === 'number' && o.turn_seq > 0 && o.text && !fromFile.has(k)) fromFile.set(k, o.text);
      } catch {
        // a spoiled line
      }
    }
    const fromDb = await rows<{ k: string; text: string }>(`SELECT session_id || '/' || turn_seq AS k, text FROM raw_bot_turns`);
    const db = new Map(fromDb.map((r) => [r.k, r.text]));
    let compared = 0;
    for (const [k, text] of fromFile) {
      if (!db.has(k)) continue;
      compared++;
      if (db.get(k) !== text) expect(`${k}: ${db.get(k)}`).toBe(`${k}: ${text}`);
    }
    expect(compared).toBeGreaterThan(300);
    expect([...fromFile.values()].some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    const roster = read(dir, 'agents.csv').toString('utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(roster.length).toBe(truth.agents);
    for (const [id, name] of roster) {
      expect(id).toMatch(/^[AB]\d{3,}$/);
      expect(name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
    }
    expect(new Set(roster.map((r) => r[1])).size).toBe(roster.length);
  });
});

describe('ccmart generate', () => {
  it('writes the files and reports them; bad flags are user errors', async () => {
    const out = join(scratch, 'cli');
    const logs: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void logs.push(args.join(' '));
    try {
      expect(await generateCommand.run(['--out', out, '--days', '1', '--contacts', '800', '--only', 'acd,bot', '--dirty', '0'])).toBe(0);
    } finally {
      console.log = log;
    }
    const truth = JSON.parse(read(out, 'truth.json').toString('utf8')) as Truth;
    expect(truth.files.map((f) => f.file)).toEqual([fileNames.acd, fileNames.bot]);
    expect(truth.totals.tickets).toBeUndefined();
    expect(logs.join('\n')).toContain(`${fileNames.acd}`);
    expect(logs.join('\n')).toMatch(/done in/);
    await expect(generateCommand.run(['--out', out, '--only', 'acd,calls'])).rejects.toThrow(UserError);
    await expect(generateCommand.run(['--out', out, '--days', 'two'])).rejects.toThrow(/--days/);
    await expect(generateCommand.run(['--out', out, '--start', '2026-13-01'])).rejects.toThrow(/--start/);
    await expect(generateCommand.run(['--days', '2'])).rejects.toThrow(/--out is required/);
  });
});
