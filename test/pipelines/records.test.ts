/**
 * readRecords finds records the way DuckDB's CSV reader splits them: a newline inside a quoted field does not end
 * a record, a quote in the middle of an unquoted field is a plain character, a doubled quote stays inside the
 * field. Checked on generated records whose boundaries the test knows, read in chunks as small as one byte so
 * every state is cut at a chunk boundary somewhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../pipelines/readers/records.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccmart-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Random records of 1–5 fields: plain, quoted with commas/newlines/doubled quotes, or with a stray quote inside. */
function records(n: number, seed: number): string[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const field = () => {
    const x = rnd();
    if (x < 0.4) return `v${Math.floor(rnd() * 1000)}`;
    if (x < 0.55) return '';
    if (x < 0.75) return `"a,b\n${'"'.repeat(2 * Math.floor(rnd() * 2))}c\r\nd"`;
    if (x < 0.9) return `ab"cd`;
    return `""`;
  };
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, field).join(','));
}

async function read(path: string, wanted: number[], chunk: number): Promise<Map<number, string>> {
  const got = new Map<number, string>();
  await readRecords(path, new Set(wanted), '"', (line, text) => got.set(line, text), ',', chunk);
  return got;
}

describe('readRecords', () => {
  const recs = records(400, 11);
  const path = join(dir, 'records.csv');
  writeFileSync(path, `${recs.join('\n')}\n`);

  it.each([1, 2, 3, 7, 64, 1 << 20])('returns every record intact when read in %i-byte chunks', async (chunk) => {
    const all = recs.map((_, i) => i + 1);
    const got = await read(path, all, chunk);
    expect([...got.keys()]).toEqual(all);
    for (const [line, text] of got) expect(text).toBe(recs[line - 1]);
  });

  it('stops after the last wanted record and handles a file without a final newline', async () => {
    const last = join(dir, 'no-final-newline.csv');
    writeFileSync(last, 'a,b\n"x\ny",z\nlast,"open');
    expect(await read(last, [2, 3], 2)).toEqual(
      new Map([
        [2, '"x\ny",z'],
        [3, 'last,"open'],
      ]),
    );
    expect(await read(path, [5], 3)).toEqual(new Map([[5, recs[4]]]));
  });
});
