import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../workforce/forecast/backtest.ts';
import { parseHistoryCsv } from '../../workforce/forecast/csv.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bankFile = path.resolve(repoRoot, '..', 'shared', 'realdata', 'interval-bank-calls-2003', 'bank_calls_train.csv');

describe('accuracy on the 2003 bank call volumes', () => {
  const { series } = parseHistoryCsv(readFileSync(bankFile, 'utf8'), { local: true });

  it('the automatic choice beats the seasonal naive over two weekly origins', () => {
    const result = backtest(series, { intervalMinutes: 30, horizonDays: 7, origins: 2, models: ['auto', 'seasonal-naive'] });
    expect(result.origins).toEqual(['2003-08-08', '2003-08-15']);
    const [auto, naive] = result.models;
    expect(auto!.origins).toHaveLength(2);
    expect(auto!.wape).toBeLessThan(naive!.wape);
    // Sanity of the scale: the noise floor of ~1,100 calls per half hour is ~2.5%, and no method is perfect.
    expect(auto!.wape).toBeGreaterThan(0.02);
    expect(naive!.mase).toBeGreaterThan(0.5);
    expect(auto!.mase).toBeLessThan(naive!.mase);
  });
});
