// Which rows an incremental build's unique test reads: only the rebuilt ones when rows equal on the tested
// columns cannot sit in different partitions (marts/datatests.ts keyWithin).
import { describe, expect, it } from 'vitest';
import { keyWithin } from '../../marts/datatests.ts';
import { loadProject } from '../../marts/project.ts';

const models = loadProject().models;
const change = (name: string) => {
  const m = models.find((x) => x.name === name)!;
  return { mode: 'partitions' as const, key: m.incremental!.key, columns: m.columns.map((c) => c.name) };
};

describe('a unique test in an incremental build', () => {
  it('reads only the rebuilt rows when the partition key is one of its columns', () => {
    expect(keyWithin(change('fct_node'), ['touchpoint_id', 'node_seq'])).toBe(true);
    expect(keyWithin(change('stg_acd_legs'), ['contact_id', 'leg_seq'])).toBe(true);
  });

  it('reads only the rebuilt rows when the partition key is computed from its columns alone', () => {
    // stg_agent_states is partitioned by started_at::date: equal started_at, equal day
    expect(change('stg_agent_states').key).toEqual(['started_at::date']);
    expect(keyWithin(change('stg_agent_states'), ['agent_id', 'started_at'])).toBe(true);
  });

  it('also reads the rows sharing their values when the key uses another column', () => {
    // a breakpoint id or a journey id could repeat in another touchpoint's or customer's partition
    expect(keyWithin(change('fct_breakpoint'), ['breakpoint_id'])).toBe(false);
    expect(keyWithin(change('fct_journey'), ['journey_id'])).toBe(false);
    expect(keyWithin(change('fct_touchpoint'), ['touchpoint_id'])).toBe(false);
    // a word of the key that is also a column (here the type name date) counts as that column
    expect(keyWithin({ ...change('stg_agent_states'), columns: [...change('stg_agent_states').columns, 'date'] }, ['agent_id', 'started_at'])).toBe(false);
  });
});
