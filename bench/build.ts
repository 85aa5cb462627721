// `npm run bench:build [-- --contacts N --days D --dir DIR --strategy in-place|copy --memory-limit SIZE]`: a full
// build of a large demo database (per-model time and rows, total rows per second, peak RSS), then an incremental
// build after one more day of logs arrives, printed beside it. Default 10M contacts over 60 days.
//
// The demo generator writes D + 1 days; the rows of the last day are held back (split off by the first date on
// each line: the arrival, state start or event time), so the full build covers D days and the incremental build
// adds day D + 1 as a new ingest of each feed, as a daily delivery would.
import { parseArgs } from 'node:util';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { generateDemoData, fileNames, TIMEZONE, type Feed } from '../seeds/generator/generate.ts';
import { openDatabase, queryOne } from '../core/db.ts';
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
  },
});
const contacts = Number(values.contacts ?? 10_000_000);
const days = Number(values.days ?? 60);
const strategy = values.strategy === 'copy' ? 'copy' : 'in-place';
const dir = resolve(values.dir ?? `tmp/bench-build-${contacts}`);
mkdirSync(dir, { recursive: true });

/** Peak resident memory since the last reset (VmHWM), in MB. */
function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}
/** Starts a new peak (Linux: writing 5 to clear_refs resets VmHWM). */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the peak then covers the whole run
  }
}

const feeds: [Feed, string][] = [
  ['acd', fileNames.acd],
  ['agent-states', fileNames['agent-states']],
  ['tickets', fileNames.tickets],
  ['bot', fileNames.bot],
];
const logs = join(dir, 'logs');
const split = join(dir, 'split');
const firstDay = (line: string) => /\d{4}-\d{2}-\d{2}/.exec(line)?.[0] ?? '';

if (!existsSync(join(logs, 'truth.json'))) {
  console.log(`generating ${contacts.toLocaleString('en-US')} contacts over ${days} + 1 days into ${logs}…`);
  const g = generateDemoData({ outDir: logs, days: days + 1, contacts: Math.round((contacts * (days + 1)) / days), seed: 7, dirty: 0.005 });
  console.log(`  generated in ${g.seconds.toFixed(1)} s`);
}
const truth = JSON.parse(readFileSync(join(logs, 'truth.json'), 'utf8')) as { days: { date: string }[] };
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

const config = loadConfig(undefined, { timezone: TIMEZONE });
const dbPath = join(dir, 'bench.duckdb');
const ingestAll = async (db: Awaited<ReturnType<typeof openDatabase>>, part: 'head' | 'tail') => {
  for (const [source, file] of feeds) {
    await ingestPath(db.conn, join(split, `${part}_${file}`), { source, timezone: config.timezone, dayFirst: false, log: (m) => console.log(`  ${m}`) });
  }
};
const tailLoaded = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
  ((await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM ingest_audit WHERE file LIKE '%tail_%'`).catch(() => ({ n: 0 })))?.n ?? 0) > 0;

let db = await openDatabase(dbPath);
if (await tailLoaded(db)) {
  // A run before added the last day already: start again from the first D days.
  console.log(`${dbPath} already holds ${lastDay}: recreating it`);
  db.close();
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  db = await openDatabase(dbPath);
}
if (values['memory-limit']) await db.conn.run(`SET memory_limit = '${values['memory-limit'].replace(/'/g, '')}'`);
let t = performance.now();
await ingestAll(db, 'head');
console.log(`ingest of ${days} days (or skip of files already loaded): ${((performance.now() - t) / 1000).toFixed(1)} s`);

const check = (r: BuildResult, what: string) => {
  if (r.failedModel) {
    console.error(`${what}: model ${r.failedModel.name} failed: ${r.failedModel.error}`);
    process.exit(1);
  }
  const failed = r.tests.filter((x) => x.failures || x.error);
  if (failed.length) console.log(`${what}: ${failed.length} data tests FAILED: ${failed.map((f) => f.name).join(', ')}`);
};

resetPeakRss();
const full = await buildMarts(db.conn, config, () => {}, undefined, { full: true });
check(full, 'full build');
const fullRss = peakRssMb();
const fullRows = full.models.reduce((a, m) => a + m.rows, 0);

t = performance.now();
await ingestAll(db, 'tail');
console.log(`ingest of ${lastDay}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
resetPeakRss();
const inc = await buildMarts(db.conn, config, () => {}, undefined, { strategy });
check(inc, 'incremental build');
const incRss = peakRssMb();
db.close();
if (inc.kind !== 'incremental') {
  console.error(`the build after one more day was not incremental: ${inc.reason}`);
  process.exit(1);
}

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
console.log(`\nfull build of ${days} days:        ${full.seconds.toFixed(1)} s (models ${modelSeconds(full).toFixed(1)} s, data tests ${full.testSeconds.toFixed(1)} s), ${n(fullRows)} rows written, ${n(Math.round(fullRows / full.seconds))} rows/s, peak RSS ${fullRss.toFixed(0)} MB`);
console.log(
  `incremental build of ${lastDay}: ${inc.seconds.toFixed(1)} s (models ${modelSeconds(inc).toFixed(1)} s, data tests ${inc.testSeconds.toFixed(1)} s), ${n(incWritten)} rows written, peak RSS ${incRss.toFixed(0)} MB, ${strategy}`,
);
console.log(`incremental ÷ full: ${((100 * inc.seconds) / full.seconds).toFixed(1)} % of the full build's time (target < 10 %)`);
console.log(`data tests: full ${full.tests.filter((x) => !x.failures && !x.error).length}/${full.tests.length} passed, incremental ${inc.tests.filter((x) => !x.failures && !x.error).length}/${inc.tests.length} passed`);
