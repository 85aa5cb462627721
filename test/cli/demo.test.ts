/**
 * The main job end to end, as `npm start` runs it (with a smaller demo): generate, ingest, build, forecast,
 * schedule, then serve on 127.0.0.1 until interrupted.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/ccmart.js', import.meta.url));

describe('ccmart demo', () => {
  it('builds the demo database and serves the dashboards and API on 127.0.0.1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccmart-demo-'));
    const child = spawn('node', [bin, 'demo', '--dir', dir, '--days', '15', '--contacts', '12000', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          const m = /ccmart is ready in [\d.]+ s: open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`demo exited with ${code}\n${out}\n${err}`)));
      });
      for (const step of ['[1/6]', '[2/6]', '[3/6]', '[4/6]', '[5/6]', '[6/6]']) expect(out).toContain(step);
      expect(out).toContain('data tests: ');
      expect(out).not.toContain('FAILED');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const kpis = (await (await fetch(`${url}api/kpis?grain=day`)).json()) as { rows: { offered: number }[] };
      expect(kpis.rows.length).toBeGreaterThanOrEqual(14);
      expect(kpis.rows.reduce((a, r) => a + r.offered, 0)).toBeGreaterThan(1000);
      const staffing = (await (await fetch(`${url}api/staffing`)).json()) as { available: boolean };
      expect(staffing.available).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
