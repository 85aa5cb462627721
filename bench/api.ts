// `npm run bench:api [-- --db FILE] [--duration 10] [--connections 10]`: load on the API with autocannon.
// Starts `ccmart serve` on 127.0.0.1 in a child process (so the load generator does not share its CPU time
// with the server's event loop) and measures the overview KPI endpoint and a what-if, printing requests per
// second and p50 / p99 latency against the 100 ms p99 target: once with the answer cache (the default: repeated
// requests, as dashboards make them) and once with every answer computed (--cache-mb 0).
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
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
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

async function round(dbPath: string, cacheMb: number, label: string): Promise<boolean> {
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
    const allPath = last ? `api/kpis?grain=day&by=queue&from=${plus(last, -27)}&to=${last}` : 'api/kpis?grain=day&by=queue';
    const kpiPath = `${allPath}&measures=service_level,offered`;
    const kpiUrl = new URL(kpiPath, url).href;
    const allUrl = new URL(allPath, url).href;
    const kpi = await (await fetch(kpiUrl)).text();
    const all = await (await fetch(allUrl)).text();
    const kpiRows = (JSON.parse(kpi) as { rows: { queue_id: string; offered: number }[] }).rows;
    // the queue with the most calls in those days, for a what-if on history when there is no forecast
    const offered = new Map<string, number>();
    for (const r of kpiRows) offered.set(r.queue_id, (offered.get(r.queue_id) ?? 0) + r.offered);
    const busiest = [...offered.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? meta.queues[0]?.queue_id;
    const whatif = first
      ? { queue: first.queue_id, from: first.date, to: plus(first.date, 6), sl_target: 0.9, volume_factor: 1.2 }
      : { queue: busiest, ...(last && { from: plus(last, -6), to: last }), source: 'history', sl_target: 0.9, volume_factor: 1.2 };
    const whatifBody = JSON.stringify(whatif);
    if (cacheMb > 0) {
      const w = (await (await fetch(new URL('api/whatif', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: whatifBody }).then((r) => r.json()))) as { rows: unknown[] };
      console.log(`GET /${kpiPath} answers ${(kpi.length / 1024).toFixed(0)} KB (${kpiRows.length} rows); every measure: ${(all.length / 1024).toFixed(0)} KB`);
      console.log(`POST /api/whatif ${whatifBody} staffs ${w.rows.length} intervals`);
    }
    console.log(`\n${label} (ccmart serve --cache-mb ${cacheMb}), ${connections} connections, ${duration} s each:`);
    ok = report('  GET /api/kpis (overview: 28 days by queue)', await autocannon({ url: kpiUrl, connections, duration })) && ok;
    // not the page's request: printed for comparison, outside the target
    report('  GET /api/kpis (same, every measure)', await autocannon({ url: allUrl, connections, duration }));
    ok =
      report(
        '  POST /api/whatif (one queue, one week)',
        await autocannon({ url: new URL('api/whatif', url).href, connections, duration, method: 'POST', headers: { 'content-type': 'application/json' }, body: whatifBody }),
      ) && ok;
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
  const cached = await round(dbPath, 64, 'answers cached (the default)');
  const computed = await round(dbPath, 0, 'every answer computed');
  console.log(
    cached && computed
      ? `\nall within p99 ${TARGET_P99_MS} ms`
      : `\n${cached ? 'cached answers within' : 'cached answers OVER'} p99 ${TARGET_P99_MS} ms; ${computed ? 'computed answers within' : 'computed answers OVER'} p99 ${TARGET_P99_MS} ms`,
  );
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
