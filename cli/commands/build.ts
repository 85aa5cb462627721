import type { Command } from '../command.ts';
import { parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';
import { loadConfig } from '../../core/config.ts';

const usage = `usage: ccmart build --db FILE [--config FILE]

Runs the SQL models in marts/ (staging → intermediate → marts → kpi) into a new schema, runs the data
tests, and publishes the build atomically as views in the main schema. Prints each model with its rows and
time. A failing model stops the build and leaves the previous build published.

exit code: 0 when every model built and every data test passed; 1 otherwise.`;

const command: Command = {
  name: 'build',
  summary: 'build the marts and KPI tables from the raw tables, with data tests',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, { db: { type: 'string' }, config: { type: 'string' } }, usage);
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    const config = loadConfig(values.config);
    const { openDatabase } = await import('../../core/db.ts');
    const { buildMarts } = await import('../../marts/build.ts');
    const db = await openDatabase(values.db);
    try {
      console.log(`building marts in ${values.db} (T = ${config.slThresholdSeconds} s, W = ${config.journeyWindowDays} d, ${config.intervalMinutes}-min intervals, ${config.timezone})`);
      const result = await buildMarts(db.conn, config, (m) => console.log(m));
      if (result.failedModel) return 1;
      const failed = result.tests.filter((t) => t.failures > 0 || t.error).length;
      console.log(`built ${result.models.length} models in ${result.seconds.toFixed(1)} s${failed ? `; ${failed} data tests FAILED` : ''}`);
      return failed ? 1 : 0;
    } finally {
      db.close();
    }
  },
};

export default command;
