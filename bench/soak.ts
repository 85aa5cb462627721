// `npm run bench:soak [-- --duration 120 --dashboards 8 --analysts 2 --every 15]`: dashboards under load while
// refreshes and analysts' queries run, on 127.0.0.1. A demo log is split by day; the server starts on the first
// days and, every few seconds, the next day's contacts land in its inbox and an admin asks for a refresh over the
// API. Dashboard requests (the overview page's KPI calls, with a viewer token) run all the time, and analysts
// post heavy SQL. Prints requests served, errors (target 0), p50/p99 latency, and whether every answer came from
// a complete build: each answer names its build (x-ccmart-build), and its total offered must equal that build's
// Σ offered in kpi_daily, read from the file right after the build was switched in.
import { spawn } from 'node:child_process';
import { startServe, stopServe } from './serve.ts';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { latestBuildId } from '../core/builds.ts';
import { openDatabase, queryOne } from '../core/db.ts';
import { generateDemoData, fileNames } from '../seeds/generator/generate.ts';
import { linesByDay, writeDays } from '../seeds/generator/split.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    dashboards: { type: 'string' },
    analysts: { type: 'string' },
    every: { type: 'string' },
    contacts: { type: 'string' },
  },
});
const durationS = Number(values.duration ?? 120);
const dashboardWorkers = Number(values.dashboards ?? 8);
const analystWorkers = Number(values.analysts ?? 2);
const everyS = Number(values.every ?? 15);
const contacts = Number(values.contacts ?? 60_000);
const DAYS = 35;
const FIRST_DAYS = 21;

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'bin/ccmart.js');
const tokens = { viewer: 'viewer-soak-token-0001', analyst: 'analyst-soak-token-0001', admin: 'admin-soak-token-00001' };

