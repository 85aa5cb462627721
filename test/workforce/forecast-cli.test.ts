import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, formatTimestamp, parseIsoDate } from '../../workforce/forecast/clock.ts';
import { syntheticSeries } from '../../workforce/forecast/synthetic.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bankFile = path.resolve(repoRoot, '..', 'shared', 'realdata', 'interval-bank-calls-2003', 'bank_calls_train.csv');
const dir = mkdtempSync(path.join(tmpdir(), 'ccmart-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ccmart(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/ccmart.js', 'forecast', ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface OutRow {
  timestamp: string;
  forecast: number;
  lower: number;
  upper: number;
  aht?: number;
}

function readOut(file: string): { header: string; rows: OutRow[] } {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const rows = lines.map((line) => {
    const [timestamp, forecast, lower, upper, aht] = line.split(',');
    return { timestamp: timestamp!, forecast: Number(forecast), lower: Number(lower), upper: Number(upper), ...(aht === undefined ? {} : { aht: Number(aht) }) };
  });
  return { header: header!, rows };
}

function expectSaneRows(rows: OutRow[]): void {
  for (const r of rows) {
    expect(Number.isFinite(r.forecast) && Number.isFinite(r.lower) && Number.isFinite(r.upper)).toBe(true);
    expect(r.lower).toBeGreaterThanOrEqual(0);
    expect(r.lower).toBeLessThanOrEqual(r.forecast);
    expect(r.forecast).toBeLessThanOrEqual(r.upper);
  }
}

describe('ccmart forecast', () => {
  it('forecasts a generated 15-min history at 60-min intervals with AHT', async () => {
    // Weekdays 09:00–17:00 (8 hourly intervals), 8 weeks, UTC timestamps with Z.
    const start = parseIsoDate('2024-01-01')!;
    const series = syntheticSeries(
      {
        startDay: start,
        days: 56,
        stepMinutes: 15,
        mean: (_d, weekday, minute) => (weekday >= 1 && weekday <= 5 && minute >= 540 && minute < 1020 ? 12 : 0),
        aht: () => 300,
      },
      3,
    );
    const lines = ['timestamp,volume,aht', ...series.timestamps.map((t, i) => `${formatTimestamp(t, true)},${series.volumes[i]},${series.ahts![i]}`)];
    const history = path.join(dir, 'small.csv');
    const out = path.join(dir, 'small-out.csv');
    writeFileSync(history, lines.join('\n') + '\n');
    const res = await ccmart(['--history', history, '--interval', '60', '--horizon-days', '14', '--out', out]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/volume: \S+ +backtest WAPE \d+\.\d+% +MASE \d\.\d{3}/);
    const { header, rows } = readOut(out);
    expect(header).toBe('timestamp,forecast,lower,upper,aht_forecast');
    // 14 days = 10 weekdays × 8 open hours.
    expect(rows).toHaveLength(80);
    expect(rows[0]!.timestamp).toBe(formatTimestamp((start + 56) * DAY_MS + 9 * 3_600_000, true));
    expectSaneRows(rows);
    const hourly = rows.reduce((s, r) => s + r.forecast, 0) / rows.length;
    expect(hourly).toBeGreaterThan(4 * 12 * 0.9);
    expect(hourly).toBeLessThan(4 * 12 * 1.1);
    for (const r of rows) expect(r.aht).toBeCloseTo(300, 6);
  });

  it('forecasts the real bank file read as local time, one row per open interval', async () => {
    const out = path.join(dir, 'bank-out.csv');
    const res = await ccmart(['--history', bankFile, '--interval', '30', '--horizon-days', '7', '--out', out, '--local']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    // Open intervals counted independently from the file: distinct weekdays × distinct 30-min buckets.
    const raw = readFileSync(bankFile, 'utf8').trim().split('\n').slice(1);
    const buckets = new Set<string>();
    const weekdays = new Set<number>();
    for (const line of raw) {
      const stamp = line.split(',')[1]!;
      const minutes = Number(stamp.slice(11, 13)) * 60 + Number(stamp.slice(14, 16));
      buckets.add(String(Math.floor(minutes / 30)));
      weekdays.add(new Date(stamp.slice(0, 10)).getUTCDay());
    }
    const { header, rows } = readOut(out);
    expect(header).toBe('timestamp,forecast,lower,upper');
    expect(rows).toHaveLength(weekdays.size * buckets.size);
    expect(rows[0]!.timestamp).toBe('2003-08-22T07:00:00');
    expect(rows.at(-1)!.timestamp).toBe('2003-08-28T21:00:00');
    expectSaneRows(rows);
    expect(res.stdout).toMatch(/volume: .*backtest WAPE/);
  });

  it('names the line and field of a bad history row', async () => {
    const history = path.join(dir, 'bad.csv');
    writeFileSync(history, 'timestamp,volume\n2024-01-01T09:00:00Z,4\n2024-01-01T09:15:00Z,5\n2024-01-01T09:30:00Z,five\n');
    const res = await ccmart(['--history', history, '--interval', '30', '--horizon-days', '1', '--out', path.join(dir, 'x.csv')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('line 4, field "volume": "five"');
    expect(res.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects a bad interval and an unknown method', async () => {
    const a = await ccmart(['--history', bankFile, '--interval', '7', '--horizon-days', '1', '--out', path.join(dir, 'x.csv')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--interval');
    const b = await ccmart(['--history', bankFile, '--interval', '30', '--horizon-days', '1', '--out', path.join(dir, 'x.csv'), '--model', 'arima']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('unknown method "arima"');
  });
});
