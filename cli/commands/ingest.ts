import type { Command } from '../command.ts';
import { memorySizeFlag, parseFlags } from '../../core/args.ts';
import { UserError } from '../../core/errors.ts';
import { loadConfig } from '../../core/config.ts';
import { sources, type Source } from '../../pipelines/contracts.ts';
import { encodings, type Encoding } from '../../pipelines/readers/encoding.ts';

const usage = `usage: ccmart ingest --db FILE --source acd|agent-states|tickets|bot [--format NAME] [--tz ZONE] PATH…

Validates raw logs and loads the clean rows into DuckDB; every rejected row goes to rejected_rows with its
file, line and reason, and ingest_audit records per file: rows read = loaded + rejected + duplicates.

options:
  --db FILE            DuckDB database file (created if missing)
  --source FEED        acd, agent-states, tickets or bot (named formats know their feeds)
  --format NAME        csv, tsv, jsonl, parquet, or a named vendor format (default: from the extension)
  --tz ZONE            IANA zone of wall-clock times in the files (default: config timezone)
  --delimiter CHAR     field delimiter of delimited files (default: detected)
  --encoding ENC       utf-8 or gb18030 (default: detected)
  --day-first          read 01/02/2024 as 1 February (default: month first)
  --option KEY=VALUE   setting of a named format (repeatable)
  --memory-limit SIZE  DuckDB memory limit while ingesting, e.g. 3GB or 500MB (default: 3GB); what does not
                       fit spills to a temporary folder beside the database
  --pseudonymize       store customer ids and phone numbers as keyed pseudonyms (HMAC-SHA-256), also in the
                       raw text of rejected rows; the key comes from $CCMART_PSEUDONYM_KEY (at least 16 bytes)
  --key-file FILE      read the pseudonym key from FILE instead (one final newline is dropped)
  --config FILE        JSON configuration (default: $CCMART_CONFIG or built-in defaults)

exit code: 0 when every file was read (rows may still be rejected), 1 when a file could not be read,
2 for a bad flag, a missing file, or a pseudonym key that is missing or not the database's.`;

const command: Command = {
  name: 'ingest',
  summary: 'validate raw ACD / agent-state / ticket / bot logs and load them into DuckDB',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        db: { type: 'string' },
        source: { type: 'string' },
        format: { type: 'string' },
        tz: { type: 'string' },
        delimiter: { type: 'string' },
        encoding: { type: 'string' },
        'day-first': { type: 'boolean' },
        option: { type: 'string', multiple: true },
        'memory-limit': { type: 'string', default: '3GB' },
        pseudonymize: { type: 'boolean' },
        'key-file': { type: 'string' },
        config: { type: 'string' },
      },
      usage,
    );
    if (!values.db) throw new UserError(`--db is required\n\n${usage}`);
    if (positionals.length === 0) throw new UserError(`give at least one PATH to ingest\n\n${usage}`);
    if (values.source && !sources.includes(values.source as Source)) throw new UserError(`--source: unknown feed "${values.source}" (expected ${sources.join(', ')})`);
    if (values.encoding && !encodings.includes(values.encoding.toLowerCase() as Encoding)) throw new UserError(`--encoding: expected utf-8 or gb18030, got "${values.encoding}"`);
    const delimiter = values.delimiter === '\\t' || values.delimiter === 'tab' ? '\t' : values.delimiter;
    if (delimiter !== undefined && delimiter.length !== 1) throw new UserError(`--delimiter: expected one character, got "${values.delimiter}"`);
    const memoryLimit = memorySizeFlag(values['memory-limit'], 'memory-limit')!;
    const formatOptions: Record<string, string> = {};
    for (const o of values.option ?? []) {
      const eq = o.indexOf('=');
      if (eq < 1) throw new UserError(`--option: expected KEY=VALUE, got "${o}"`);
      formatOptions[o.slice(0, eq)] = o.slice(eq + 1);
    }
    const config = loadConfig(values.config, { timezone: values.tz, dayFirst: values['day-first'] });
    assertZone(config.timezone);
    if (values['key-file'] && !values.pseudonymize) throw new UserError('--key-file is only used with --pseudonymize');
    // The key is checked before the database is opened: a missing key changes nothing.
    const { Pseudonymizer, loadPseudonymKey } = await import('../../pipelines/pseudonymize.ts');
    const pseudonymizer = values.pseudonymize ? new Pseudonymizer(loadPseudonymKey(values['key-file'])) : undefined;
    const { openDatabase, setMemoryLimit } = await import('../../core/db.ts');
    const { ingestPath } = await import('../../pipelines/ingest.ts');
    const db = await openDatabase(values.db);
    let failed = 0;
    try {
      // Bounds memory on large files: DuckDB spills the staged and checked rows to disk beyond this.
      await setMemoryLimit(db.conn, memoryLimit);
      for (const path of positionals) {
        const results = await ingestPath(db.conn, path, {
          source: values.source as Source | undefined,
          format: values.format,
          timezone: config.timezone,
          dayFirst: config.dayFirst,
          delimiter,
          encoding: values.encoding?.toLowerCase() as Encoding | undefined,
          formatOptions,
          config,
          pseudonymizer,
          log: (m) => console.log(m),
        });
        for (const r of results) if (r.status === 'failed') {
          failed++;
          console.error(r.message);
        }
      }
    } finally {
      db.close();
    }
    return failed ? 1 : 0;
  },
};

function assertZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new UserError(`--tz: unknown time zone "${zone}" (use an IANA name such as Asia/Shanghai)`);
  }
}

export default command;