const dir = mkdtempSync(join(tmpdir(), 'ccmart-soak-'));
const dbPath = join(dir, 'soak.duckdb');
const inbox = join(dir, 'inbox');

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ccmart ${args[0]} exited with ${code}`))));
  });
}

/** Σ offered of the build now in the file, read by a separate reader as an analyst would. */
async function buildTotals(): Promise<{ build: string; offered: number }> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const o = await queryOne<{ offered: number }>(db.conn, 'SELECT sum(offered)::DOUBLE AS offered FROM kpi_daily');
    return { build: (await latestBuildId(db.conn))!, offered: Number(o!.offered) };
  } finally {
    db.close();
  }
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);

try {
  console.log(`generating ${DAYS} days of demo logs (~${contacts.toLocaleString('en-US')} contacts) and splitting the contacts by day…`);
  const logs = join(dir, 'logs');
  generateDemoData({ outDir: logs, days: DAYS, contacts, seed: 11 });
  for (const feed of ['acd', 'agent-states', 'tickets', 'bot'] as const) mkdirSync(join(inbox, feed), { recursive: true });
  for (const feed of ['agent-states', 'tickets', 'bot'] as const) copyFileSync(join(logs, fileNames[feed]), join(inbox, feed, fileNames[feed]));
  const split = linesByDay(join(logs, fileNames.acd));
  const days = [...split.days.keys()];
  writeDays(join(inbox, 'acd', `contacts_${days[0]}.csv`), split, days.slice(0, FIRST_DAYS));
  const pending = days.slice(FIRST_DAYS);

  console.log(`first build: ${FIRST_DAYS} days`);
  await run(['refresh', '--db', dbPath, '--inbox', inbox]);
  const expected = new Map<string, number>();
  const first = await buildTotals();
  expected.set(first.build, first.offered);

  const env = { ...process.env, CCMART_TOKENS: Object.entries(tokens).map(([role, t]) => `${role}:${t}`).join(',') };
  const { child, url } = await startServe(['--db', dbPath, '--inbox', inbox, '--rate-limit', '100000', '--rate-burst', '100000'], env);
  console.log(`serving ${url}; ${durationS} s of load: ${dashboardWorkers} dashboard clients, ${analystWorkers} analysts, a refresh every ${everyS} s\n`);
  const viewer = { authorization: `Bearer ${tokens.viewer}` };
  const last = days[FIRST_DAYS - 1]!;
  const from28 = new Date(Date.parse(last) - 27 * 86_400_000).toISOString().slice(0, 10);
  const overview = [
    `api/kpis?grain=day&from=${from28}&to=${last}`,
    `api/kpis?grain=month&by=channel&from=${from28}&to=${last}`,
    `api/kpis?grain=day&by=queue&from=${from28}&to=${last}`,
    `api/breakpoints?by=node&from=${from28}&to=${last}`,
    `api/kpis?grain=interval&from=${last}&to=${last}`,
    `api/kpis?grain=interval&by=queue&from=${last}&to=${last}`,
  ];
  const CHECKED = 'api/kpis?grain=day'; // all days: its total moves with every refresh

  const latencies: number[] = [];
  const errors: string[] = [];
  const answersByBuild = new Map<string, number>();
  const mismatches: string[] = [];
  const checked: { build: string; offered: number }[] = [];
  let analystQueries = 0;
  let analystRefused = 0;
  let refreshes = 0;
  const until = performance.now() + durationS * 1000;

  async function dashboardClient(n: number): Promise<void> {
    for (let i = n; performance.now() < until; i++) {
      const path = i % 4 === 0 ? CHECKED : overview[i % overview.length]!;
      const t = performance.now();
      try {
        const res = await fetch(url + path, { headers: viewer });
        const body = await res.text();
        latencies.push(performance.now() - t);
        const build = res.headers.get('x-ccmart-build') ?? 'none';
        answersByBuild.set(build, (answersByBuild.get(build) ?? 0) + 1);
        if (res.status !== 200) errors.push(`${res.status} ${path}: ${body.slice(0, 200)}`);
        else if (path === CHECKED) checked.push({ build, offered: (JSON.parse(body) as { totals: { offered: number } }).totals.offered });
      } catch (err) {
        errors.push(`${path}: ${(err as Error).message}`);
      }
    }
  }

  // A self-join over the customers' touchpoints, and a CPU-bound aggregate of 30M rows (about 0.7 s alone).
  const heavy = [
    'SELECT a.queue_id, count(*) AS pairs, avg(b.wait_seconds) AS wait FROM fct_touchpoint a JOIN fct_touchpoint b ' +
      'ON a.customer_id = b.customer_id AND b.started_at BETWEEN a.started_at AND a.started_at + INTERVAL 7 DAY GROUP BY ALL ORDER BY pairs DESC',
    'SELECT sum(hash(a.range * b.range) % 1000) AS s FROM range(30000) a, range(1000) b',
  ];
  async function analyst(n: number): Promise<void> {
    for (let i = n; performance.now() < until; i++) {
      const sql = heavy[i % heavy.length]!;
      const res = await fetch(url + 'api/sql', {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.analyst}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql, limit: 100 }),
      }).catch((err: Error) => ({ status: 0, text: async () => err.message }));
      const body = await res.text();
      if (res.status === 200) analystQueries++;
      else if (res.status === 429) analystRefused++; // the analysts' own queue is full: by design, not an error
      else errors.push(`analyst SQL ${res.status}: ${body.slice(0, 200)}`);
    }
  }

  async function refresher(): Promise<void> {
    const admin = { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' };
    while (pending.length && performance.now() + everyS * 1000 < until) {
      await new Promise((r) => setTimeout(r, everyS * 1000));
      const day = pending.shift()!;
      // a file lands in the inbox complete: written under a hidden name, then renamed
      const hidden = join(inbox, 'acd', `.contacts_${day}.csv`);
      writeDays(hidden, split, [day]);
      renameSync(hidden, join(inbox, 'acd', `contacts_${day}.csv`));
      const started = await fetch(url + 'api/refresh', { method: 'POST', headers: admin, body: '{}' });
      if (started.status !== 202) {
        errors.push(`refresh ${started.status}: ${await started.text()}`);
        continue;
      }
      let message = '';
      for (;;) {
        await new Promise((r) => setTimeout(r, 200));
        const s = (await (await fetch(url + 'api/refresh', { headers: admin })).json()) as { state: string; message: string | null };
        if (s.state === 'running') continue;
        if (s.state !== 'ok') errors.push(`refresh of ${day} ${s.state}: ${s.message}`);
        message = s.message ?? '';
        break;
      }
      const t = await buildTotals();
      if (!message.includes(t.build)) errors.push(`refresh of ${day} reported "${message}" but the file holds ${t.build}`);
      expected.set(t.build, t.offered);
      refreshes++;
      console.log(`  refresh ${refreshes}: ${day} added → ${t.build}, Σ offered ${t.offered.toLocaleString('en-US')}`);
    }
  }

  await Promise.all([
    ...Array.from({ length: dashboardWorkers }, (_, i) => dashboardClient(i)),
    ...Array.from({ length: analystWorkers }, (_, i) => analyst(i)),
    refresher(),
  ]);
  await stopServe(child);

  for (const c of checked) {
    const want = expected.get(c.build);
    if (want !== c.offered) mismatches.push(`${c.build}: answered Σ offered ${c.offered}, the build holds ${want ?? 'unknown build'}`);
  }
  const sorted = latencies.sort((a, b) => a - b);
  console.log(`\nrequests served        ${latencies.length.toLocaleString('en-US')} dashboard requests (${(latencies.length / durationS).toFixed(0)}/s), ${analystQueries} analyst queries (${analystRefused} asked to retry)`);
  console.log(`errors                 ${errors.length}${errors.length ? ` — first: ${errors.slice(0, 3).join(' | ')}` : ''}`);
  console.log(`latency                p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`);
  console.log(`refreshes              ${refreshes} (builds answered from: ${[...answersByBuild.entries()].map(([b, n]) => `${b} ×${n}`).join(', ')})`);
  console.log(
    `complete builds        ${mismatches.length === 0 ? 'yes' : 'NO'}: ${checked.length} answers checked against their build's Σ offered${mismatches.length ? `; ${mismatches.length} differ, e.g. ${mismatches[0]}` : ''}`,
  );
  process.exitCode = errors.length || mismatches.length ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
