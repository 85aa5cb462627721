import type { Command } from '../command.ts';
import { numberFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';

const usage = `usage: ccmart sql --db FILE [--format table|csv|json] [--limit N] [--timeout SECONDS] "SELECT …"

Runs one read-only query on the marts (the database is opened read-only, with no file or network access).
Example: ccmart sql --db data/ccmart.duckdb "SELECT queue_id, sum(offered) FROM kpi_daily GROUP BY 1"`;

const command: Command = {
  name: 'sql',
  summary: 'run a read-only SQL query on the marts (table, CSV or JSON output)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { db: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, timeout: { type: 'string' } },
      usage,
    );
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    if (positionals.length !== 1) throw new UserError(`give the query as one argument\n\n${usage}`);
    const format = values.format ?? 'table';
    if (!['table', 'csv', 'json'].includes(format)) throw new UserError(`--format: expected table, csv or json, got "${format}"`);
    const maxRows = numberFlag(values.limit, 'limit', 10_000)!;
    const timeout = numberFlag(values.timeout, 'timeout', 60)!;
    const { existsSync } = await import('node:fs');
    if (!existsSync(values.db)) throw new UserError(`--db: ${values.db} does not exist`);
    const { openSandbox, runReadOnly } = await import('../../core/sandbox.ts');
    const { formatCsv, formatTable } = await import('../../core/format.ts');
    const sandbox = await openSandbox(values.db);
    try {
      const conn = await sandbox.connect();
      const result = await runReadOnly(conn, positionals[0]!, { maxRows, timeoutMs: timeout * 1000 });
      const cols = result.columns.map((c) => c.name);
      if (format === 'json') console.log(JSON.stringify(result.rows));
      else if (format === 'csv') console.log(formatCsv(cols, result.rows));
      else {
        console.log(formatTable(cols, result.rows));
        console.log(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? `, cut at --limit ${maxRows}` : ''}, ${result.seconds.toFixed(3)} s)`);
      }
      if (result.truncated && format !== 'table') console.error(`ccmart sql: output cut at --limit ${maxRows} rows`);
      conn.closeSync();
      return 0;
    } finally {
      sandbox.close();
    }
  },
};

export default command;
