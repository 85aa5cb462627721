import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FileResult } from '../../pipelines/ingest.ts';
import { type TestDb, blank, expectReconciled, fixture, ingest, loadedRows, openTestDb, rejectedRows } from './harness.ts';

const contact = (values: Record<string, string | null>) => blank('acd', { channel: 'voice', direction: 'inbound', ...values });

// CTR times are UTC; the center is in Shanghai (UTC+8).
describe('amazon-connect-ctr fixture', () => {
  let t: TestDb;
  let results: FileResult[];
  beforeAll(async () => {
    t = await openTestDb();
    results = await ingest(t.db, fixture('amazon_connect_ctr.jsonl'), 'amazon-connect-ctr', 'Asia/Shanghai', { 'disposition-attribute': 'wrap', 'csat-attribute': 'survey' });
  });
  afterAll(() => t.close());

  test('one leg per record; transfers and callbacks are later legs of the first contact', async () => {
    expect(await loadedRows(t.db, 'acd')).toEqual([
      // Agent transfer: c-0001 → c-0002 (InitiationMethod TRANSFER) is leg 2, and leg 1 names its queue.
      contact({ contact_id: 'c-0001', leg_seq: '1', customer_id: '+8613800000001', queue: 'billing', agent: 'li.na', arrival_at: '2024-03-04 17:00:00', ivr_entry_at: '2024-03-04 17:00:00', ivr_exit_at: '2024-03-04 17:00:40', queue_entry_at: '2024-03-04 17:00:40', answer_at: '2024-03-04 17:01:10', end_at: '2024-03-04 17:04:25', hold_seconds: '25.0', acw_seconds: '40.0', disposition: 'transferred', outcome: 'answered', transfer_to: 'cards', csat: '4.0', _line: '1' }),
      contact({ contact_id: 'c-0001', leg_seq: '2', customer_id: '+8613800000001', queue: 'cards', agent: 'wang.fang', arrival_at: '2024-03-04 17:04:20', queue_entry_at: '2024-03-04 17:04:25', answer_at: '2024-03-04 17:05:00', end_at: '2024-03-04 17:10:00', hold_seconds: '0.0', acw_seconds: '60.0', disposition: 'resolved', outcome: 'answered', csat: '5.0', _line: '2' }),
      // Queued, no agent, the customer hung up: abandoned. (Its identical second copy on line 9 is a duplicate.)
      contact({ contact_id: 'c-0003', leg_seq: '1', customer_id: '+8613800000002', queue: 'billing', arrival_at: '2024-03-04 18:00:00', ivr_entry_at: '2024-03-04 18:00:00', ivr_exit_at: '2024-03-04 18:00:30', queue_entry_at: '2024-03-04 18:00:30', end_at: '2024-03-04 18:02:30', hold_seconds: '0.0', acw_seconds: '0.0', outcome: 'abandoned', _line: '3' }),
      // Never queued: the flow ended it (self-service) / the caller left after 12 s (IVR abandon).
      contact({ contact_id: 'c-0004', leg_seq: '1', customer_id: '+8613800000003', arrival_at: '2024-03-04 18:10:00', ivr_entry_at: '2024-03-04 18:10:00', ivr_exit_at: '2024-03-04 18:10:45', end_at: '2024-03-04 18:10:45', hold_seconds: '0.0', acw_seconds: '0.0', outcome: 'self_service', _line: '4' }),
      contact({ contact_id: 'c-0005', leg_seq: '1', customer_id: '+8613800000004', arrival_at: '2024-03-04 18:20:00', ivr_entry_at: '2024-03-04 18:20:00', ivr_exit_at: '2024-03-04 18:20:12', end_at: '2024-03-04 18:20:12', hold_seconds: '0.0', acw_seconds: '0.0', outcome: 'ivr_abandon', _line: '5' }),
      // A chat started by API: no phone number.
      contact({ contact_id: 'c-0006', leg_seq: '1', channel: 'chat', queue: 'web-chat', agent: 'zhao.lei', arrival_at: '2024-03-04 19:00:00', queue_entry_at: '2024-03-04 19:00:20', answer_at: '2024-03-04 19:00:50', end_at: '2024-03-04 19:08:00', hold_seconds: '0.0', acw_seconds: '15.0', outcome: 'answered', _line: '6' }),
      // The caller chose a callback: leg 1 ends as callback, the callback is leg 2 (outbound).
      contact({ contact_id: 'c-0007', leg_seq: '1', customer_id: '+8613800000005', queue: 'billing', arrival_at: '2024-03-04 20:00:00', ivr_entry_at: '2024-03-04 20:00:00', ivr_exit_at: '2024-03-04 20:00:20', queue_entry_at: '2024-03-04 20:00:20', end_at: '2024-03-04 20:03:20', hold_seconds: '0.0', acw_seconds: '0.0', outcome: 'callback', _line: '7' }),
      contact({ contact_id: 'c-0007', leg_seq: '2', customer_id: '+8613800000005', channel: 'callback', direction: 'outbound', queue: 'billing', agent: 'li.na', arrival_at: '2024-03-04 20:03:20', queue_entry_at: '2024-03-04 20:03:20', answer_at: '2024-03-04 20:20:00', end_at: '2024-03-04 20:23:30', hold_seconds: '0.0', acw_seconds: '30.0', outcome: 'answered', _line: '8' }),
    ]);
  });

  test('older copies, broken chains and truncated JSON are rejected; identical copies count as duplicates', async () => {
    expect((await rejectedRows(t.db)).map(({ line, field, reason }) => ({ line, field, reason }))).toEqual([
      { line: 10, field: 'contact_id', reason: 'an older copy of contact c-0006: the copy on line 6 (LastUpdateTimestamp 2024-03-04T11:08:20Z) is the one loaded' },
      { line: 11, field: 'leg_seq', reason: 'previous contact c-0099 (PreviousContactId of c-0009) is not in this file, so the leg number is unknown: load the whole chain in one file' },
      { line: 12, field: null, reason: 'the file ends inside this record (truncated JSON)' },
    ]);
    await expectReconciled(t.db, results);
    expect(results.map((r) => [r.rowsRead, r.rowsLoaded, r.rowsRejected, r.rowsDuplicate])).toEqual([[12, 8, 3, 1]]);
  });
});

