/**
 * Ingest benchmark: writes N canonical ACD rows (default 10,000,000; ~0.5% bad) to a CSV, loads it once with
 * DuckDB's own `CREATE TABLE … AS SELECT * FROM read_csv(…)` into one database and once with `ingestPath` into
 * another, and prints rows per second, the time of each ingest step, peak RSS, and the ratio of the raw load's
 * time to the ingest's (target ≥ 0.5: the ingest takes at most twice the raw load).
 *
 * `--pseudonymize` runs the ingest with pseudonyms for the personal fields (a fixed bench key), to show their cost.
 * Each load runs in a process of its own, so that its peak RSS is its own (memory the allocator kept from the
 * other load would otherwise count).
 *
 *   node bin/run-ts.js bench/ingest.ts [--rows N] [--repeat N] [--memory-limit 3GB] [--dir DIR] [--keep] [--pseudonymize]
 */
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { openDatabase, queryOne } from '../core/db.ts';
import { ingestPath } from '../pipelines/ingest.ts';
import { Pseudonymizer } from '../pipelines/pseudonymize.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    repeat: { type: 'string', default: '1' },
    'memory-limit': { type: 'string', default: '3GB' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    pseudonymize: { type: 'boolean', default: false },
    // Internal: runs one load (raw or ingest) in this process and prints its figures as JSON.
    child: { type: 'string' },
  },
});
const rows = Number(values.rows);
const repeat = Number(values.repeat);
if (!Number.isInteger(rows) || rows <= 0) throw new Error(`--rows: expected a positive integer, got "${values.rows}"`);
if (!Number.isInteger(repeat) || repeat <= 0) throw new Error(`--repeat: expected a positive integer, got "${values.repeat}"`);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'ccmart-bench-ingest-'));
mkdirSync(dir, { recursive: true });

const HEADER =
  'contact_id,leg_seq,customer_id,channel,direction,queue,agent,priority,arrival_at,ivr_entry_at,ivr_exit_at,ivr_path,queue_entry_at,answer_at,end_at,hold_seconds,acw_seconds,disposition,outcome,transfer_to,csat';

interface Expected {
  rows: number;
  /** Rows that must be rejected: CSV-level, validation, and conflicting duplicates. */
  rejected: number;
  /** Exact repeats of an earlier row. */
  duplicate: number;
}

