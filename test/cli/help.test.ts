import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}bin/ccmart.js`;

describe('ccmart --help', () => {
  it('lists every command with one line each', () => {
    const out = execFileSync('node', [bin, '--help'], { encoding: 'utf8' });
    const names = readdirSync(`${root}cli/commands`).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    for (const n of names) expect(out).toMatch(new RegExp(`^  ${n}\\s+\\S.*$`, 'm'));
  });

  it('answers an unknown command with exit code 2 and the list', () => {
    const r = spawnSync('node', [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it('names a bad flag', () => {
    const r = spawnSync('node', [bin, 'ingest', '--bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'--bogus'");
  });
});
