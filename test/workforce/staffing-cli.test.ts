import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Runs the real `ccmart staffing` command; resolves with its exit code and output. */
async function ccmart(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/ccmart.js', 'staffing', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ccmart staffing', () => {
  it('--json prints one object with the textbook Erlang C staffing', async () => {
    const r = await ccmart('--calls', '100', '--aht', '180', '--interval', '30', '--sl', '0.8', '--sl-seconds', '20', '--max-occupancy', '0.85', '--shrinkage', '0.3', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // 10 Erlangs: 14 agents (SL 0.8884, P(wait) 0.1741), 14 ÷ 0.7 = 20 FTE.
    expect(out).toMatchObject({ erlangs: 10, model: 'erlang-c', agents: 14, agentsErlangA: null, intervalSeconds: 1800, shrinkage: 0.3 });
    expect(out.fte).toBeCloseTo(20, 9);
    expect(out.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(out.pWait).toBeCloseTo(0.1741, 4);
    expect(out.targets).toMatchObject({ serviceLevel: 0.8, serviceLevelSeconds: 20, maxOccupancy: 0.85 });
  });

  it('--patience switches to Erlang A and prints both columns in the table', async () => {
    const json = await ccmart('--calls', '100', '--aht', '180', '--patience', '300', '--json');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ model: 'erlang-a', agentsErlangC: 14 });
    expect(out.agents).toBeLessThanOrEqual(14);
    expect(out.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(out.pAbandon).toBeGreaterThan(0);

    const table = await ccmart('--calls', '100', '--aht', '180', '--patience', '300');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Erlang C\s+Erlang A/);
    expect(table.stdout).toMatch(new RegExp(`agents required\\s+14\\s+${out.agents}\\b`));
    expect(table.stdout).toContain('10.00 Erlangs');
  });

  it('bad values fail with exit code 2 and name the flag', async () => {
    const sl = await ccmart('--calls', '100', '--aht', '180', '--sl', '1.5');
    expect(sl.code).toBe(2);
    expect(sl.stderr).toMatch(/^ccmart staffing: --sl: must be below 1/);
    const calls = await ccmart('--calls=-4', '--aht', '180');
    expect(calls.code).toBe(2);
    expect(calls.stderr).toContain('--calls: must be 0 or more');
    const missing = await ccmart('--calls', '100');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--aht is required');
  });
});
