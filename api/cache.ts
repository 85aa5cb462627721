/**
 * Answers kept in memory while the server runs. The database is opened read-only and, while it is open, no
 * other process can write to it (DuckDB allows one writer or many readers), so an answer computed from it
 * stays right as long as the server reads that file. A refresh puts a new file in place (api/db/live.ts):
 * keys carry the generation they were computed on, so no answer outlives its build. Least recently used
 * entries go first when the byte budget is spent.
 */
import type { MiddlewareHandler } from 'hono';

export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, value: V, bytes: number): void {
    if (bytes > this.maxBytes / 4) return; // one answer may not evict most of the others
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes && this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
      this.used -= e.bytes;
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.used -= e.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Which database generation a request reads (api/db/live.ts); constant for a server on one file. */
export type Scope = () => string | number;

/** Remembers the result of an async computation per key (failures are forgotten); off when `enabled` is false. */
export class Memo {
  private readonly cache = new LruCache<Promise<unknown>>(Number.MAX_SAFE_INTEGER, 256);

  constructor(
    private readonly enabled = true,
    private readonly scope: Scope = () => '',
  ) {}

  get<T>(name: string, compute: () => Promise<T>): Promise<T> {
    if (!this.enabled) return compute();
    const key = `${this.scope()}|${name}`;
    const known = this.cache.get(key) as Promise<T> | undefined;
    if (known) return known;
    const p = compute();
    this.cache.set(key, p, 1);
    p.catch(() => this.cache.delete(key));
    return p;
  }

  clear(): void {
    this.cache.clear();
  }
}

interface CachedAnswer {
  body: Uint8Array<ArrayBuffer>;
  headers: [string, string][];
}

export type AnswerCache = LruCache<CachedAnswer>;

export function newAnswerCache(maxBytes: number): AnswerCache {
  return new LruCache<CachedAnswer>(maxBytes);
}

/**
 * Serves repeated requests from memory: GETs the predicate accepts, and POSTs to the paths in `postPaths`
 * (endpoints whose answer depends only on the JSON body and the build, such as a what-if), keyed by the body as
 * sent. Only complete 200 JSON answers are kept.
 */
export function answerCache(cache: AnswerCache, cacheable: (path: string) => boolean, scope: Scope = () => '', postPaths: ReadonlySet<string> = new Set()): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const post = method === 'POST' && postPaths.has(c.req.path);
    if (!post && (method !== 'GET' || !cacheable(c.req.path))) return next();
    // the body stays readable for the handler: Hono keeps the text it read
    const body = post ? await c.req.text().catch(() => null) : '';
    if (body === null) return next();
    const key = `${scope()}|${method}|${c.req.url.slice(c.req.url.indexOf('/', 8))}${post ? `|${c.req.header('content-type') ?? ''}|${body}` : ''}`;
    const hit = cache.get(key);
    if (hit) return new Response(hit.body, { status: 200, headers: [...hit.headers, ['x-ccmart-cache', 'hit']] });
    await next();
    const res = c.res;
    if (res.status !== 200 || !(res.headers.get('content-type') ?? '').startsWith('application/json')) return;
    const answer = new Uint8Array(await res.clone().arrayBuffer());
    cache.set(key, { body: answer, headers: [...res.headers.entries()] }, answer.byteLength + key.length);
  };
}
