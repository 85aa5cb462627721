// `npm run bench:api [-- --db FILE] [--duration 10] [--connections 10]`: load on the API with autocannon.
// Starts `ccmart serve` on 127.0.0.1 in a child process (so the load generator does not share its CPU time
// with the server's event loop) and measures the overview KPI endpoint and a what-if, printing requests per
// second and p50 / p99 latency against the 100 ms p99 target: the same request again and again (answered from the
// answer cache, as for dashboards opened by many people), a different request each time (every answer computed:
// other periods and queues, other what-if targets), both on the server as it starts, and for comparison with
// nothing kept at all (--cache-mb 0).
// The database: --db FILE, else the 10M-contact demo that `npm run bench:build` leaves in
// tmp/bench-build-10000000/, else (said so on the terminal) a small demo built here: `ccmart generate` data
// (28 days, 60,000 contacts) ingested, built and forecast.
import { spawnSync } from 'node:child_process';
import { startServe, stopServe } from './serve.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom as random } from '../workforce/forecast/synthetic.ts';

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  throughput: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
interface AutocannonRequest {
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** setupRequest changes each request before it is sent. */
  requests?: { setupRequest: (r: AutocannonRequest) => AutocannonRequest }[];
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'bin/ccmart.js');
const TARGET_P99_MS = 100;

const { values } = parseArgs({ options: { db: { type: 'string' }, duration: { type: 'string' }, connections: { type: 'string' } } });
const duration = Number(values.duration ?? 10);
const connections = Number(values.connections ?? 10);

