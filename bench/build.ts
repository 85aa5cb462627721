// `npm run bench:build [-- --contacts N --days D --dir DIR --strategy in-place|copy --memory-limit SIZE --repeat R]`:
// a full build of a large demo database (per-model time and rows, total rows per second, peak RSS), then an
// incremental build after one more day of logs arrives, printed beside it: R runs (default 3) from copies of the
// same database, the median compared. Default 10M contacts over 60 days.
//
// The demo generator writes D + 1 days; the rows of the last day are held back (split off by the first date on
// each line: the arrival, state start or event time), so the full build covers D days and the incremental build
// adds day D + 1 as a new ingest of each feed, as a daily delivery would. Each ingest and each build runs in a
// process of its own, as `ccmart ingest` and `ccmart build` do (so each peak RSS is its own). Before each build
// the database file is read once, so both builds start with it in the page cache whatever ran before (the full
// build's process takes most of the memory and leaves little of the file cached). The database with the first D
// days ingested is kept as raw.duckdb, so a second run starts from it instead of ingesting again. --keep-full
// keeps a copy of the database after the full build as full.duckdb, to try incremental builds on again and again
// (`--child ingest:tail` then `--child incremental` on a copy of it).
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { generateDemoData, fileNames, TIMEZONE, type Feed } from '../seeds/generator/generate.ts';
import { openDatabase, setMemoryLimit } from '../core/db.ts';
import { ingestPath } from '../pipelines/ingest.ts';
import { buildMarts, type BuildResult } from '../marts/build.ts';
import { loadConfig } from '../core/config.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string' },
    days: { type: 'string' },
    dir: { type: 'string' },
    strategy: { type: 'string', default: 'in-place' },
    'memory-limit': { type: 'string' },
    'keep-full': { type: 'boolean' },
    // incremental builds from copies of the same database: the median is the one compared
    repeat: { type: 'string', default: '3' },
    // internal: a child process that ingests a part of the logs or runs a build, and prints its result
    child: { type: 'string' },
    db: { type: 'string' },
  },
});
/** Peak resident memory since the last reset (VmHWM), in MB. */
function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

const memoryLimit = values['memory-limit'];
const open = async (path: string) => {
  const db = await openDatabase(path);
  if (memoryLimit) await setMemoryLimit(db.conn, memoryLimit);
  return db;
};

const feeds: [Feed, string][] = [
  ['acd', fileNames.acd],
  ['agent-states', fileNames['agent-states']],
  ['tickets', fileNames.tickets],
  ['bot', fileNames.bot],
];

if (values.child) {
  // ingest:head|tail (files from --dir/split), full, incremental; the result goes to stdout as the last line
  const db = await open(values.db!);
  const t = performance.now();
  const cpu = process.cpuUsage();
  let out: object;
  if (values.child.startsWith('ingest:')) {
    const part = values.child.slice('ingest:'.length);
    for (const [source, file] of feeds) {
      await ingestPath(db.conn, join(values.dir!, 'split', `${part}_${file}`), { source, timezone: TIMEZONE, dayFirst: false, log: (m) => console.error(`  ${m}`) });
    }
    out = { seconds: (performance.now() - t) / 1000 };
  } else {
    const options = values.child === 'full' ? { full: true } : { strategy: values.strategy === 'copy' ? ('copy' as const) : ('in-place' as const) };
    out = { result: await buildMarts(db.conn, loadConfig(undefined, { timezone: TIMEZONE }), () => {}, undefined, options) };
  }
  db.close();
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ...out, peakRss: peakRssMb(), cpuSeconds: (used.user + used.system) / 1e6 }));
  process.exit(0);
}

const contacts = Number(values.contacts ?? 10_000_000);
const days = Number(values.days ?? 60);
const strategy = values.strategy === 'copy' ? 'copy' : 'in-place';
const repeats = Number(values.repeat);
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`--repeat must be a whole number of runs, 1 or more (got ${values.repeat})`);
  process.exit(2);
}
const dir = resolve(values.dir ?? `tmp/bench-build-${contacts}`);
mkdirSync(dir, { recursive: true });
const logs = join(dir, 'logs');
const split = join(dir, 'split');
const firstDay = (line: string) => /\d{4}-\d{2}-\d{2}/.exec(line)?.[0] ?? '';