describe('amazon-connect-ctr input shapes', () => {
  test('a JSON array and back-to-back objects (Firehose) read the same as JSON Lines', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ctr-'));
    const a = { ContactId: 'x-1', Channel: 'VOICE', InitiationMethod: 'INBOUND', InitiationTimestamp: '2024-01-01T00:00:00Z', ConnectedToSystemTimestamp: '2024-01-01T00:00:00Z', Queue: { Name: 'q', EnqueueTimestamp: '2024-01-01T00:00:10Z' }, Agent: { Username: 'ann', ConnectedToAgentTimestamp: '2024-01-01T00:00:30Z' }, DisconnectTimestamp: '2024-01-01T00:05:00Z' };
    const b = { ...a, ContactId: 'x-2', Agent: null, DisconnectReason: 'CUSTOMER_DISCONNECT' };
    const pretty = JSON.stringify([a, b], null, 2);
    writeFileSync(join(dir, 'array.json'), pretty);
    // The second object's "{" is on the line before its ContactId (0-based index = 1-based line of the "{").
    const secondLine = String(pretty.split('\n').findIndex((l) => l.includes('"x-2"')));
    writeFileSync(join(dir, 'firehose'), JSON.stringify(a) + JSON.stringify(b));
    const t = await openTestDb();
    try {
      for (const f of ['array.json', 'firehose']) {
        const [r] = await ingest(t.db, join(dir, f), 'amazon-connect-ctr', 'UTC');
        expect([r!.rowsRead, r!.rowsLoaded, r!.rowsDuplicate]).toEqual(f === 'array.json' ? [2, 2, 0] : [2, 0, 2]);
      }
      const rows = await loadedRows(t.db, 'acd');
      expect(rows.map((r) => [r.contact_id, r.outcome, r._line])).toEqual([
        ['x-1', 'answered', '2'],
        ['x-2', 'abandoned', secondLine],
      ]);
    } finally {
      t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
