import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { readDelimited } from '../../pipelines/adapters/csv.ts';
import { readJsonRecords } from '../../pipelines/adapters/json.ts';
import { adapters } from '../../pipelines/adapters/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccmart-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('delimited reader', () => {
  test('quotes, doubled quotes, line breaks inside quotes, CRLF, BOM and gzip', async () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\r\n3,,last';
    writeFileSync(join(dir, 'x.csv.gz'), gzipSync(text));
    const recs = await all(readDelimited(join(dir, 'x.csv.gz')));
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x, y', 'say "hi"']],
      [3, ['2', 'two\nlines', '']],
      [5, ['3', '', 'last']],
    ]);
    expect(recs[2]!.raw).toBe('2,"two\nlines",');
  });

  test('a file ending inside quotes is flagged', async () => {
    writeFileSync(join(dir, 'cut.csv'), 'a,b\n1,"never closed\n');
    const recs = await all(readDelimited(join(dir, 'cut.csv')));
    expect(recs.map((r) => r.unterminated)).toEqual([false, true]);
  });
});

describe('JSON record reader', () => {
  test('JSON Lines with a cut line recovers at the next line', async () => {
    writeFileSync(join(dir, 'x.jsonl'), '{"a":1}\n{"a":"cut\n{"a":3,"s":"}{"}\n');
    const recs = await all(readJsonRecords(join(dir, 'x.jsonl')));
    expect(recs.map((r) => [r.line, r.ok, r.ok ? r.value : r.reason])).toEqual([
      [1, true, { a: 1 }],
      [2, false, 'unterminated string (the record is cut or broken)'],
      [3, true, { a: 3, s: '}{' }],
    ]);
  });

  test('a pretty-printed array yields its elements with their first line; an unclosed array is reported', async () => {
    writeFileSync(join(dir, 'a.json'), '[\n  {"a": [1, 2]},\n  {\n    "b": {"c": "]"}\n  }\n]\n');
    expect((await all(readJsonRecords(join(dir, 'a.json')))).map((r) => [r.line, r.ok ? r.value : null])).toEqual([
      [2, { a: [1, 2] }],
      [3, { b: { c: ']' } }],
    ]);
    writeFileSync(join(dir, 'open.json'), '[{"a": 1},\n');
    const recs = await all(readJsonRecords(join(dir, 'open.json')));
    expect(recs.map((r) => (r.ok ? r.value : r.reason))).toEqual([{ a: 1 }, 'the JSON array is not closed (truncated file?)']);
  });
});

test('every format has a unique name, a summary and its feeds', () => {
  expect(adapters.map((a) => a.name)).toEqual(['technion', 'asterisk-queue-log', 'amazon-connect-ctr', 'servicenow', 'socrata-311', 'rasa-tracker', 'getgoing']);
  for (const a of adapters) {
    expect(a.summary.length).toBeGreaterThan(10);
    expect(a.sources.length).toBeGreaterThan(0);
  }
});
