import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../core/db.ts';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, realdata, rejectedRows } from './harness.ts';

const turn = (values: Record<string, string | null>) =>
  blank('bot', { session_id: 'a1000000000000000000000000000001', customer_id: '5f1e0c9a', channel: 'voice', event_at: '2019-06-03 10:00:05.250', fallback: 'false', _line: '1', ...values });

describe('getgoing fixture (the bot is in Pittsburgh: America/New_York)', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('getgoing_logs'), 'getgoing', 'America/New_York');
  });
  afterAll(() => t.close());

  test('one session per call folder with a log.json; turns in history order between start and end', async () => {
    expect(await loadedRows(t.db, 'bot')).toEqual([
      turn({ turn_seq: '0', speaker: 'system', text: 'call started' }),
      turn({ turn_seq: '1', speaker: 'bot', text: 'Welcome to CMU GetGoing. Where are you leaving from?' }),
      turn({ turn_seq: '2', speaker: 'user', text: 'frobnitz square', fallback: 'true' }),
      turn({ turn_seq: '3', speaker: 'bot', text: 'I am having difficulty understanding. Please try giving a nearby street corner or monument. Where are you leaving from?' }),
      turn({ turn_seq: '4', speaker: 'user', text: 'forbes and murray' }),
      turn({ turn_seq: '5', speaker: 'bot', text: 'Okay, leaving from forbes avenue at murray avenue.' }),
      turn({ turn_seq: '6', speaker: 'bot', text: null }),
      // No caller speech since the last prompt: the not-understood prompt itself is the fallback.
      turn({ turn_seq: '7', speaker: 'bot', text: "Sorry I can't understand, please say UPMC Presby, UPMC Montefiore, Kaufmann, or Falk Clinic.", fallback: 'true' }),
      turn({ turn_seq: '8', speaker: 'user', text: 'thank you' }),
      turn({ turn_seq: '9', speaker: 'system', text: 'call ended', event_at: '2019-06-03 10:02:35.250' }),
      // No metadata.json: the log's wall-clock times are read in the zone given, and no caller is known.
      turn({ session_id: 'c3000000000000000000000000000003', customer_id: null, turn_seq: '0', speaker: 'system', text: 'call started', event_at: '2019-12-01 20:15:00', _line: '3' }),
      turn({ session_id: 'c3000000000000000000000000000003', customer_id: null, turn_seq: '1', speaker: 'system', text: 'call ended', event_at: '2019-12-01 20:15:09', _line: '3' }),
    ]);
  });

  test('metadata-only folders and unknown history entries are reported as rejected', async () => {
    expect((await rejectedRows(t.db)).map(({ line, field, reason, raw }) => ({ line, field, reason, raw }))).toEqual([
      { line: 1, field: 'speaker', reason: 'history entry is neither a TTS prompt nor USER speech', raw: 'a1000000000000000000000000000001: dummy message' },
      {
        line: 2,
        field: null,
        reason: 'call folder b2000000000000000000000000000002 has metadata.json but no log.json: no turns were recorded',
        raw: 'b2000000000000000000000000000002: {"uuid":"b2000000000000000000000000000002","number":"77aa01","time":"2019-06-04T16:30:00.000Z"}',
      },
    ]);
    await expectReconciled(t.db, results);
  });
});

describe('getgoing on the real GetGoing logs', () => {
  let t: TestDb;
  let results: FileResult[];
  const logs = realdata('bot-getgoing-2019', 'logs');
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, logs, 'getgoing', 'America/New_York');
  });
  afterAll(() => t.close());

  test('837 sessions from the folders with a log.json; the 94 metadata-only folders are reported', async () => {
    const folders = readdirSync(logs);
    const withLog = folders.filter((f) => existsSync(join(logs, f, 'log.json')));
    expect(folders.length).toBe(931);
    expect(withLog.length).toBe(837);
    const [got] = await queryRows<{ sessions: number }>(t.db.conn, 'SELECT count(DISTINCT session_id) AS sessions FROM raw_bot_turns');
    expect(got!.sessions).toBe(837);
    const metadataOnly = (await rejectedRows(t.db)).filter((r) => r.reason.includes('no log.json'));
    expect(metadataOnly.length).toBe(folders.length - withLog.length);
  });

  test('turns = TTS and USER entries + start and end; user turns = USER entries; read = loaded + rejected', async () => {
    let prompts = 0;
    let speech = 0;
    let other = 0;
    for (const f of readdirSync(logs)) {
      const p = join(logs, f, 'log.json');
      if (!existsSync(p)) continue;
      for (const h of JSON.parse(readFileSync(p, 'utf8')).history as string[]) {
        if (/^TTS(\s|$)/.test(h)) prompts++;
        else if (/^USER(\s|$)/.test(h)) speech++;
        else other++;
      }
    }
    const [got] = await queryRows<{ turns: number; user: number; bot: number }>(
      t.db.conn,
      `SELECT count(*) AS turns, count(*) FILTER (WHERE speaker = 'user') AS user, count(*) FILTER (WHERE speaker = 'bot') AS bot FROM raw_bot_turns`,
    );
    expect(got).toEqual({ turns: prompts + speech + 2 * 837, user: speech, bot: prompts });
    expect(results[0]!.rowsRead).toBe(prompts + speech + 2 * 837 + other + 94);
    await expectReconciled(t.db, results);
  });
});
