import type { Command } from '../command.ts';
import { memorySizeFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';
import { loadConfig } from '../../core/config.ts';

const usage = `usage: ccmart build --db FILE [--config FILE] [--full] [--strategy in-place|copy] [--memory-limit SIZE]

Builds the marts and KPI tables from the raw tables (staging → intermediate → marts → kpi), runs the data
tests, and publishes the build atomically as views in the main schema. Prints whether the build is full or
incremental and why, then each model with its rows and time.

Incremental (the default when it is safe): when the last build's models, seeds, configuration and build code
are unchanged and the raw tables only gained rows of new ingests since, each model rebuilds only the
partitions (days, contacts, customers, tickets, …) the new rows touch, with the same result as a full build.
Otherwise the build is full.

options:
  --db FILE            DuckDB database file
  --config FILE        JSON configuration (default: $CCMART_CONFIG or built-in defaults)
  --full               rebuild everything, even when an incremental build is safe
  --strategy NAME      how an incremental build publishes: in-place (default) updates the published tables
                       in one transaction; copy writes a new schema with the untouched rows copied over
  --memory-limit SIZE  DuckDB memory limit for the build, e.g. 8GB (default: DuckDB's, 80 % of RAM); what
                       does not fit spills to FILE.tmp

exit code: 0 when every model built and every data test passed; 1 otherwise. A failing model stops the
build and leaves the previous build published.`;

const command: Command = {
  name: 'build',
  summary: 'build the marts and KPI tables from the raw tables (incremental when safe), with data tests',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { db: { type: 'string' }, config: { type: 'string' }, full: { type: 'boolean' }, strategy: { type: 'string', default: 'in-place' }, 'memory-limit': { type: 'string' } },
      usage,
    );
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    const strategy = values.strategy;
    if (strategy !== 'in-place' && strategy !== 'copy') throw new UserError(`--strategy: expected in-place or copy, got "${strategy}"`);
    const memoryLimit = memorySizeFlag(values['memory-limit'], 'memory-limit');
    const config = loadConfig(values.config);
    const { openDatabase, setMemoryLimit } = await import('../../core/db.ts');
    const { buildMarts } = await import('../../marts/build.ts');
    const db = await openDatabase(values.db);
    try {
      if (memoryLimit) await setMemoryLimit(db.conn, memoryLimit);
      console.log(`building marts in ${values.db} (T = ${config.slThresholdSeconds} s, W = ${config.journeyWindowDays} d, ${config.intervalMinutes}-min intervals, ${config.timezone})`);
      const result = await buildMarts(db.conn, config, (m) => console.log(m), undefined, { full: values.full, strategy });
      if (result.failedModel) return 1;
      const failed = result.tests.filter((t) => t.failures > 0 || t.error).length;
      const rebuilt = result.models.filter((m) => m.mode !== 'unchanged').length;
      const what = result.kind === 'full' ? `built ${result.models.length} models` : `incremental build: ${rebuilt} of ${result.models.length} models updated`;
      console.log(`${what} in ${result.seconds.toFixed(1)} s${failed ? `; ${failed} data tests FAILED` : ''}`);
      return failed ? 1 : 0;
    } finally {
      db.close();
    }
  },
};

export default command;
