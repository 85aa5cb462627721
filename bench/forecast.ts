// Forecast accuracy on real data: rolling-origin backtest of one-week forecasts of the 2003 bank call volumes
// (Weinberg, Brown & Stroud 2007), the automatic method against the planners' baselines.
//   node bin/run-ts.js bench/forecast.ts [--interval 30] [--origins 8] [--window test|dev]
// `--window dev` scores the 8 weeks before the test window instead (the history is cut before the test weeks),
// which is where the methods were tuned.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHistoryCsv } from '../workforce/forecast/csv.ts';
import { backtest } from '../workforce/forecast/backtest.ts';
import { DAY_MS, isoDate, dayNumberOf } from '../workforce/forecast/clock.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.resolve(repoRoot, '..', 'shared', 'realdata', 'interval-bank-calls-2003', 'bank_calls_train.csv');

const { values: flags } = parseArgs({
  options: {
    interval: { type: 'string', default: '30' },
    origins: { type: 'string', default: '8' },
    window: { type: 'string', default: 'test' },
    'backtest-origins': { type: 'string', default: '4' },
  },
});
const intervalMinutes = Number(flags.interval);
const origins = Number(flags.origins);

const started = performance.now();
let { series } = parseHistoryCsv(readFileSync(file, 'utf8'), { local: true });
const lastDay = dayNumberOf(Math.max(...series.timestamps));
if (flags.window === 'dev') {
  const cut = (lastDay + 1 - 7 * origins) * DAY_MS;
  const keep = series.timestamps.map((t) => t < cut);
  series = { timestamps: series.timestamps.filter((_, i) => keep[i]), volumes: series.volumes.filter((_, i) => keep[i]) };
}
const baselines = ['seasonal-naive', 'mean-4w', 'median-4w', 'holt-winters-additive', 'holt-winters-multiplicative'];
const others = ['double-seasonal-hw', 'daily-profile'];
const result = backtest(series, { intervalMinutes, horizonDays: 7, origins, models: ['auto', ...baselines, ...others], backtestOrigins: Number(flags['backtest-origins']) });
// The same automatic choice given the two bank holidays in the period, known in advance: closed days, and the
// carry-over effect on the day after, learned from earlier holidays.
const holidays = [
  { date: '2003-05-26', kind: 'holiday' as const, name: 'Memorial Day' },
  { date: '2003-07-04', kind: 'holiday' as const, name: 'Independence Day' },
];
const withCalendar = backtest(series, {
  intervalMinutes,
  horizonDays: 7,
  origins,
  models: ['auto'],
  backtestOrigins: Number(flags['backtest-origins']),
  calendar: holidays,
}).models[0]!;
withCalendar.model = 'auto + holiday calendar';
result.models.splice(1, 0, withCalendar);
const seconds = (performance.now() - started) / 1000;

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const bestBaseline = result.models.filter((m) => baselines.includes(m.model)).sort((a, b) => a.wape - b.wape)[0]!;
console.log(`bank_calls_train.csv: ${series.timestamps.length} rows of 5-min volumes, ${flags.window} window`);
console.log(
  `rolling origin: ${result.origins.length} one-week horizons at ${intervalMinutes}-min intervals, ` +
    `first forecast days ${result.origins[0]} … ${result.origins[result.origins.length - 1]}, each trained on all days before it`,
);
console.log('');
console.log(`${'method'.padEnd(40)} ${'WAPE'.padStart(8)} ${'MASE'.padStart(7)} ${'80% cover'.padStart(10)} ${'÷ best baseline'.padStart(16)} ${'time'.padStart(8)}`);
for (const m of result.models) {
  const tag = baselines.includes(m.model) ? ' (baseline)' : '';
  console.log(
    `${(m.model + tag).padEnd(40)} ${pct(m.wape).padStart(8)} ${m.mase.toFixed(3).padStart(7)} ${pct(m.coverage).padStart(10)} ` +
      `${(m.wape / bestBaseline.wape).toFixed(3).padStart(16)} ${(m.milliseconds / 1000).toFixed(1).padStart(7)}s`,
  );
}
const auto = result.models.find((m) => m.model === 'auto')!;
console.log('');
console.log('auto, per origin:');
for (const o of auto.origins) console.log(`  ${o.origin}  WAPE ${pct(o.wape).padStart(7)}  MASE ${o.mase.toFixed(3)}  ${o.chosen}`);
console.log('');
console.log(
  `auto WAPE ${pct(auto.wape)} vs best baseline ${bestBaseline.model} ${pct(bestBaseline.wape)}: ratio ${(auto.wape / bestBaseline.wape).toFixed(3)} ` +
    `(${pct(1 - auto.wape / bestBaseline.wape)} lower; target ≥ 10% lower)`,
);
console.log(`run time ${seconds.toFixed(1)} s (last day of data ${isoDate(lastDay)})`);