if (!existsSync(join(logs, 'truth.json'))) {
  console.log(`generating ${contacts.toLocaleString('en-US')} contacts over ${days} + 1 days into ${logs}…`);
  const g = generateDemoData({ outDir: logs, days: days + 1, contacts: Math.round((contacts * (days + 1)) / days), seed: 7, dirty: 0.005 });
  console.log(`  generated in ${g.seconds.toFixed(1)} s`);
}
const truth = JSON.parse(readFileSync(join(logs, 'truth.json'), 'utf8')) as { days: { date: string }[] };
if (truth.days.length !== days + 1) {
  console.error(`${logs} holds ${truth.days.length} days of logs, not ${days} + 1: pass --days ${truth.days.length - 1}, or another --dir`);
  process.exit(2);
}
const lastDay = truth.days[days]!.date;

/** Streams a log into the rows before the last day (head) and the rest (tail); lines without a date stay in the head. */
async function splitFile(file: string): Promise<void> {
  const head = createWriteStream(join(split, `head_${file}.part`));
  const tail = createWriteStream(join(split, `tail_${file}.part`));
  const write = async (out: typeof head, line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  let first = file.endsWith('.csv');
  for await (const line of createInterface({ input: createReadStream(join(logs, file)), crlfDelay: Infinity })) {
    if (first) {
      first = false;
      await write(head, line);
      await write(tail, line);
    } else if (line) await write(firstDay(line) >= lastDay ? tail : head, line);
  }
  await Promise.all([new Promise((r) => head.end(r)), new Promise((r) => tail.end(r))]);
  renameSync(join(split, `head_${file}.part`), join(split, `head_${file}`));
  renameSync(join(split, `tail_${file}.part`), join(split, `tail_${file}`));
}
mkdirSync(split, { recursive: true });
for (const [, file] of feeds) {
  if (existsSync(join(split, `tail_${file}`))) continue;
  const t = performance.now();
  await splitFile(file);
  console.log(`split ${file} at ${lastDay} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const dbPath = join(dir, 'bench.duckdb');
const rawCopy = join(dir, 'raw.duckdb');

/** Reads a file through, so it sits in the page cache. */
async function readThrough(path: string): Promise<void> {
  for await (const _ of createReadStream(path, { highWaterMark: 1 << 24 })) void _;
}

/** Runs one step in a child process (its output passed through) and returns the JSON it prints last. */
function step<T>(what: string): T & { peakRss: number; cpuSeconds: number } {
  const args = [fileURLToPath(import.meta.url), '--child', what, '--db', dbPath, '--dir', dir, '--strategy', strategy, ...(memoryLimit ? ['--memory-limit', memoryLimit] : [])];
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) {
    console.error(`${what} failed (exit ${child.status})`);
    process.exit(1);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T & { peakRss: number; cpuSeconds: number };
}

const check = (r: BuildResult, what: string) => {
  if (r.failedModel) {
    console.error(`${what}: model ${r.failedModel.name} failed: ${r.failedModel.error}`);
    process.exit(1);
  }
  const failed = r.tests.filter((x) => x.failures || x.error);
  if (failed.length) console.log(`${what}: ${failed.length} data tests FAILED: ${failed.map((f) => f.name).join(', ')}`);
};

for (const f of [dbPath, `${dbPath}.wal`]) rmSync(f, { force: true });
if (existsSync(rawCopy)) {
  copyFileSync(rawCopy, dbPath);
  console.log(`the first ${days} days: copied from ${rawCopy}`);
} else {
  const ingest = step<{ seconds: number }>('ingest:head');
  console.log(`ingest of ${days} days: ${ingest.seconds.toFixed(1)} s, peak RSS ${ingest.peakRss.toFixed(0)} MB`);
  copyFileSync(dbPath, rawCopy);
}

await readThrough(dbPath);
const { result: full, peakRss: fullRss, cpuSeconds: fullCpu } = step<{ result: BuildResult }>('full');
check(full, 'full build');
if (values['keep-full']) copyFileSync(dbPath, join(dir, 'full.duckdb'));
const fullRows = full.models.reduce((a, m) => a + m.rows, 0);
const tail = step<{ seconds: number }>('ingest:tail');
console.log(`ingest of ${lastDay}: ${tail.seconds.toFixed(1)} s`);
// the incremental build is short and the machine's noise large beside it: it runs several times, each from a
// copy of the database as the day's ingest left it, and the median run is the one compared

const beforeIncrement = join(dir, 'before-increment.duckdb');
if (repeats > 1) copyFileSync(dbPath, beforeIncrement);
const incRuns: { result: BuildResult; peakRss: number; cpuSeconds: number }[] = [];
for (let i = 0; i < repeats; i++) {
  if (i > 0) {
    rmSync(`${dbPath}.wal`, { force: true });
    copyFileSync(beforeIncrement, dbPath);
  }
  await readThrough(dbPath);
  const run = step<{ result: BuildResult }>('incremental');
  check(run.result, 'incremental build');
  if (run.result.kind !== 'incremental') {
    console.error(`the build after one more day was not incremental: ${run.result.reason}`);
    process.exit(1);
  }
  console.log(`incremental build, run ${i + 1} of ${repeats}: ${run.result.seconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s`);
  incRuns.push(run);
}
rmSync(beforeIncrement, { force: true });
const bySeconds = [...incRuns].sort((a, b) => a.result.seconds - b.result.seconds);
// the middle run (of an even number, the slower of the two in the middle)
const { result: inc, peakRss: incRss, cpuSeconds: incCpu } = bySeconds[Math.floor(repeats / 2)]!;

const byName = new Map(inc.models.map((m) => [m.name, m]));
const n = (x: number) => x.toLocaleString('en-US');
console.log(`\n${'model'.padEnd(24)} ${'full: rows'.padStart(14)} ${'s'.padStart(8)}   ${'incremental: partitions'.padStart(24)} ${'rows written'.padStart(13)} ${'s'.padStart(7)}`);
for (const m of full.models) {
  const i = byName.get(m.name)!;
  const what = i.mode === 'partitions' ? n(i.partitions ?? 0) : i.mode === 'full' ? 'whole' : 'unchanged';
  console.log(`${m.name.padEnd(24)} ${n(m.rows).padStart(14)} ${m.seconds.toFixed(2).padStart(8)}   ${what.padStart(24)} ${n(i.rowsWritten).padStart(13)} ${i.seconds.toFixed(2).padStart(7)}`);
}
const incWritten = inc.models.reduce((a, m) => a + m.rowsWritten, 0);
const modelSeconds = (r: BuildResult) => r.models.reduce((a, m) => a + m.seconds, 0);
console.log(`${'data tests'.padEnd(24)} ${''.padStart(14)} ${full.testSeconds.toFixed(2).padStart(8)}   ${''.padStart(24)} ${''.padStart(13)} ${inc.testSeconds.toFixed(2).padStart(7)}`);
console.log(`\nfull build of ${days} days:        ${full.seconds.toFixed(1)} s, CPU ${fullCpu.toFixed(1)} s (models ${modelSeconds(full).toFixed(1)} s, data tests ${full.testSeconds.toFixed(1)} s), ${n(fullRows)} rows written, ${n(Math.round(fullRows / full.seconds))} rows/s, peak RSS ${fullRss.toFixed(0)} MB${memoryLimit ? ` (memory limit ${memoryLimit})` : ''}`);
const runs = repeats > 1 ? ` (median of ${repeats} runs: ${incRuns.map((r) => `${r.result.seconds.toFixed(1)} s`).join(', ')})` : '';
console.log(
  `incremental build of ${lastDay}: ${inc.seconds.toFixed(1)} s${runs}, CPU ${incCpu.toFixed(1)} s (models ${modelSeconds(inc).toFixed(1)} s, data tests ${inc.testSeconds.toFixed(1)} s), ${n(incWritten)} rows written, peak RSS ${incRss.toFixed(0)} MB, ${strategy}`,
);
const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1)} %`;
const spread = repeats > 1 ? ` (runs ${pct(bySeconds[0]!.result.seconds, full.seconds)} to ${pct(bySeconds.at(-1)!.result.seconds, full.seconds)})` : '';
console.log(
  `incremental ÷ full: ${pct(inc.seconds, full.seconds)} of the full build's time${spread} (target < 10 %), ${pct(incCpu, fullCpu)} of its CPU time (user + system of each build's process; less sensitive to other jobs on the machine)`,
);
console.log(`data tests: full ${full.tests.filter((x) => !x.failures && !x.error).length}/${full.tests.length} passed, incremental ${inc.tests.filter((x) => !x.failures && !x.error).length}/${inc.tests.length} passed`);
