/**
 * Ingest of one file: hash → sniff (binary, encoding) → stage → validate → duplicates → one transaction that
 * writes the clean rows, the rejected rows and the audit row. Rows read = loaded + rejected + duplicates.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type Contract, type Source, contracts, storedColumns } from './contracts.ts';
import { validationSelect } from './validate.ts';
import { exec, ident, literal, queryOne, queryRows } from '../core/db.ts';
import { UserError } from '../core/errors.ts';
import { ensureSchema } from './schema.ts';
import { type Encoding, detectEncoding, isGzip, sniff, transcodeToUtf8 } from './readers/encoding.ts';
import { readRecords } from './readers/records.ts';
import { FileError, type StageReject, type StageResult, collectAdapterOutput, stageAdapterRows, stageCsv, stageJsonl, stageParquet } from './stage.ts';
import { adapterFor } from './adapters/index.ts';
import { loadCodeMappings } from './codes.ts';

export type InputFormat = 'csv' | 'jsonl' | 'parquet';

export interface IngestOptions {
  /** Feed of the file (required for csv/jsonl/parquet; named formats know their feeds). */
  source?: Source;
  /** csv, tsv, jsonl, parquet or a named format; guessed from the extension when absent. */
  format?: string;
  timezone: string;
  dayFirst: boolean;
  delimiter?: string;
  encoding?: Encoding;
  /** Format-specific settings for named formats. */
  formatOptions?: Record<string, string>;
  log?: (message: string) => void;
}

export interface FileResult {
  file: string;
  source: Source | null;
  format: string;
  status: 'loaded' | 'skipped' | 'empty' | 'failed';
  ingestId: number | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsDuplicate: number;
  message: string;
}

