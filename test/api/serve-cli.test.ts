/** `ccmart serve`: refuses a missing database, serves a built one on the printed URL, stops on SIGTERM. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureDb, cleanup, tempDir } from './helpers.ts';

const bin = fileURLToPath(new URL('../../bin/ccmart.js', import.meta.url));
let dir: string;
let dbPath: string;

beforeAll(async () => {
  dir = tempDir();
  dbPath = await buildFixtureDb(dir);
});

afterAll(() => cleanup(dir));

describe('ccmart serve', () => {
  it('refuses a missing database file and a bad port with a clear message', () => {
    const missing = spawnSync('node', [bin, 'serve', '--db', join(dir, 'missing.duckdb')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('missing.duckdb does not exist');
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack
    const port = spawnSync('node', [bin, 'serve', '--db', dbPath, '--port', '99999'], { encoding: 'utf8' });
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port');
    const none = spawnSync('node', [bin, 'serve'], { encoding: 'utf8' });
    expect(none.stderr).toContain('--db is required');
  });

  it('prints the URL, answers on it, and stops cleanly on SIGTERM', async () => {
    const child = spawn('node', [bin, 'serve', '--db', dbPath, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const health = await fetch(new URL('api/health', url));
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('stopped');
  });
});
