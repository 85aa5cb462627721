/** The answer cache: repeated GETs and what-ifs are served from memory with the same bytes; errors, health and SQL never are. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ApiApp } from '../../api/app.ts';
import { LruCache, Memo } from '../../api/cache.ts';
import { buildFixtureDb, cleanup, tempDir } from './helpers.ts';

let dir: string;
let cached: ApiApp;
let uncached: ApiApp;

beforeAll(async () => {
  dir = tempDir();
  const dbPath = await buildFixtureDb(dir);
  cached = createApp({ dbPath });
  uncached = createApp({ dbPath, cacheMegabytes: 0 });
});

afterAll(async () => {
  await Promise.all([cached?.close(), uncached?.close()]);
  cleanup(dir);
});

describe('answer cache', () => {
  it('serves a repeated GET from memory, byte for byte, with the security headers', async () => {
    const first = await cached.request('/api/kpis?grain=week&by=queue');
    expect(first.headers.get('x-ccmart-cache')).toBeNull();
    const again = await cached.request('/api/kpis?grain=week&by=queue');
    expect(again.headers.get('x-ccmart-cache')).toBe('hit');
    expect(again.headers.get('content-type')).toContain('application/json');
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await again.text()).toBe(await first.text());
    // another query string is another answer
    const other = await cached.request('/api/kpis?grain=week&by=channel');
    expect(other.headers.get('x-ccmart-cache')).toBeNull();
  });

  it('never keeps errors, health checks or analysts\' SQL', async () => {
    for (let i = 0; i < 2; i++) {
      const bad = await cached.request('/api/kpis?grain=year');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('x-ccmart-cache')).toBeNull();
      expect((await cached.request('/api/health')).headers.get('x-ccmart-cache')).toBeNull();
      const badWhatIf = await cached.request('/api/whatif', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sl_target": 2}' });
      expect(badWhatIf.status).toBe(400);
      expect(badWhatIf.headers.get('x-ccmart-cache')).toBeNull();
      const sql = await cached.request('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sql": "SELECT 1 AS x"}' });
      expect(sql.status).toBe(200);
      expect(sql.headers.get('x-ccmart-cache')).toBeNull();
    }
  });

  it('keeps a what-if answer per body: the same body again is a hit, another body is computed', async () => {
    const post = (body: object) => cached.request('/api/whatif', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const first = await post({ source: 'history', sl_target: 0.85 });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ccmart-cache')).toBeNull();
    const again = await post({ source: 'history', sl_target: 0.85 });
    expect(again.headers.get('x-ccmart-cache')).toBe('hit');
    const firstBody = (await first.json()) as { rows: { agents: number }[] };
    expect(await again.json()).toEqual(firstBody);
    const other = await post({ source: 'history', sl_target: 0.95 });
    expect(other.headers.get('x-ccmart-cache')).toBeNull();
    // a higher target needs at least as many agents in every interval: the answer is not the cached one
    const more = (await other.json()) as { rows: { agents: number }[] };
    expect(more.rows.reduce((a, r) => a + r.agents, 0)).toBeGreaterThan(firstBody.rows.reduce((a, r) => a + r.agents, 0));
    // the uncached server computes the same answer
    const computed = await uncached.request('/api/whatif', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'history', sl_target: 0.85 }) });
    expect(await computed.json()).toEqual(firstBody);
  });

  it('is off with cacheMegabytes 0, with the same answers', async () => {
    const a = await uncached.request('/api/flow');
    const b = await uncached.request('/api/flow');
    expect(b.headers.get('x-ccmart-cache')).toBeNull();
    expect(await b.text()).toBe(await a.text());
    expect(await (await cached.request('/api/flow')).text()).toBe(await (await uncached.request('/api/flow')).text());
  });
});

describe('LruCache and Memo', () => {
  it('evicts the least recently used entries past the byte budget', () => {
    const c = new LruCache<string>(100);
    c.set('a', 'A', 20);
    c.set('b', 'B', 20);
    c.set('c', 'C', 20);
    expect(c.get('a')).toBe('A'); // a is now the most recent
    c.set('d', 'D', 25);
    c.set('e', 'E', 25); // 110 bytes: b, the least recent, goes
    expect(c.get('b')).toBeUndefined();
    expect(['a', 'c', 'd', 'e'].map((k) => c.get(k))).toEqual(['A', 'C', 'D', 'E']);
    c.set('huge', 'H', 60); // more than a quarter of the budget: not kept
    expect(c.get('huge')).toBeUndefined();
  });

  it('computes once per key and forgets failures', async () => {
    const m = new Memo();
    let calls = 0;
    const compute = async () => ++calls;
    expect(await m.get('k', compute)).toBe(1);
    expect(await m.get('k', compute)).toBe(1);
    await expect(m.get('bad', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await new Promise((r) => setTimeout(r, 0));
    expect(await m.get('bad', compute)).toBe(2);
    const off = new Memo(false);
    expect(await off.get('k', compute)).toBe(3);
    expect(await off.get('k', compute)).toBe(4);
  });
});