/** Streams N realistic ACD rows (90 days of a 200-agent center, ~0.5% of rows broken in one way or another). */
async function writeAcdCsv(path: string, n: number): Promise<Expected> {
  let seed = 20240301;
  const rnd = () => {
    // xorshift32: fast and reproducible
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const queues = ['retail_sales', 'retail_service', 'cards', 'loans', 'mortgages', 'business', 'premium', 'collections', 'fraud', 'tech_support'];
  const agents = Array.from({ length: 200 }, (_, i) => `agent_${String(i + 1).padStart(3, '0')}`);
  const dispositions = ['resolved', 'resolved', 'resolved', 'follow_up', 'transferred', 'info_given', 'complaint'];
  const paths = ['main>balance>self_service_end', 'main>cards>agent', 'main>loans>agent', 'main>agent', 'main>fraud>agent', 'main>balance>agent'];
  // Wall-clock text per second of day and per day: formatting is table lookups.
  const clock = Array.from({ length: 86_400 }, (_, s) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`);
  const days = Array.from({ length: 120 }, (_, d) => new Date(Date.UTC(2024, 2, 1 + d)).toISOString().slice(0, 10));
  const perDay = Math.ceil(n / 90);
  const at = (t: number) => `${days[Math.floor(t / 86_400)]} ${clock[t % 86_400]}`;

  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`${HEADER}\n`);
  const expected: Expected = { rows: n, rejected: 0, duplicate: 0 };
  let previous = '';
  let previousId = '';
  let batch: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = Math.floor(i / perDay);
    const arrival = day * 86_400 + 7 * 3600 + Math.floor(((i % perDay) / perDay) * 14 * 3600);
    const id = `C${String(i + 1).padStart(9, '0')}`;
    const ivrEnd = arrival + 5 + Math.floor(rnd() * 60);
    const queued = rnd() < 0.85;
    const answered = queued && rnd() < 0.9;
    const qEntry = queued ? ivrEnd : null;
    const answer = answered ? ivrEnd + Math.floor(rnd() * 120) : null;
    const end = answer !== null ? answer + 30 + Math.floor(rnd() * 600) : (qEntry ?? ivrEnd) + Math.floor(rnd() * 90);
    const fields = [
      id,
      '1',
      rnd() < 0.7 ? `K${Math.floor(rnd() * 5_000_000)}` : '',
      'voice',
      'inbound',
      queued ? pick(queues) : '',
      answered ? pick(agents) : '',
      String(1 + Math.floor(rnd() * 3)),
      at(arrival),
      at(arrival),
      at(ivrEnd),
      pick(paths),
      qEntry === null ? '' : at(qEntry),
      answer === null ? '' : at(answer),
      at(end),
      answered ? String(Math.floor(rnd() * 60)) : '0',
      answered ? String(Math.floor(rnd() * 120)) : '0',
      answered ? (rnd() < 0.01 ? '"info_given, then callback"' : pick(dispositions)) : '',
      answered ? 'answered' : queued ? 'abandoned' : 'self_service',
      '',
      answered && rnd() < 0.2 ? String(1 + Math.floor(rnd() * 5)) : '',
    ];
    let row = fields.join(',');
    const good = row;
    if (rnd() < 0.005) {
      // ~0.5% broken, in seven ways; duplicates repeat the previous row.
      const kind = Math.floor(rnd() * 7);
      if (kind === 0) row = row.split(',').slice(0, 12).join(','); // truncated record
      else if (kind === 1) row = row.replace(at(end), 'N/A'); // unparseable time
      else if (kind === 2) row = row.replace(',inbound,', ',sideways,'); // unknown code
      else if (kind === 3) row = [...fields.slice(0, 14), at(arrival - 60), ...fields.slice(15)].join(','); // ends before it arrived
      else if (kind === 4) row = [...fields.slice(0, 15), '-5', ...fields.slice(16)].join(','); // negative duration
      else if (kind === 5 && previous) row = previous; // exact duplicate
      else if (kind === 6 && previous) row = `${previousId}${row.slice(id.length)}`; // same key, other content
      if (kind === 5 && previous) expected.duplicate++;
      else if (kind < 5 || (kind === 6 && previous)) expected.rejected++;
    }
    if (row === good) {
      previous = good;
      previousId = id;
    }
    batch.push(row);
    if (batch.length === 10_000) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length) await write(`${batch.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return expected;
}

/** Peak resident memory while `work` runs, sampled every 100 ms (DuckDB's memory is in this process). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number; seconds: number; cpu: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds of all threads (DuckDB's included): steadier than wall time when other work shares the cores.
    return { result, peak, seconds: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

const gb = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GB`;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

const csv = join(dir, 'acd.csv');
const pseudonymizer = values.pseudonymize ? new Pseudonymizer(Buffer.from('bench key, not a secret: 32 bytes')) : undefined;
const fresh = (name: string) => {
  for (const f of [name, `${name}.wal`]) rmSync(join(dir, f), { force: true });
  return join(dir, name);
};
if (values.child) {
  const run = values.child === 'raw' ? await rawLoad() : await ccmartIngest();
  console.log(JSON.stringify({ ...run, peak: Math.max(run.peak, highWaterMark()) }));
  process.exit(0);
}
console.log(
  `ingest bench: ${fmt(rows)} ACD rows in ${dir}, ${repeat} round(s) of raw load + ingest${values.pseudonymize ? ' --pseudonymize' : ''}, DuckDB memory_limit ${values['memory-limit']}`,
);
// With --dir, a CSV written by an earlier run with the same --rows is reused (its expected counts beside it).
const expectedPath = join(dir, 'acd.expected.json');
const earlier = existsSync(expectedPath) && existsSync(csv) ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected) : null;
let expected: Expected;
if (earlier && earlier.rows === rows) {
  expected = earlier;
  console.log(`  reusing ${csv} (${gb(statSync(csv).size)})`);
} else {
  const t = performance.now();
  expected = await writeAcdCsv(csv, rows);
  writeFileSync(expectedPath, JSON.stringify(expected));
  console.log(`  wrote ${gb(statSync(csv).size)} CSV in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`  ${fmt(expected.rejected)} rows to reject, ${fmt(expected.duplicate)} exact duplicates`);

/** Peak resident memory of this process so far (the kernel's high-water mark). */
function highWaterMark(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : 0;
}

type Run<T> = { result: T; peak: number; seconds: number; cpu: number };
type IngestRun = Run<Awaited<ReturnType<typeof ingestPath>>> & { steps: [string, number][]; cpuSteps: [string, number][] };

/** Runs one load in a child process (this script with --child) and returns its figures. */
async function inChild<T>(kind: 'raw' | 'ingest'): Promise<T> {
  const args = [fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)), fileURLToPath(import.meta.url), '--child', kind, '--dir', dir, '--memory-limit', values['memory-limit']];
  if (values.pseudonymize) args.push('--pseudonymize');
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

/** DuckDB's own load of the same file, in its own database file (bad records skipped). */
async function rawLoad() {
  const db = await openDatabase(fresh('raw.duckdb'));
  await db.conn.run(`SET memory_limit = '${values['memory-limit']}'`);
  try {
    return await withPeakRss(async () => {
      await db.conn.run(`CREATE TABLE acd AS SELECT * FROM read_csv('${csv}', ignore_errors = true)`);
      return (await queryOne<{ n: number }>(db.conn, 'SELECT count(*) AS n FROM acd'))!.n;
    });
  } finally {
    db.close();
  }
}

async function ccmartIngest() {
  const db = await openDatabase(fresh('mart.duckdb'));
  // The same limit as `ccmart ingest` sets (DuckDB spills what does not fit to a temporary folder).
  await db.conn.run(`SET memory_limit = '${values['memory-limit']}'`);
  const steps: [string, number][] = [];
  // CPU seconds between the ends of consecutive steps (the hash runs alongside the others).
  const cpuSteps: [string, number][] = [];
  let last = process.cpuUsage();
  const onStep = (step: string, s: number) => {
    steps.push([step, s]);
    const d = process.cpuUsage(last);
    last = process.cpuUsage();
    if (!['insert', 'hash'].includes(step)) cpuSteps.push([step, (d.user + d.system) / 1e6]);
  };
  try {
    const run = await withPeakRss(() => ingestPath(db.conn, csv, { source: 'acd', timezone: 'Asia/Shanghai', dayFirst: false, onStep, pseudonymizer }));
    return { ...run, steps, cpuSteps };
  } finally {
    db.close();
  }
}

// Rounds alternate the two loads; on a shared machine the best round of each is the fairest figure.
const raws: Run<number>[] = [];
const ingests: IngestRun[] = [];
for (let round = 1; round <= repeat; round++) {
  const raw = await inChild<Run<number>>('raw');
  raws.push(raw);
  console.log(`  round ${round}: raw DuckDB load ${raw.seconds.toFixed(2)} s, CPU ${raw.cpu.toFixed(2)} s (${fmt(raw.result)} rows, peak RSS ${gb(raw.peak)})`);
  const ingest = await inChild<IngestRun>('ingest');
  ingests.push(ingest);
  console.log(`  round ${round}: ccmart ingest   ${ingest.seconds.toFixed(2)} s, CPU ${ingest.cpu.toFixed(2)} s (peak RSS ${gb(ingest.peak)})`);
  console.log(`    wall time by step: ${ingest.steps.map(([s, x]) => `${s} ${x.toFixed(2)} s`).join(', ')}`);
  console.log(`    CPU time by step:  ${ingest.cpuSteps.map(([s, x]) => `${s} ${x.toFixed(2)} s`).join(', ')}`);
}
const best = <T extends { seconds: number }>(xs: T[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const raw = best(raws);
const ingest = best(ingests);
const r = ingest.result[0]!;
console.log(`  raw DuckDB load (best): ${raw.seconds.toFixed(2)} s, ${fmt(raw.result / raw.seconds)} rows/s`);
console.log(`  ccmart ingest (best):   ${ingest.seconds.toFixed(2)} s, ${fmt(r.rowsRead / ingest.seconds)} rows/s`);
console.log(`    ${fmt(r.rowsRead)} read = ${fmt(r.rowsLoaded)} loaded + ${fmt(r.rowsRejected)} rejected + ${fmt(r.rowsDuplicate)} duplicates`);
const reconciled = ingests.every(({ result: [x] }) => x!.rowsRead === expected.rows && x!.rowsRejected === expected.rejected && x!.rowsDuplicate === expected.duplicate && x!.rowsRead === x!.rowsLoaded + x!.rowsRejected + x!.rowsDuplicate);
console.log(`    reconciled with the generator's counts: ${reconciled ? 'yes' : `NO (expected ${fmt(expected.rejected)} rejected, ${fmt(expected.duplicate)} duplicates)`}`);
const peak = Math.max(...ingests.map((x) => x.peak));
console.log(`  peak RSS of the ingest process (its high-water mark, start-up included): ${gb(peak)}`);
const ratio = raw.seconds / ingest.seconds;
const cpuRatio = Math.min(...raws.map((x) => x.cpu)) / Math.min(...ingests.map((x) => x.cpu));
console.log(`  ratio raw load / ingest, wall time: ${ratio.toFixed(2)} (target ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'}); CPU time: ${cpuRatio.toFixed(2)}`);
console.log(`  peak RSS ≤ 4 GB: ${peak <= 4 * 1024 ** 3 ? 'met' : 'NOT met'}; load average now: ${loadavg().map((x) => x.toFixed(1)).join(', ')} on ${cpus().length} cores`);
if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
if (!reconciled) process.exitCode = 1;
