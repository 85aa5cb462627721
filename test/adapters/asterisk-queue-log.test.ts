import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, rejectedRows } from './harness.ts';

const leg = (values: Record<string, string | null>) => blank('acd', { leg_seq: '1', channel: 'voice', direction: 'inbound', hold_seconds: '0.0', acw_seconds: '0.0', ...values });
const state = (values: Record<string, string | null>) => blank('agent-states', values);

// Epoch 1700000000 is 2023-11-14 22:13:20 UTC, 2023-11-15 06:13:20 in Shanghai.
describe('asterisk-queue-log fixture (times shown in Asia/Shanghai)', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('asterisk_queue_log'), 'asterisk-queue-log', 'Asia/Shanghai');
  });
  afterAll(() => t.close());

  test('one contact leg per call per queue: a transfer then a new queue is leg 2, which abandons', async () => {
    expect(await loadedRows(t.db, 'acd')).toEqual([
      leg({ contact_id: '1700000100.1', customer_id: '+15551230001', queue: 'support', agent: 'SIP/alice', arrival_at: '2023-11-15 06:15:00', queue_entry_at: '2023-11-15 06:15:00', answer_at: '2023-11-15 06:15:10', end_at: '2023-11-15 06:20:00', outcome: 'answered', transfer_to: 'sales', _line: '5' }),
      leg({ contact_id: '1700000100.1', leg_seq: '2', customer_id: '+15551230001', queue: 'sales', arrival_at: '2023-11-15 06:20:02', queue_entry_at: '2023-11-15 06:20:02', end_at: '2023-11-15 06:21:00', outcome: 'abandoned', _line: '9' }),
      leg({ contact_id: '1700000600.3', customer_id: '+15551230002', queue: 'support', agent: 'SIP/alice', arrival_at: '2023-11-15 06:23:20', queue_entry_at: '2023-11-15 06:23:20', answer_at: '2023-11-15 06:23:40', end_at: '2023-11-15 06:25:00', outcome: 'answered', _line: '13' }),
      leg({ contact_id: '1700000800.5', customer_id: 'anonymous', queue: 'support', arrival_at: '2023-11-15 06:26:40', queue_entry_at: '2023-11-15 06:26:40', end_at: '2023-11-15 06:27:10', outcome: 'failed', _line: '16' }),
      leg({ contact_id: '1700001200.7', customer_id: '+15551230003', queue: 'support', agent: 'SIP/bob', arrival_at: '2023-11-15 06:33:20', queue_entry_at: '2023-11-15 06:33:20', answer_at: '2023-11-15 06:33:30', end_at: '2023-11-15 06:35:00', outcome: 'answered', _line: '22' }),
    ]);
  });

  test('agent states: ready after login, talking during calls, not ready with the pause reason, logged out', async () => {
    const rows = await loadedRows(t.db, 'agent-states');
    const byAgent = (a: string) => rows.filter((r) => r.agent === a);
    expect(byAgent('SIP/alice')).toEqual([
      state({ agent: 'SIP/alice', state: 'ready', start_at: '2023-11-15 06:13:25', end_at: '2023-11-15 06:15:10', _line: '2' }),
      state({ agent: 'SIP/alice', state: 'talking', queue: 'support', start_at: '2023-11-15 06:15:10', end_at: '2023-11-15 06:20:00', _line: '7' }),
      state({ agent: 'SIP/alice', state: 'ready', start_at: '2023-11-15 06:20:00', end_at: '2023-11-15 06:23:40', _line: '8' }),
      state({ agent: 'SIP/alice', state: 'talking', queue: 'support', start_at: '2023-11-15 06:23:40', end_at: '2023-11-15 06:25:00', _line: '14' }),
      state({ agent: 'SIP/alice', state: 'ready', start_at: '2023-11-15 06:25:00', end_at: null, _line: '15' }),
    ]);
    expect(byAgent('SIP/bob')).toEqual([
      state({ agent: 'SIP/bob', state: 'ready', start_at: '2023-11-15 06:13:26', end_at: '2023-11-15 06:21:40', _line: '4' }),
      state({ agent: 'SIP/bob', state: 'not_ready', reason: 'lunch', start_at: '2023-11-15 06:21:40', end_at: '2023-11-15 06:30:00', _line: '11' }),
      state({ agent: 'SIP/bob', state: 'ready', start_at: '2023-11-15 06:30:00', end_at: '2023-11-15 06:33:30', _line: '19' }),
      state({ agent: 'SIP/bob', state: 'talking', queue: 'support', start_at: '2023-11-15 06:33:30', end_at: '2023-11-15 06:35:00', _line: '23' }),
      state({ agent: 'SIP/bob', state: 'ready', start_at: '2023-11-15 06:35:00', end_at: '2023-11-15 06:36:40', _line: '24' }),
      state({ agent: 'SIP/bob', state: 'logged_out', start_at: '2023-11-15 06:36:40', end_at: null, _line: '25' }),
    ]);
    expect(rows).toHaveLength(11);
  });

  test('orphans, unknown events and calls cut off by the end of the log are rejected; noise lines are consumed', async () => {
    expect((await rejectedRows(t.db)).map(({ source, line, reason }) => ({ source, line, reason }))).toEqual([
      { source: 'acd', line: 18, reason: 'CONNECT for call 1700000900.6 in queue support without an earlier ENTERQUEUE in that queue (the start of the call is not in this file)' },
      { source: 'acd', line: 26, reason: 'call 1700001500.9 is still in queue support when the log ends (no ABANDON, COMPLETE, EXIT or TRANSFER event)' },
      { source: 'acd', line: 27, reason: 'unknown queue_log event "FOOBAR"' },
    ]);
    await expectReconciled(t.db, results);
    expect(results.map((r) => [r.source, r.rowsRead])).toEqual([
      ['agent-states', 11],
      ['acd', 8],
    ]);
  });
});
