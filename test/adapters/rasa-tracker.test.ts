import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, rejectedRows } from './harness.ts';

const web = (values: Record<string, string | null>) => blank('bot', { session_id: 'web-7f3a', customer_id: 'web-7f3a', channel: 'chat', fallback: 'false', _line: '2', ...values });
const phone = (values: Record<string, string | null>) =>
  blank('bot', { session_id: '+8613900000009', customer_id: '+8613900000009', channel: 'sms', fallback: 'false', _line: '25', ...values });

describe('rasa-tracker fixture', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('rasa_trackers.json'), 'rasa-tracker', 'UTC', { 'handoff-queue': 'cards-team' });
  });
  afterAll(() => t.close());

  test('user and bot events become turns; fallbacks mark the user turn; a hand-off is a system turn', async () => {
    expect(await loadedRows(t.db, 'bot')).toEqual([
      web({ turn_seq: '1', event_at: '2024-03-04 09:00:05.500', speaker: 'user', text: 'hi', intent: 'greet', confidence: '0.97' }),
      web({ turn_seq: '2', event_at: '2024-03-04 09:00:05.750', speaker: 'bot', text: 'Hello! How can I help?' }),
      // nlu_fallback intent (and the fallback action after it) mark this user turn once.
      web({ turn_seq: '3', event_at: '2024-03-04 09:00:20', speaker: 'user', text: 'asdf qwer', intent: 'nlu_fallback', confidence: '0.31', fallback: 'true' }),
      web({ turn_seq: '4', event_at: '2024-03-04 09:00:20.250', speaker: 'bot', text: "Sorry, I didn't get that." }),
      // A confident-looking intent that the policy still answered with action_default_fallback.
      web({ turn_seq: '5', event_at: '2024-03-04 09:00:40', speaker: 'user', text: 'my card is blocked', intent: 'card_blocked', confidence: '0.64', fallback: 'true' }),
      web({ turn_seq: '6', event_at: '2024-03-04 09:00:40.300', speaker: 'bot', text: 'Let me connect you to a colleague.' }),
      web({ turn_seq: '7', event_at: '2024-03-04 09:00:40.500', speaker: 'system', text: 'action_handoff_to_human', escalation_to: 'cards-team' }),
      phone({ turn_seq: '1', event_at: '2024-03-05 00:53:21', speaker: 'user', text: 'balance', intent: 'check_balance', confidence: '0.99' }),
      phone({ turn_seq: '2', event_at: '2024-03-05 00:53:22', speaker: 'bot', text: 'Your balance is 120 yuan.' }),
      // A second session_started opens session 2; a fallback with no user turn to blame is its own turn.
      phone({ session_id: '+8613900000009:2', turn_seq: '1', event_at: '2024-03-06 01:53:20.500', speaker: 'system', text: 'action_default_fallback', fallback: 'true' }),
      phone({ session_id: '+8613900000009:2', turn_seq: '2', event_at: '2024-03-06 01:53:21', speaker: 'bot', text: "Sorry, I didn't get that." }),
    ]);
  });

  test('events without a timestamp and trackers without a sender are rejected', async () => {
    expect((await rejectedRows(t.db)).map(({ line, field, reason }) => ({ line, field, reason }))).toEqual([
      { line: 2, field: 'event_at', reason: 'user event without a numeric timestamp' },
      { line: 36, field: 'session_id', reason: 'no sender_id' },
    ]);
    await expectReconciled(t.db, results);
  });

  test('without handoff-queue the hand-off names its action; handoff-pattern can match nothing', async () => {
    const u = await openTestDb();
    try {
      await ingest(u.db, fixture('rasa_trackers.json'), 'rasa-tracker', 'UTC');
      expect((await loadedRows(u.db, 'bot')).filter((r) => r.escalation_to !== null).map((r) => r.escalation_to)).toEqual(['action_handoff_to_human']);
    } finally {
      u.close();
    }
    const v = await openTestDb();
    try {
      await ingest(v.db, fixture('rasa_trackers.json'), 'rasa-tracker', 'UTC', { 'handoff-pattern': '^transfer_' });
      const rows = await loadedRows(v.db, 'bot');
      expect(rows.filter((r) => r.escalation_to !== null)).toEqual([]);
      expect(rows).toHaveLength(10);
    } finally {
      v.close();
    }
  });
});
