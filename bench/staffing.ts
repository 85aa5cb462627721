// `npm run bench:staffing`: staffing a week of 30-min intervals for 50 queues (16,800 intervals) under
// Erlang C and Erlang A, as the what-if page and the staffing mart do. Prints time per pass and intervals/s.
import { requiredAgents, trafficIntensity } from '../workforce/erlang.ts';
import { requiredAgentsErlangA } from '../workforce/erlangA.ts';
import { staffIntervals, type StaffIntervalInput } from '../workforce/staffing.ts';
import { seededRandom as random } from '../workforce/forecast/synthetic.ts';

const QUEUES = 50;
const INTERVALS_PER_WEEK = 7 * 48;
const INTERVAL_SECONDS = 1800;
const PASSES = 5;

/** A week of forecast intervals per queue: an intraday double peak, quieter weekends, a queue-sized volume. */
function week(): Array<{ calls: number; ahtSeconds: number; patienceSeconds: number }> {
  const rand = random(2024);
  const rows: Array<{ calls: number; ahtSeconds: number; patienceSeconds: number }> = [];
  for (let q = 0; q < QUEUES; q++) {
    const peakCalls = 20 + rand() * 480; // busiest half hour: 20 to 500 calls
    const ahtSeconds = 180 + rand() * 420; // 3 to 10 minutes
    const patienceSeconds = 60 + rand() * 240;
    for (let i = 0; i < INTERVALS_PER_WEEK; i++) {
      const day = Math.floor(i / 48);
      const hour = (i % 48) / 2;
      const open = hour >= 7 && hour < 22;
      const shape = open ? 0.35 + 0.65 * Math.max(Math.exp(-((hour - 10.5) ** 2) / 4), 0.85 * Math.exp(-((hour - 15) ** 2) / 5)) : 0.03;
      const weekend = day >= 5 ? 0.45 : 1;
      const calls = Math.max(0, Math.round(peakCalls * shape * weekend * (0.9 + 0.2 * rand())));
      rows.push({ calls, ahtSeconds, patienceSeconds });
    }
  }
  return rows;
}

/** Median wall-clock and CPU time of PASSES runs after a warm-up (CPU time is steadier on a shared machine). */
function time(label: string, run: () => number, count: number): number {
  run(); // warm-up: the first pass includes JIT compilation
  const wall: number[] = [];
  const cpu: number[] = [];
  let checksum = 0;
  for (let p = 0; p < PASSES; p++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    checksum = run();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = median(wall);
  console.log(
    `${label.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms wall ${median(cpu).toFixed(1).padStart(7)} ms CPU  ` +
      `${Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(10)} intervals/s  Σ agents ${checksum}`,
  );
  return ms;
}

const rows = week();
const erlangs = rows.map((r) => trafficIntensity(r.calls, r.ahtSeconds, INTERVAL_SECONDS));
const n = rows.length;
console.log(
  `${QUEUES} queues × ${INTERVALS_PER_WEEK} intervals = ${n.toLocaleString('en-US')} intervals; ` +
    `calls/interval ${Math.min(...rows.map((r) => r.calls))}–${Math.max(...rows.map((r) => r.calls))}, ` +
    `up to ${Math.max(...erlangs).toFixed(0)} Erlangs; targets 80 % in 20 s, occupancy ≤ 85 % (Erlang A also abandon ≤ 5 %); median of ${PASSES} passes`,
);

const targets = { serviceLevel: 0.8, serviceLevelSeconds: 20, maxOccupancy: 0.85 };
const c = time('Erlang C, requiredAgents', () => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += requiredAgents(erlangs[i]!, rows[i]!.ahtSeconds, targets);
  return sum;
}, n);
const a = time('Erlang A, requiredAgentsErlangA', () => {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    sum += requiredAgentsErlangA({ erlangs: erlangs[i]!, ahtSeconds: r.ahtSeconds, patienceSeconds: r.patienceSeconds }, { ...targets, maxAbandonRate: 0.05 });
  }
  return sum;
}, n);

const inputsC: StaffIntervalInput[] = rows.map((r) => ({ calls: r.calls, ahtSeconds: r.ahtSeconds, intervalSeconds: INTERVAL_SECONDS, targets, shrinkage: 0.3 }));
const inputsA: StaffIntervalInput[] = rows.map((r) => ({ ...r, intervalSeconds: INTERVAL_SECONDS, targets: { ...targets, maxAbandonRate: 0.05 }, shrinkage: 0.3 }));
const fullC = time('staffIntervals (validated, all figures), C', () => staffIntervals(inputsC).reduce((s, r) => s + r.agents, 0), n);
const fullA = time('staffIntervals (validated, all figures), C + A', () => staffIntervals(inputsA).reduce((s, r) => s + r.agents, 0), n);

console.log(`Erlang A ÷ Erlang C time: ${(a / c).toFixed(1)}×; full batch ÷ bare search: C ${(fullC / c).toFixed(1)}×, A ${(fullA / a).toFixed(1)}×`);