export function guessFormat(path: string): InputFormat | null {
  const ext = extname(path.toLowerCase().replace(/\.gz$/, ''));
  if (['.csv', '.tsv', '.txt', '.tab'].includes(ext)) return 'csv';
  if (['.jsonl', '.ndjson', '.json'].includes(ext)) return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  return null;
}

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Ingests one path; a named format may yield several feeds, hence one result per feed. */
export async function ingestPath(conn: DuckDBConnection, path: string, opts: IngestOptions): Promise<FileResult[]> {
  const log = opts.log ?? (() => {});
  if (!existsSync(path)) throw new UserError(`${path}: no such file`);
  await ensureSchema(conn);
  const adapter = opts.format ? adapterFor(opts.format) : undefined;
  const format = adapter ? adapter.name : opts.format === 'tsv' ? 'csv' : (opts.format ?? guessFormat(path));
  if (!format || !['csv', 'jsonl', 'parquet'].includes(format) && !adapter) {
    throw new UserError(`${path}: unknown format${opts.format ? ` "${opts.format}"` : ' (pass --format)'}`);
  }
  const isDir = statSync(path).isDirectory();
  if (isDir && !adapter) throw new UserError(`${path}: is a folder; only named formats read folders`);
  const bytes = isDir ? 0 : statSync(path).size;
  const hash = isDir ? `dir:${path}` : await hashFile(path);
  const sourcesOfFile: readonly Source[] = adapter ? adapter.sources : [requireSource(opts.source, path)];
  const already = await queryOne<{ ingest_id: number; started_at: Date }>(
    conn,
    `SELECT ingest_id, started_at FROM ingest_audit WHERE content_hash = $hash AND format = $format AND status IN ('loaded', 'empty') AND source IN (${sourcesOfFile.map(literal).join(', ')}) ORDER BY ingest_id LIMIT 1`,
    { hash, format } as never,
  );
  if (already && !isDir) {
    log(`${path}: already loaded (same content, ingest #${already.ingest_id}); nothing added`);
    return [
      { file: path, source: sourcesOfFile[0] ?? null, format, status: 'skipped', ingestId: already.ingest_id, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rowsDuplicate: 0, message: `already loaded by ingest #${already.ingest_id}` },
    ];
  }
  const base = { file: path, format, hash, bytes, timezone: opts.timezone };

  if (adapter) {
    const t0 = performance.now();
    log(`${path}: reading as ${adapter.name}…`);
    let bySource;
    try {
      bySource = await collectAdapterOutput(adapter.read(path, { timezone: opts.timezone, options: opts.formatOptions ?? {} }));
    } catch (err) {
      const e = err as Error;
      const result = await recordFailure(conn, { ...base, source: sourcesOfFile[0]!, encoding: 'utf-8' }, e instanceof FileError ? e : new FileError(1, null, e.message), t0);
      log(`${path}: FAILED — ${result.message}`);
      return [result];
    }
    const results: FileResult[] = [];
    for (const [source, { rows }] of bySource) {
      const contract = contracts[source];
      const stage = await stageAdapterRows(conn, contract, rows);
      results.push(await validateAndLoad(conn, contract, stage, { ...base, source, encoding: 'utf-8', readPath: path }, opts, t0));
    }
    if (results.length === 0) log(`${path}: the ${adapter.name} reader found no records`);
    return results;
  }

  const source = sourcesOfFile[0]!;
  const contract = contracts[source];
  const t0 = performance.now();
  if (bytes === 0) return [await recordEmpty(conn, { ...base, source, encoding: 'utf-8' }, t0, log)];
  const head = format === 'parquet' ? null : await sniff(path);
  if (head && head.nulAt >= 0) {
    const r = await recordFailure(conn, { ...base, source, encoding: 'unknown' }, new FileError(1, null, `binary data, not text (NUL byte at byte ${head.nulAt}); nothing loaded from this file`), t0, true);
    log(`${path}: FAILED — ${r.message}`);
    return [r];
  }
  if (head && head.utf16) {
    const r = await recordFailure(conn, { ...base, source, encoding: 'utf-16' }, new FileError(1, null, 'UTF-16 text is not supported: save the file as UTF-8 or GB18030'), t0, true);
    log(`${path}: FAILED — ${r.message}`);
    return [r];
  }
  const encoding: Encoding = opts.encoding ?? (head ? detectEncoding(head.head) : 'utf-8');
  let readPath = path;
  let tmp: string | null = null;
  try {
    if (encoding !== 'utf-8' && format !== 'parquet') {
      tmp = mkdtempSync(join(tmpdir(), 'ccmart-'));
      readPath = join(tmp, `transcoded${format === 'csv' ? '.csv' : '.jsonl'}`);
      log(`${path}: ${encoding} → UTF-8…`);
      await transcodeToUtf8(path, readPath, encoding);
    }
    log(`${path}: staging (${format}, ${encoding}, ${fmt(bytes)} bytes)…`);
    let stage: StageResult;
    try {
      stage =
        format === 'csv'
          ? await stageCsv(conn, readPath, contract, opts.delimiter ?? (path.toLowerCase().includes('.tsv') || opts.format === 'tsv' ? '\t' : undefined))
          : format === 'jsonl'
            ? await stageJsonl(conn, readPath, contract)
            : await stageParquet(conn, readPath, contract);
    } catch (err) {
      const e = err instanceof FileError ? err : new FileError(1, null, (err as Error).message.split('\n')[0]!);
      const r = await recordFailure(conn, { ...base, source, encoding }, e, t0);
      log(`${path}: FAILED — ${r.message}`);
      return [r];
    }
    try {
      return [await validateAndLoad(conn, contract, stage, { ...base, source, encoding, readPath }, opts, t0)];
    } catch (err) {
      // Nothing of the file was committed; the audit keeps the reason.
      const r = await recordFailure(conn, { ...base, source, encoding }, new FileError(1, null, `load failed: ${(err as Error).message.split('\n')[0]}`), t0);
      log(`${path}: FAILED — ${r.message}`);
      return [r];
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

function requireSource(source: Source | undefined, path: string): Source {
  if (!source) throw new UserError(`${path}: --source is required (acd, agent-states, tickets or bot)`);
  return source;
}

interface FileMeta {
  file: string;
  source: Source;
  format: string;
  hash: string;
  bytes: number;
  timezone: string;
  encoding: string;
}

async function insertAudit(
  conn: DuckDBConnection,
  meta: FileMeta,
  counts: { read: number; loaded: number; rejected: number; duplicate: number },
  status: FileResult['status'],
  message: string,
  t0: number,
): Promise<number> {
  const row = await queryOne<{ id: number }>(conn, `SELECT nextval('ingest_id_seq') AS id`);
  const id = row!.id;
  await exec(
    conn,
    `INSERT INTO ingest_audit VALUES ($id, $file, $source, $format, $hash, $bytes, $encoding, $tz, $read, $loaded, $rejected, $dup,
       now()::TIMESTAMP - to_microseconds(($secs * 1e6)::BIGINT), $secs, $status, $message)`,
    {
      id,
      file: meta.file,
      source: meta.source,
      format: meta.format,
      hash: meta.hash,
      bytes: meta.bytes,
      encoding: meta.encoding,
      tz: meta.timezone,
      read: counts.read,
      loaded: counts.loaded,
      rejected: counts.rejected,
      dup: counts.duplicate,
      secs: (performance.now() - t0) / 1000,
      status,
      message,
    } as never,
  );
  return id;
}

async function recordEmpty(conn: DuckDBConnection, meta: FileMeta, t0: number, log: (m: string) => void): Promise<FileResult> {
  const id = await insertAudit(conn, meta, { read: 0, loaded: 0, rejected: 0, duplicate: 0 }, 'empty', 'empty file: no rows', t0);
  log(`${meta.file}: empty file, nothing to load`);
  return { file: meta.file, source: meta.source, format: meta.format, status: 'empty', ingestId: id, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rowsDuplicate: 0, message: 'empty file' };
}

/**
 * A file that cannot be read at all. Nothing of it is loaded; the audit says why. When `asRow` is set the file
 * counts as one rejected record (binary or undecodable files), so it is visible in rejected_rows too.
 */
async function recordFailure(conn: DuckDBConnection, meta: FileMeta, err: FileError, t0: number, asRow = false): Promise<FileResult> {
  const message = `line ${err.line}${err.field ? `, field ${err.field}` : ''}: ${err.message}`;
  await exec(conn, 'BEGIN TRANSACTION');
  try {
    const id = await insertAudit(conn, meta, { read: asRow ? 1 : 0, loaded: 0, rejected: asRow ? 1 : 0, duplicate: 0 }, 'failed', message, t0);
    if (asRow) {
      await exec(conn, `INSERT INTO rejected_rows VALUES ($id, $file, $source, $line, CAST($field AS VARCHAR), $reason, NULL)`, {
        id,
        file: meta.file,
        source: meta.source,
        line: err.line,
        field: err.field,
        reason: err.message,
      } as never);
    }
    await exec(conn, 'COMMIT');
    return { file: meta.file, source: meta.source, format: meta.format, status: 'failed', ingestId: id, rowsRead: asRow ? 1 : 0, rowsLoaded: 0, rowsRejected: asRow ? 1 : 0, rowsDuplicate: 0, message: `${meta.file}: ${message}` };
  } catch (e) {
    await exec(conn, 'ROLLBACK').catch(() => {});
    throw e;
  }
}

async function validateAndLoad(
  conn: DuckDBConnection,
  contract: Contract,
  stage: StageResult,
  meta: FileMeta & { readPath: string },
  opts: IngestOptions,
  t0: number,
): Promise<FileResult> {
  const log = opts.log ?? (() => {});
  const codeMappings = await loadCodeMappings(contract.source);
  const select = validationSelect(contract, 'temp.stage', stage.present, { timezone: opts.timezone, dayFirst: opts.dayFirst, codeMappings });
  const lineExpr = await lineNumbers(conn, stage);
  await exec(conn, `CREATE OR REPLACE TEMP TABLE checked AS SELECT v.* REPLACE (${lineExpr} AS _line) FROM (${select}) v ${stage.linesFromPositions && stage.rejects.length ? 'ASOF LEFT JOIN temp.line_offsets o ON v._k > o.before' : ''}`);
  const staged = (await queryOne<{ n: number; bad: number }>(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE len(_errors) > 0) AS bad FROM temp.checked`))!;
  log(`${meta.file}: ${fmt(staged.n + stage.rejects.length)} rows read, validated (${secs(t0)})`);

  await findDuplicates(conn, contract);
  const dups = (await queryOne<{ duplicate: number; conflict: number }>(
    conn,
    `SELECT count(*) FILTER (WHERE kind = 'duplicate') AS duplicate, count(*) FILTER (WHERE kind = 'conflict') AS conflict FROM temp.dups`,
  ))!;

  // Raw text of rows rejected by validation, from the file itself when the stage does not hold it.
  if (stage.linesFromPositions && staged.bad + dups.conflict > 0) {
    await exec(conn, 'CREATE OR REPLACE TEMP TABLE raw_lines (line BIGINT, raw VARCHAR)');
    const lines = await queryRows<{ l: number }>(
      conn,
      `SELECT _line AS l FROM temp.checked WHERE len(_errors) > 0 UNION ALL SELECT _line FROM temp.dups WHERE kind = 'conflict'`,
    );
    const appender = await conn.createAppender('raw_lines', 'main', 'temp');
    await readRecords(meta.readPath, new Set(lines.map((l) => l.l)), stage.quote, (line, text) => {
      appender.appendBigInt(BigInt(line));
      appender.appendVarchar(text);
      appender.endRow();
    });
    appender.closeSync();
    await exec(conn, `UPDATE temp.checked c SET _raw = r.raw FROM temp.raw_lines r WHERE c._line = r.line AND len(c._errors) > 0`);
  }

  const read = staged.n + stage.rejects.length;
  const rejected = stage.rejects.length + staged.bad + dups.conflict;
  const loaded = staged.n - staged.bad - dups.duplicate - dups.conflict;
  const notes = stage.unknown.length ? `ignored columns: ${stage.unknown.slice(0, 20).join(', ')}` : '';
  const cols = storedColumns(contract).filter((c) => !c.name.startsWith('_')).map((c) => ident(c.name));

  await exec(conn, 'BEGIN TRANSACTION');
  try {
    const id = await insertAudit(conn, meta, { read, loaded, rejected, duplicate: dups.duplicate }, 'loaded', notes, t0);
    await exec(
      conn,
      `INSERT INTO ${contract.table} (${cols.join(', ')}, _ingest_id, _line)
       SELECT ${cols.join(', ')}, ${id}, _line FROM temp.checked c
       WHERE len(_errors) = 0 AND NOT EXISTS (SELECT 1 FROM temp.dups d WHERE d._k = c._k)
       ORDER BY _k`,
    );
    await insertRejects(conn, id, meta, stage.rejects);
    await exec(
      conn,
      `INSERT INTO rejected_rows
       SELECT ${id}, $file, $source, _line, _errors[1].field,
              array_to_string(list_transform(_errors, e -> e.field || ': ' || e.reason), '; '), _raw
       FROM temp.checked WHERE len(_errors) > 0 ORDER BY _line`,
      { file: meta.file, source: meta.source } as never,
    );
    await exec(
      conn,
      `INSERT INTO rejected_rows
       SELECT ${id}, $file, $source, d._line, NULL, d.reason, coalesce(c._raw, r.raw)
       FROM temp.dups d JOIN temp.checked c ON c._k = d._k
       LEFT JOIN (SELECT * FROM temp.raw_lines WHERE $hasRaw) r ON r.line = d._line
       WHERE d.kind = 'conflict' ORDER BY d._line`,
      { file: meta.file, source: meta.source, hasRaw: stage.linesFromPositions && staged.bad + dups.conflict > 0 } as never,
    );
    await exec(conn, 'COMMIT');
    log(
      `${meta.file}: ${contract.source}: ${fmt(loaded)} loaded, ${fmt(rejected)} rejected, ${fmt(dups.duplicate)} duplicates (${secs(t0)})${notes ? `; ${notes}` : ''}`,
    );
    return { file: meta.file, source: meta.source, format: meta.format, status: 'loaded', ingestId: id, rowsRead: read, rowsLoaded: loaded, rowsRejected: rejected, rowsDuplicate: dups.duplicate, message: notes };
  } catch (err) {
    await exec(conn, 'ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await exec(conn, 'DROP TABLE IF EXISTS temp.stage; DROP TABLE IF EXISTS temp.checked; DROP TABLE IF EXISTS temp.dups; DROP TABLE IF EXISTS temp.raw_lines; DROP TABLE IF EXISTS temp.line_offsets');
  }
}

/**
 * Line of each staged row. Named formats and JSONL know it; for CSV it follows from the row's position,
 * the header and the records DuckDB rejected before it (an ASOF join on the rejects' positions).
 */
async function lineNumbers(conn: DuckDBConnection, stage: StageResult): Promise<string> {
  if (!stage.linesFromPositions) return 'v._line';
  if (stage.rejects.length === 0) return `v._k + ${stage.headerLines}`;
  await exec(conn, 'CREATE OR REPLACE TEMP TABLE reject_lines (line BIGINT)');
  const appender = await conn.createAppender('reject_lines', 'main', 'temp');
  for (const r of stage.rejects) {
    appender.appendBigInt(BigInt(r.line));
    appender.endRow();
  }
  appender.closeSync();
  // Reject j (1-based, by line) has line − headerLines − j clean rows before it.
  await exec(
    conn,
    `CREATE OR REPLACE TEMP TABLE line_offsets AS
     SELECT before, max(j) AS j FROM (
       SELECT line - ${stage.headerLines} - row_number() OVER (ORDER BY line) AS before, row_number() OVER (ORDER BY line) AS j
       FROM (SELECT DISTINCT line FROM temp.reject_lines)) GROUP BY before`,
  );
  return `v._k + ${stage.headerLines} + coalesce(o.j, 0)`;
}

/**
 * Rows whose key was seen before, in this file or in the table: `duplicate` when every value is the same
 * (removed and counted), `conflict` when not (rejected, naming the first row and the fields that differ).
 */
async function findDuplicates(conn: DuckDBConnection, contract: Contract): Promise<void> {
  const key = contract.key.map(ident);
  const content = storedColumns(contract).filter((c) => !c.name.startsWith('_') && !c.name.endsWith('_utc')).map((c) => c.name);
  const hash = (alias: string) => `hash(${content.map((c) => `${alias}.${ident(c)}`).join(', ')})`;
  const on = (a: string, b: string) => key.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');
  const differing = (a: string, b: string) =>
    `array_to_string(list_filter([${content.map((c) => `CASE WHEN ${a}.${ident(c)} IS DISTINCT FROM ${b}.${ident(c)} THEN '${c}' END`).join(', ')}], x -> x IS NOT NULL), ', ')`;
  const keyText = contract.key.join(', ');
  const tableHasRows = ((await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM (SELECT 1 FROM ${contract.table} LIMIT 1)`))?.n ?? 0) > 0;
  await exec(
    conn,
    `CREATE OR REPLACE TEMP TABLE dups AS
     WITH ok AS (SELECT * FROM temp.checked WHERE len(_errors) = 0),
     repeated AS (SELECT ${key.join(', ')}, min(_k) AS first_k FROM ok GROUP BY ALL HAVING count(*) > 1),
     in_file AS (
       SELECT later._k, later._line,
         CASE WHEN ${hash('later')} = ${hash('first')} THEN 'duplicate' ELSE 'conflict' END AS kind,
         'conflicting duplicate: same ${keyText} as line ' || first._line || ' but different ' || ${differing('later', 'first')} AS reason
       FROM repeated r
       JOIN ok first ON first._k = r.first_k
       JOIN ok later ON ${on('later', 'r')} AND later._k > r.first_k
     )${
       tableHasRows
         ? `,
     in_table AS (
       SELECT n._k, n._line,
         CASE WHEN ${hash('n')} = ${hash('t')} THEN 'duplicate' ELSE 'conflict' END AS kind,
         'conflicting duplicate: same ${keyText} as a row already loaded (ingest #' || t._ingest_id || ', line ' || t._line || ') but different ' || ${differing('n', 't')} AS reason
       FROM ok n JOIN ${contract.table} t ON ${on('n', 't')}
     )
     SELECT * FROM in_table
     UNION ALL SELECT * FROM in_file WHERE _k NOT IN (SELECT _k FROM in_table)`
         : `
     SELECT * FROM in_file`
     }`,
  );
}

async function insertRejects(conn: DuckDBConnection, id: number, meta: FileMeta, rejects: readonly StageReject[]): Promise<void> {
  if (rejects.length === 0) return;
  const appender = await conn.createAppender('rejected_rows');
  for (const r of rejects) {
    appender.appendBigInt(BigInt(id));
    appender.appendVarchar(meta.file);
    appender.appendVarchar(meta.source);
    appender.appendBigInt(BigInt(r.line));
    if (r.field === null) appender.appendNull();
    else appender.appendVarchar(r.field);
    appender.appendVarchar(r.reason);
    appender.appendVarchar(r.raw);
    appender.endRow();
  }
  appender.closeSync();
}

export { isGzip };
