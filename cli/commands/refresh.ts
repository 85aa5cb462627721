import type { Command } from '../command.ts';
import { memorySizeFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';
import { loadConfig } from '../../core/config.ts';

const usage = `usage: ccmart refresh --db FILE [--inbox DIR] [--plan] [--config FILE] [--memory-limit SIZE]

Updates a database safely while \`ccmart serve\` reads it: copies FILE to FILE.next, ingests the inbox into the
copy (files already loaded are skipped by content), builds the marts and runs the data tests, then renames the
copy over FILE in one atomic step. Servers move new requests to the new build; until then, and if the refresh
fails or is killed at any point, FILE stays the last complete build. One refresh runs at a time per FILE.

  --db FILE     the served DuckDB file (created if missing)
  --inbox DIR   folder of new logs: one sub-folder per feed (acd, agent-states, tickets, bot) holding CSV/TSV/
                JSONL/Parquet files, or per named format (technion, servicenow, …); names starting with "."
                are skipped, so copy a file in under a hidden name and rename it when complete
  --plan        forecast, staff and schedule after the build (as ccmart demo does)
  --config FILE JSON configuration (default: $CCMART_CONFIG or built-in defaults)
  --memory-limit SIZE  DuckDB memory limit while ingesting and building, e.g. 8GB (default: DuckDB's, 80 %
                of RAM); leave room for the server reading FILE beside it

exit code: 0 when the new build is in place; 1 when a file, a model or a data test failed (FILE unchanged).`;

const command: Command = {
  name: 'refresh',
  summary: 'ingest new logs and rebuild into a copy, then switch the served database atomically',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { db: { type: 'string' }, inbox: { type: 'string' }, plan: { type: 'boolean' }, config: { type: 'string' }, 'memory-limit': { type: 'string' } },
      usage,
    );
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}"\n\n${usage}`);
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    const memoryLimit = memorySizeFlag(values['memory-limit'], 'memory-limit');
    const config = loadConfig(values.config);
    const { inboxInputs, refreshDatabase } = await import('../../core/refresh.ts');
    const inputs = values.inbox ? inboxInputs(values.inbox) : [];
    console.log(`refreshing ${values.db}: ${inputs.length} input${inputs.length === 1 ? '' : 's'}${values.inbox ? ` from ${values.inbox}` : ''}`);
    const result = await refreshDatabase({ dbPath: values.db, inputs, config, plan: values.plan, memoryLimit, log: (m) => console.log(m) });
    const failed = result.files.filter((f) => f.status === 'failed');
    if (failed.length) {
      console.log(`${failed.length} file${failed.length === 1 ? '' : 's'} could not be read (see above); the rest is in the new build`);
      return 1;
    }
    return 0;
  },
};

export default command;
