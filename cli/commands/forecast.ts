import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart forecast --db FILE [--horizon-days 14] [--holdout-days 7] [--shrinkage 0.3] [--config FILE]
       ccmart forecast --history FILE.csv --interval MINUTES --horizon-days N --out FILE.csv
                       [--local] [--calendar FILE.csv] [--model auto|NAME] [--aht-model auto|NAME]
                       [--coverage 0.8] [--backtest-origins 4]

With --db: forecasts every queue's interval volume and AHT from kpi_interval (at the configured interval),
sizes staffing per interval under Erlang C and Erlang A (queue targets from dim_queue, patience and shrinkage
observed in the data; --shrinkage where a queue has no agent states) and writes fct_forecast, fct_staffing and
fct_forecast_accuracy (the last --holdout-days forecast from the history before them, against the actuals).
Run it after \`ccmart build\`.

With --history: forecasts one queue's contact volume (and AHT when the history has it) per interval for the N days after the
history, choosing the method by rolling-origin backtest.

  --history FILE.csv     header + rows: timestamp,volume[,aht]  (also accepted: datetime/time for the
                         timestamp, calls/offered/contacts/count for the volume; other columns are ignored).
                         Any interval width ≥ 1 min that divides --interval; rows are summed into intervals.
  --interval MINUTES     forecast interval (15, 30, 60, …; must divide a day)
  --horizon-days N       calendar days to forecast after the last day of history
  --out FILE.csv         writes timestamp,forecast,lower,upper[,aht_forecast] for the open intervals
  --local                timestamps ending in Z or an offset are local wall clock: the zone is dropped.
                         Without it, zoned timestamps are converted to UTC and forecast on the UTC clock
                         (output timestamps then end in Z); timestamps without a zone are always wall clock.
  --calendar FILE.csv    date,kind[,factor][,name] with kind holiday|special. A holiday without factor is
                         closed (not learned from, not forecast); a factor scales the normal-day forecast.
  --model NAME           auto (default) or one of: seasonal-naive, mean-4w, median-4w, holt-winters-additive,
                         holt-winters-multiplicative, double-seasonal-hw, daily-profile
  --aht-model NAME       the same for AHT (daily-profile is for volumes only)
  --coverage P           central coverage of the prediction interval (default 0.8)
  --backtest-origins K   weekly origins of the backtest that chooses and scores the method (default 4)`;

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(2)}%`);

const command: Command = {
  name: 'forecast',
  summary: 'forecast interval volume and AHT with staffing from the marts (--db) or from a history CSV (--history)',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        history: { type: 'string' },
        interval: { type: 'string' },
        'horizon-days': { type: 'string' },
        out: { type: 'string' },
        local: { type: 'boolean' },
        calendar: { type: 'string' },
        model: { type: 'string' },
        'aht-model': { type: 'string' },
        coverage: { type: 'string' },
        'backtest-origins': { type: 'string' },
        db: { type: 'string' },
        'holdout-days': { type: 'string' },
        shrinkage: { type: 'string' },
        config: { type: 'string' },
      },
      usage,
    );
    if (values.db) return forecastMarts(values.db, values);
    if (!values.history) throw new UserError(`--history is required\n\n${usage}`);
    if (!values.out) throw new UserError(`--out is required\n\n${usage}`);
    const interval = numberFlag(values.interval, 'interval');
    const horizon = numberFlag(values['horizon-days'], 'horizon-days');
    if (interval === undefined) throw new UserError(`--interval is required\n\n${usage}`);
    if (horizon === undefined) throw new UserError(`--horizon-days is required\n\n${usage}`);
    if (!Number.isInteger(interval) || interval < 1 || 1440 % interval !== 0) {
      throw new UserError(`--interval: expected whole minutes that divide a day (15, 30, 60, …), got ${interval}`);
    }
    if (!Number.isInteger(horizon) || horizon < 1) throw new UserError(`--horizon-days: expected a whole number ≥ 1, got ${horizon}`);
    const coverage = numberFlag(values.coverage, 'coverage', 0.8)!;
    if (!(coverage > 0 && coverage < 1)) throw new UserError(`--coverage: expected a number between 0 and 1, got ${coverage}`);
    const origins = numberFlag(values['backtest-origins'], 'backtest-origins', 4)!;
    if (!Number.isInteger(origins) || origins < 1) throw new UserError(`--backtest-origins: expected a whole number ≥ 1, got ${origins}`);

    const { readFile, writeFile } = await import('node:fs/promises');
    const { parseHistoryCsv, parseCalendarCsv } = await import('../../workforce/forecast/csv.ts');
    const { forecastSeries, ForecastInputError, MODEL_NAMES } = await import('../../workforce/forecast/index.ts');
    const { formatTimestamp } = await import('../../workforce/forecast/clock.ts');

    const model = values.model ?? 'auto';
    const ahtModel = values['aht-model'] ?? 'auto';
    for (const [flag, name] of [['model', model], ['aht-model', ahtModel]] as const) {
      if (name !== 'auto' && !MODEL_NAMES.includes(name)) {
        throw new UserError(`--${flag}: unknown method "${name}"; choose auto or one of ${MODEL_NAMES.join(', ')}`);
      }
    }
    const read = async (file: string, flag: string) => {
      try {
        return await readFile(file, 'utf8');
      } catch (err) {
        throw new UserError(`--${flag}: cannot read ${file}: ${(err as Error).message}`);
      }
    };
    const historyText = await read(values.history, 'history');
    const calendarText = values.calendar ? await read(values.calendar, 'calendar') : undefined;

    try {
      const history = parseHistoryCsv(historyText, { local: values.local ?? false });
      const calendar = calendarText === undefined ? [] : parseCalendarCsv(calendarText);
      const started = performance.now();
      const result = forecastSeries(history.series, {
        intervalMinutes: interval,
        horizonDays: horizon,
        model,
        ahtModel,
        calendar,
        coverage,
        backtestOrigins: origins,
      });
      const hasAht = result.aht !== undefined;
      const lines = [hasAht ? 'timestamp,forecast,lower,upper,aht_forecast' : 'timestamp,forecast,lower,upper'];
      for (const row of result.intervals) {
        const cells = [formatTimestamp(row.start, history.utcClock), fmt(row.forecast), fmt(row.lower), fmt(row.upper)];
        if (hasAht) cells.push(fmt(row.ahtForecast ?? NaN));
        lines.push(cells.join(','));
      }
      await writeFile(values.out, lines.join('\n') + '\n');

      const report = (label: string, chosen: typeof result.volume) => {
        const acc = chosen.accuracy;
        console.log(
          `${label}: ${chosen.name}  backtest WAPE ${pct(acc?.wape)}  MASE ${acc ? acc.mase.toFixed(3) : 'n/a'}` +
            (acc ? `  (${acc.origins} weekly origins, ${acc.horizonDays}-day horizon)` : '  (history too short to backtest)'),
        );
        console.log(`  parameters: ${Object.entries(chosen.params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
        if (chosen.candidates.length) {
          console.log(`  candidates: ${chosen.candidates.map((c) => `${c.name} ${pct(c.wape)}`).join(', ')}`);
        }
      };
      console.log(
        `forecast ${result.firstDay} … ${result.lastDay} at ${interval}-min intervals: ${result.intervals.length} open intervals ` +
          `(${result.openIntervalsPerWeek} per normal week)` +
          (result.closedDays.length ? `, closed ${result.closedDays.join(' ')}` : ''),
      );
      report('volume', result.volume);
      if (result.aht) report('aht', result.aht);
      console.log(`wrote ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    } catch (err) {
      if (err instanceof ForecastInputError) throw new UserError(err.message);
      throw err;
    }
  },
};

async function forecastMarts(
  db: string,
  values: { 'horizon-days'?: string; 'holdout-days'?: string; shrinkage?: string; config?: string },
): Promise<number> {
  const horizon = numberFlag(values['horizon-days'], 'horizon-days', 14)!;
  if (!Number.isInteger(horizon) || horizon < 1) throw new UserError(`--horizon-days: expected a whole number ≥ 1, got ${horizon}`);
  const holdout = numberFlag(values['holdout-days'], 'holdout-days', 7)!;
  if (!Number.isInteger(holdout) || holdout < 0) throw new UserError(`--holdout-days: expected a whole number ≥ 0, got ${holdout}`);
  const shrinkage = numberFlag(values.shrinkage, 'shrinkage', 0.3)!;
  if (!(shrinkage >= 0 && shrinkage < 1)) throw new UserError(`--shrinkage: expected a share in [0, 1), got ${shrinkage}`);
  const { existsSync } = await import('node:fs');
  if (!existsSync(db)) throw new UserError(`--db: ${db} does not exist`);
  const { loadConfig } = await import('../../core/config.ts');
  const { openDatabase } = await import('../../core/db.ts');
  const { planFromMarts } = await import('../../workforce/plan.ts');
  const config = loadConfig(values.config);
  const database = await openDatabase(db);
  try {
    const t0 = performance.now();
    console.log(`forecasting ${horizon} days per queue at ${config.intervalMinutes}-min intervals…`);
    const result = await planFromMarts(database.conn, config, { horizonDays: horizon, holdoutDays: holdout, defaultShrinkage: shrinkage, log: (m) => console.log(m) });
    for (const s of result.skipped) console.log(`  ${s.queue_id}: skipped (${s.reason})`);
    console.log(`wrote fct_forecast, fct_staffing and fct_forecast_accuracy for ${result.queues.length} queues in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    database.close();
  }
}

export default command;