async function demoDatabase(dir: string): Promise<string> {
  const { openDatabase } = await import('../core/db.ts');
  const { ingestPath } = await import('../pipelines/ingest.ts');
  const { buildMarts } = await import('../marts/build.ts');
  const { loadConfig } = await import('../core/config.ts');
  const dbPath = join(dir, 'bench-api.duckdb');
  const db = await openDatabase(dbPath);
  try {
    if (existsSync(join(root, 'cli/commands/generate.ts'))) {
      const logs = join(dir, 'logs');
      console.log('generating demo logs (28 days, 60,000 contacts) with ccmart generate…');
      const gen = spawnSync('node', [bin, 'generate', '--out', logs, '--days', '28', '--contacts', '60000', '--seed', '1'], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (gen.status !== 0) throw new Error('ccmart generate failed');
      const { fileNames, TIMEZONE } = await import('../seeds/generator/generate.ts');
      const config = loadConfig(undefined, { timezone: TIMEZONE });
      for (const [source, file] of [['acd', fileNames.acd], ['agent-states', fileNames['agent-states']], ['tickets', fileNames.tickets], ['bot', fileNames.bot]] as const) {
        await ingestPath(db.conn, join(logs, file), { source, timezone: config.timezone, dayFirst: false });
      }
      const build = await buildMarts(db.conn, config);
      if (build.failedModel) throw new Error(`model ${build.failedModel.name} failed`);
      const { planFromMarts } = await import('../workforce/plan.ts');
      await planFromMarts(db.conn, config, { horizonDays: 14, holdoutDays: 0, defaultShrinkage: 0.3 });
    } else {
      console.log('no generator: using the test fixtures');
      const fixtures = join(root, 'test/fixtures/marts');
      const config = loadConfig(undefined, {});
      for (const [file, source] of [['acd.csv', 'acd'], ['bot.jsonl', 'bot'], ['tickets.csv', 'tickets'], ['agent_states.csv', 'agent-states']] as const) {
        await ingestPath(db.conn, join(fixtures, file), { source, timezone: config.timezone, dayFirst: false });
      }
      const build = await buildMarts(db.conn, config);
      if (build.failedModel) throw new Error(`model ${build.failedModel.name} failed`);
    }
  } finally {
    db.close();
  }
  return dbPath;
}

function report(name: string, r: AutocannonResult): boolean {
  const ok = r.latency.p99 <= TARGET_P99_MS;
  console.log(
    `${name.padEnd(42)} ${r.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   ` +
      `max ${String(r.latency.max).padStart(5)} ms   ${(r.throughput.average / 1e6).toFixed(1).padStart(5)} MB/s   non-2xx ${r.non2xx}, errors ${r.errors}   ${ok ? 'within' : 'OVER'} target`,
  );
  return ok && r.non2xx === 0 && r.errors === 0;
}

type Mode = 'repeated' | 'varied' | 'uncached';
const modes: Record<Mode, { cacheMb: number; label: string }> = {
  repeated: { cacheMb: 64, label: 'the same request again and again: answers from the cache (ccmart serve as it starts)' },
  varied: { cacheMb: 64, label: 'a different request each time: every answer computed (ccmart serve as it starts)' },
  uncached: { cacheMb: 0, label: 'for comparison, nothing kept at all (ccmart serve --cache-mb 0)' },
};

async function round(dbPath: string, mode: Mode): Promise<boolean> {
  const { cacheMb, label } = modes[mode];
  const { child, url } = await startServe(['--db', dbPath, '--cache-mb', String(cacheMb)]);
  let ok = true;
  try {
    const meta = (await (await fetch(new URL('api/meta', url))).json()) as { queues: { queue_id: string }[]; date_range: { from: string; to: string } | null };
    const forecast = (await (await fetch(new URL('api/forecast', url))).json()) as { available: boolean; rows: { queue_id: string; date: string }[] };
    const plus = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);
    // A planner's what-if: one queue for the first week of the forecast, else the last week of history.
    const first = forecast.rows[0];
    const last = meta.date_range?.to;
    // The overview page's largest daily request (its worst queue-days card): service level per queue and day over
    // its default 28 days, asking for the measures it draws; and the same rows with every measure (an analyst's).
    const kpiQuery = (from: string, to: string, queues: string[] = []) =>
      `/api/kpis?grain=day&by=queue&from=${from}&to=${to}${queues.length ? `&queue=${queues.map(encodeURIComponent).join(',')}` : ''}&measures=service_level,offered`;
    const kpiPath = last ? kpiQuery(plus(last, -27), last) : '/api/kpis?grain=day&by=queue&measures=service_level,offered';
    const allPath = kpiPath.replace('&measures=service_level,offered', '');
    const kpi = await (await fetch(new URL(kpiPath, url))).text();
    const all = await (await fetch(new URL(allPath, url))).text();
    const kpiRows = (JSON.parse(kpi) as { rows: { queue_id: string; offered: number }[] }).rows;
    // the queue with the most calls in those days, for a what-if on history when there is no forecast
    const offered = new Map<string, number>();
    for (const r of kpiRows) offered.set(r.queue_id, (offered.get(r.queue_id) ?? 0) + r.offered);
    const busiest = [...offered.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? meta.queues[0]?.queue_id;
    const whatif = first
      ? { queue: first.queue_id, from: first.date, to: plus(first.date, 6), sl_target: 0.9, volume_factor: 1.2 }
      : { queue: busiest, ...(last && { from: plus(last, -6), to: last }), source: 'history', sl_target: 0.9, volume_factor: 1.2 };
    const whatifBody = JSON.stringify(whatif);
    if (mode === 'repeated') {
      const w = (await (await fetch(new URL('api/whatif', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: whatifBody }).then((r) => r.json()))) as { rows: unknown[] };
      console.log(`GET ${kpiPath} answers ${(kpi.length / 1024).toFixed(0)} KB (${kpiRows.length} rows); every measure: ${(all.length / 1024).toFixed(0)} KB`);
      console.log(`POST /api/whatif ${whatifBody} staffs ${w.rows.length} intervals`);
    }
    // Varied: a director's 28 days ending on any day of the data and any set of queues; a planner trying another
    // target and volume on the same queue and week.
    const rnd = random(42);
    const queueIds = meta.queues.map((q) => q.queue_id);
    const span = meta.date_range ? Math.max(0, (Date.parse(meta.date_range.to) - Date.parse(meta.date_range.from)) / 86_400_000 - 27) : 0;
    const variedKpi = () => {
      const from = plus(meta.date_range?.from ?? '2026-01-01', Math.floor(rnd() * (span + 1)));
      const queues = queueIds.filter(() => rnd() < 0.8);
      return kpiQuery(from, plus(from, 27), queues.length ? queues : queueIds.slice(0, 1));
    };
    const variedWhatIf = () => JSON.stringify({ ...whatif, sl_target: Math.round(7000 + rnd() * 2500) / 10_000, volume_factor: Math.round(8000 + rnd() * 7000) / 10_000 });
    const vary = mode === 'varied';
    const post = { method: 'POST', headers: { 'content-type': 'application/json' } };

    console.log(`\n${label}, ${connections} connections, ${duration} s each:`);
    const load = (path: string, next?: () => string) =>
      autocannon({ url: new URL(path, url).href, connections, duration, ...(next && { requests: [{ setupRequest: (r: AutocannonRequest) => ({ ...r, path: next() }) }] }) });
    const loadWhatIf = () =>
      autocannon({ url: new URL('api/whatif', url).href, connections, duration, ...post, body: whatifBody, ...(vary && { requests: [{ setupRequest: (r: AutocannonRequest) => ({ ...r, body: variedWhatIf() }) }] }) });
    ok = report(`  GET /api/kpis (overview: 28 days by queue${vary ? ', any period and queues' : ''})`, await load(kpiPath, vary ? variedKpi : undefined)) && ok;
    // not the page's request: printed for comparison, outside the target
    report('  GET /api/kpis (same, every measure)', await load(allPath, vary ? () => variedKpi().replace('&measures=service_level,offered', '') : undefined));
    ok = report(`  POST /api/whatif (one queue, one week${vary ? ', any target and volume' : ''})`, await loadWhatIf()) && ok;
  } finally {
    await stopServe(child);
  }
  return ok;
}

const large = join(root, 'tmp/bench-build-10000000/bench.duckdb');
const given = values.db ? resolve(values.db) : existsSync(large) ? large : undefined;
if (!given) console.log(`no 10M-contact database at ${large} (npm run bench:build makes it): measuring a small demo instead`);
const tmp = given ? undefined : mkdtempSync(join(tmpdir(), 'ccmart-bench-api-'));
try {
  const dbPath = given ?? (await demoDatabase(tmp!));
  {
    const { openDatabase, queryOne } = await import('../core/db.ts');
    const db = await openDatabase(dbPath, { readOnly: true });
    const n = await queryOne<{ n: number; days: number }>(db.conn, 'SELECT count(*)::DOUBLE AS n, count(DISTINCT started_at::DATE)::DOUBLE AS days FROM fct_touchpoint');
    db.close();
    console.log(`database ${dbPath}: ${n!.n.toLocaleString('en-US')} touchpoints over ${n!.days} days\n`);
  }
  const cached = await round(dbPath, 'repeated');
  const computed = await round(dbPath, 'varied');
  await round(dbPath, 'uncached');
  console.log(
    cached && computed
      ? `\npage requests and what-ifs within p99 ${TARGET_P99_MS} ms, cached and computed`
      : `\n${cached ? 'cached answers within' : 'cached answers OVER'} p99 ${TARGET_P99_MS} ms; ${computed ? 'computed answers within' : 'computed answers OVER'} p99 ${TARGET_P99_MS} ms`,
  );
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
