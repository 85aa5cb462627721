/**
 * `--memory-limit` of build and refresh: a bad size is refused before anything is opened, and the limit given
 * is the one DuckDB works under (a limit far too small for the marts makes the build fail with a clear message
 * and leaves the last build in place).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refreshFixture, type RefreshFixture } from '../reliability/harness.ts';

const bin = fileURLToPath(new URL('../../bin/ccmart.js', import.meta.url));
const ccmart = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

let dir: string;
let fixture: RefreshFixture;
let dbPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccmart-memory-'));
  fixture = refreshFixture(dir, { days: 6, contacts: 1500, cut: '2026-11-06' });
  dbPath = join(dir, 'marts.duckdb');
  const first = ccmart('refresh', '--db', dbPath, '--inbox', fixture.inbox, '--memory-limit', '1GB');
  expect(first.status, first.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--memory-limit', () => {
  it('refuses a size it cannot read, for build and refresh, before touching the database', () => {
    const before = readFileSync(dbPath);
    for (const command of ['build', 'refresh']) {
      const r = ccmart(command, '--db', dbPath, '--memory-limit', 'lots');
      expect(r.status, command).toBe(2);
      expect(r.stderr).toContain('--memory-limit: expected a size such as 3GB or 500MB, got "lots"');
    }
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });

  it('is the limit the build works under: far too small, the build stops with a clear message and keeps the last build', () => {
    const before = statSync(dbPath).mtimeMs;
    const small = ccmart('build', '--db', dbPath, '--full', '--memory-limit', '1MB');
    expect(small.status).toBe(1);
    // a clear message, not a crash report, whether a model or the build's bookkeeping ran out
    expect(small.stderr).toMatch(/^ccmart build: (model \w+ failed: )?Out of Memory Error: .*try a larger --memory-limit/m);
    expect(small.stderr).not.toContain('unexpected error');
    // the previous build still answers
    const sql = ccmart('sql', '--db', dbPath, 'SELECT count(*) AS n FROM fct_touchpoint');
    expect(sql.status, sql.stderr).toBe(0);
    expect(Number(/\d+/.exec(sql.stdout.split('\n').slice(1).join(' '))?.[0])).toBeGreaterThan(100);
    const enough = ccmart('build', '--db', dbPath, '--full', '--memory-limit', '500MB');
    expect(enough.status, enough.stderr).toBe(0);
    expect(statSync(dbPath).mtimeMs).toBeGreaterThanOrEqual(before);
  }, 120_000);

  it('applies to a refresh: far too small, the refresh fails and the served file is unchanged', () => {
    const before = readFileSync(dbPath);
    const r = ccmart('refresh', '--db', dbPath, '--inbox', fixture.inbox, '--memory-limit', '1MB');
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/memory/i);
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  }, 120_000);
});
