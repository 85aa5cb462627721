/**
 * Ingest of one file: hash → sniff (binary, encoding) → stage → validate → duplicates → one transaction that
 * writes the clean rows, the rejected rows and the audit row. Rows read = loaded + rejected + duplicates.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type Contract, type Source, contracts, storedColumns } from './contracts.ts';
import { utcToWallClock, validationSelect } from './validate.ts';
import { exec, ident, literal, queryOne, queryRows } from '../core/db.ts';
import { UserError } from '../core/errors.ts';
import { auditColumns, ensureSchema } from './schema.ts';
import { type Encoding, detectEncoding, isGzip, sniff, transcodeToUtf8 } from './readers/encoding.ts';
import { clip, readRecords } from './readers/records.ts';
import { FileError, type StageReject, type StageResult, collectAdapterOutput, dropStage, stageAdapterRows, stageCsv, stageJsonl, stageParquet } from './stage.ts';
import { adapterFor } from './adapters/index.ts';
import { loadCodeMappings } from './codes.ts';
import { type Pseudonymizer, redactQuoted, scrubRecord } from './pseudonymize.ts';
import type { Config } from '../core/config.ts';

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
  /** The configuration, for named formats whose defaults come from it (e.g. the IVR self-service rule). */
  config?: Config;
  log?: (message: string) => void;
  /**
   * Stores personal fields as keyed pseudonyms (and replaces them in the raw text of rejected rows). A
   * database keeps one key: files loaded with another key, or without pseudonyms, make the ingest refuse.
   */
  pseudonymizer?: Pseudonymizer;
  /** Receives the duration of each step (hash, stage, validate, duplicates, raw-records, insert), for profiling. */
  onStep?: (step: string, seconds: number) => void;
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

/** Files under a folder, recursively, in a stable order. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** SHA-256 over a folder's files (relative paths and contents), so a folder format is not loaded twice either. */
export async function hashFolder(dir: string): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for (const file of filesUnder(dir)) {
    h.update(`${relative(dir, file)}\0${await hashFile(file)}\n`);
    bytes += statSync(file).size;
  }
  return { hash: h.digest('hex'), bytes };
}

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Runs one step and reports its duration to `opts.onStep`. */
async function timed<T>(opts: IngestOptions, step: string, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await work();
  } finally {
    opts.onStep?.(step, (performance.now() - t) / 1000);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Ingests one path; a named format may yield several feeds, hence one result per feed. */
export async function ingestPath(conn: DuckDBConnection, path: string, opts: IngestOptions): Promise<FileResult[]> {
  const log = opts.log ?? (() => {});
  if (!existsSync(path)) throw new UserError(`${path}: no such file`);
  await ensureSchema(conn);
  await assertSameKey(conn, opts.pseudonymizer);
  const adapter = opts.format ? adapterFor(opts.format) : undefined;
  const format = adapter ? adapter.name : opts.format === 'tsv' ? 'csv' : (opts.format ?? guessFormat(path));
  if (!format || !['csv', 'jsonl', 'parquet'].includes(format) && !adapter) {
    throw new UserError(`${path}: unknown format${opts.format ? ` "${opts.format}"` : ' (pass --format)'}`);
  }
  const isDir = statSync(path).isDirectory();
  if (isDir && !adapter) throw new UserError(`${path}: is a folder; only named formats read folders`);
  const folder = isDir ? await hashFolder(path) : null;
  const bytes = folder ? folder.bytes : statSync(path).size;
  const sourcesOfFile: readonly Source[] = adapter ? adapter.sources : [requireSource(opts.source, path)];
  const loadedBefore = `format = $format AND status IN ('loaded', 'empty') AND source IN (${sourcesOfFile.map(literal).join(', ')})`;
  // Only a file of the same size can repeat a loaded one: then the hash decides before anything is read;
  // otherwise the file is hashed while it is loaded.
  const hashing = folder ? Promise.resolve(folder.hash) : timed(opts, 'hash', () => hashFile(path));
  hashing.catch(() => {}); // awaited below or by the audit insert
  const sameSize = !!(await queryOne(conn, `SELECT 1 AS x FROM ingest_audit WHERE bytes = $bytes AND ${loadedBefore} LIMIT 1`, { bytes, format } as never));
  const already = sameSize
    ? await queryOne<{ ingest_id: number }>(conn, `SELECT ingest_id FROM ingest_audit WHERE content_hash = $hash AND ${loadedBefore} ORDER BY ingest_id LIMIT 1`, {
        hash: await hashing,
        format,
      } as never)
    : undefined;
  if (already) {
    log(`${path}: already loaded (same content, ingest #${already.ingest_id}); nothing added`);
    return [
      { file: path, source: sourcesOfFile[0] ?? null, format, status: 'skipped', ingestId: already.ingest_id, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rowsDuplicate: 0, message: `already loaded by ingest #${already.ingest_id}` },
    ];
  }
  const base = { file: path, format, hash: hashing, bytes, timezone: opts.timezone, fingerprint: opts.pseudonymizer?.fingerprint ?? null };
  // Messages of unexpected errors may quote values: a pseudonymised ingest hides what they quote.
  const said = (message: string) => (opts.pseudonymizer ? redactQuoted(message) : message);

  if (adapter) {
    const t0 = performance.now();
    log(`${path}: reading as ${adapter.name}…`);
    let bySource;
    try {
      bySource = await collectAdapterOutput(adapter.read(path, { timezone: opts.timezone, options: opts.formatOptions ?? {}, config: opts.config }));
    } catch (err) {
      const e = err as Error;
      const result = await recordFailure(conn, { ...base, source: sourcesOfFile[0]!, encoding: 'utf-8' }, new FileError(e instanceof FileError ? e.line : 0, e instanceof FileError ? e.field : null, said(e.message)), t0);
      log(`${path}: FAILED — ${result.message}`);
      return [result];
    }
    const results: FileResult[] = [];
    for (const [source, { rows }] of bySource) {
      const contract = contracts[source];
      const stage = await stageAdapterRows(conn, contract, rows, opts.pseudonymizer);
      try {
        results.push(await validateAndLoad(conn, contract, stage, { ...base, source, encoding: 'utf-8', readPath: path }, opts, t0));
      } catch (err) {
        // As for a delimited file: nothing of this feed was committed, and the audit keeps the reason.
        const r = await recordFailure(conn, { ...base, source, encoding: 'utf-8' }, new FileError(0, null, `load failed, nothing of this file was loaded: ${said((err as Error).message.split('\n')[0]!)}`), t0);
        log(`${path}: FAILED — ${r.message}`);
        results.push(r);
      }
    }
    // A file with no records is recorded like an empty CSV: the audit shows it was seen.
    if (results.length === 0) return [await recordEmpty(conn, { ...base, source: sourcesOfFile[0]!, encoding: 'utf-8' }, t0, log)];
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
      stage = await timed(opts, 'stage', () =>
        format === 'csv'
          ? stageCsv(conn, readPath, contract, opts.delimiter ?? (path.toLowerCase().includes('.tsv') || opts.format === 'tsv' ? '\t' : undefined), opts.pseudonymizer)
          : format === 'jsonl'
            ? stageJsonl(conn, readPath, contract, opts.pseudonymizer)
            : stageParquet(conn, readPath, contract),
      );
    } catch (err) {
      const e = err instanceof FileError ? err : new FileError(0, null, said((err as Error).message.split('\n')[0]!));
      const r = await recordFailure(conn, { ...base, source, encoding }, e, t0);
      log(`${path}: FAILED — ${r.message}`);
      return [r];
    }
    try {
      return [await validateAndLoad(conn, contract, stage, { ...base, source, encoding, readPath }, opts, t0)];
    } catch (err) {
      // Nothing of the file was committed; the audit keeps the reason.
      const r = await recordFailure(conn, { ...base, source, encoding }, new FileError(0, null, `load failed, nothing of this file was loaded: ${said((err as Error).message.split('\n')[0]!)}`), t0);
      log(`${path}: FAILED — ${r.message}`);
      return [r];
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * One database, one way of storing personal fields: refuses an ingest whose key (or lack of one) differs from
 * that of the files already loaded, since pseudonyms of two keys, or plain values beside pseudonyms, do not join.
 */
async function assertSameKey(conn: DuckDBConnection, p: Pseudonymizer | undefined): Promise<void> {
  const other = await queryOne<{ ingest_id: number; file: string; fingerprint: string | null }>(
    conn,
    `SELECT ingest_id, file, key_fingerprint AS fingerprint FROM ingest_audit
     WHERE status = 'loaded' AND (coalesce(pseudonymized, false) <> $pseudonymized OR key_fingerprint IS DISTINCT FROM CAST($fingerprint AS VARCHAR))
     ORDER BY ingest_id LIMIT 1`,
    { pseudonymized: !!p, fingerprint: p?.fingerprint ?? null } as never,
  );
  if (!other) return;
  const earlier = `ingest #${other.ingest_id}, ${other.file}`;
  if (p && other.fingerprint) {
    throw new UserError(
      `this database holds pseudonyms made with another key (${earlier}: key fingerprint ${other.fingerprint}; the key given has fingerprint ${p.fingerprint}). Pseudonyms of two keys do not join: use the key the database was loaded with, or load into a new database.`,
    );
  }
  if (p) {
    throw new UserError(
      `this database holds files loaded without --pseudonymize (${earlier}): their personal fields are stored as read and would not join with pseudonyms. Load every file with --pseudonymize into a new database.`,
    );
  }
  throw new UserError(
    `this database holds pseudonymised files (${earlier}: key fingerprint ${other.fingerprint}): pass --pseudonymize with the same key, so that no personal value is stored as read beside them.`,
  );
}

function requireSource(source: Source | undefined, path: string): Source {
  if (!source) throw new UserError(`${path}: --source is required (acd, agent-states, tickets or bot)`);
  return source;
}

interface FileMeta {
  file: string;
  source: Source;
  format: string;
  /** SHA-256 of the file, possibly still being computed. */
  hash: Promise<string>;
  bytes: number;
  timezone: string;
  encoding: string;
  /** Fingerprint of the pseudonym key, when the ingest pseudonymises. */
  fingerprint: string | null;
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
    `INSERT INTO ingest_audit (${auditColumns.map(([n]) => n).join(', ')}) VALUES ($id, $file, $source, $format, $hash, $bytes, $encoding, $tz, $read, $loaded, $rejected, $dup,
       timezone('UTC', now()) - to_microseconds(($secs * 1e6)::BIGINT), $secs, $status, $message, $pseudonymized, CAST($fingerprint AS VARCHAR))`,
    {
      id,
      file: meta.file,
      source: meta.source,
      format: meta.format,
      hash: await meta.hash,
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
      pseudonymized: meta.fingerprint !== null,
      fingerprint: meta.fingerprint,
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
  // Line 0: the failure is not tied to a place in the file (e.g. the load itself failed).
  const where = [err.line > 0 ? `line ${err.line}` : '', err.field ? `field ${err.field}` : ''].filter(Boolean).join(', ');
  const message = where ? `${where}: ${err.message}` : err.message;
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
  try {
    const codeMappings = await loadCodeMappings(contract.source);
    const p = opts.pseudonymizer;
    // A CSV stage is a view over the file: reading it here types and validates in the same pass. Its
    // positions are the rowids of `checked` (insertion order is kept); other stages carry their own.
    // Kept small, as it may hold millions of rows: no local times (they follow from the UTC ones), and for a
    // CSV no line or raw text (they follow from the position and the file).
    const select = validationSelect(contract, 'temp.stage', stage.present, {
      timezone: opts.timezone,
      dayFirst: opts.dayFirst,
      codeMappings,
      nullTokensRead: stage.nullTokensRead,
      pseudonym: p ? (expr, kind) => p.sql(expr, kind) : undefined,
    });
    const times = contract.fields.filter((f) => f.type === 'timestamp').map((f) => f.name);
    const dropped = [...(stage.readRejects ? ['_k', '_line', '_raw'] : ['_k']), ...times].map(ident);
    // Code fields are kept as ENUMs (one byte instead of a 16-byte string).
    const codes = contract.fields.filter((f) => f.type === 'code' && f.codes?.length);
    const enumValues = (f: (typeof codes)[number]) => [...new Set([...f.codes!, ...(codeMappings.get(f.name)?.values() ?? [])])];
    const asEnum = codes.map((f) => `CAST(${ident(f.name)} AS ENUM(${enumValues(f).map(literal).join(', ')})) AS ${ident(f.name)}`);
    const staged = await timed(opts, 'validate', async () => {
      await exec(
        conn,
        `CREATE OR REPLACE TEMP TABLE checked AS SELECT * EXCLUDE (${dropped.join(', ')}) ${asEnum.length ? `REPLACE (${asEnum.join(', ')})` : ''}, ${keyHash(contract)} AS _h
         FROM (${stage.readRejects ? select.replace('rowid + 1 AS _k', 'NULL::BIGINT AS _k') : select})`,
      );
      if (stage.readRejects) stage.rejects.push(...(await stage.readRejects()));
      return (await queryOne<{ n: number; bad: number }>(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE len(_errors) > 0) AS bad FROM temp.checked`))!;
    });
    const lines = await lineNumbers(conn, stage, staged.n);
    log(`${meta.file}: ${fmt(staged.n + stage.rejects.length)} rows read, validated (${secs(t0)})`);

    const rows = checkedRows(contract, opts.timezone, lines.kept);
    // Rows whose key hash repeats are the only possible in-file duplicates: few, and known before the full check.
    const candidates = await timed(opts, 'duplicate-candidates', () => duplicateCandidates(conn, lines, rows));

    // Raw text of rejected rows, from the file itself when the stage does not hold it: the file is scanned for
    // the rejected rows and the duplicate candidates while DuckDB works out the duplicates (when they are few
    // enough to keep in memory meanwhile; else after, straight into the table).
    await exec(conn, 'CREATE OR REPLACE TEMP TABLE raw_lines (line BIGINT, raw VARCHAR)');
    const found: [number, string][] = [];
    const scan = async (wanted: readonly number[], keep: boolean) => {
      if (wanted.length === 0) return;
      const appender = keep ? null : await conn.createAppender('raw_lines', 'main', 'temp');
      await timed(opts, 'raw-records', () =>
        readRecords(
          meta.readPath,
          new Set(wanted),
          stage.quote,
          (line, record) => {
            const text = clip(p && stage.columnFields ? scrubRecord(record, stage.delimiter ?? ',', stage.quote, stage.columnFields, p) : record);
            if (!appender) return void found.push([line, text]);
            appender.appendBigInt(BigInt(line));
            appender.appendVarchar(text);
            appender.endRow();
          },
          stage.delimiter ?? ',',
        ),
      );
      appender?.closeSync();
    };
    const wanted = stage.linesFromPositions
      ? (
          await queryRows<{ l: number }>(
            conn,
            `SELECT _line AS l FROM (${lines.of('SELECT rowid + 1 AS _k FROM temp.checked WHERE len(_errors) > 0')}) UNION ALL SELECT _line FROM temp.dup_candidates`,
          )
        ).map((x) => x.l)
      : [];
    const alongside = wanted.length <= MAX_RAW_IN_MEMORY;
    const scans: Promise<void>[] = [];
    const background = (p: Promise<void>) => {
      p.catch(() => {}); // awaited before the rejected rows are written
      scans.push(p);
    };
    if (alongside) background(scan(wanted, true));
    const dups = await timed(opts, 'duplicates', () => findDuplicates(conn, contract, lines, rows));
    if (!alongside) await scan(wanted, false);
    if (stage.linesFromPositions && dups.conflict > 0) {
      // Conflicts with rows loaded before were not candidates: their records are read too.
      const scanned = new Set(wanted);
      const conflicts = await queryRows<{ l: number }>(conn, `SELECT _line AS l FROM temp.dups WHERE kind = 'conflict'`);
      const missing = conflicts.map((x) => x.l).filter((l) => !scanned.has(l));
      if (alongside) background(scan(missing, true));
      else await scan(missing, false);
    }
    /** Waits for the file scans and stores what they found; the raw rows are inserted meanwhile. */
    const rawTextsReady = async () => {
      await Promise.all(scans);
      if (found.length === 0) return;
      const appender = await conn.createAppender('raw_lines', 'main', 'temp');
      for (const [line, text] of found) {
        appender.appendBigInt(BigInt(line));
        appender.appendVarchar(text);
        appender.endRow();
      }
      appender.closeSync();
    };

    const read = staged.n + stage.rejects.length;
    const rejected = stage.rejects.length + staged.bad + dups.conflict;
    const loaded = staged.n - staged.bad - dups.duplicate - dups.conflict;
    const notes = stage.unknown.length ? `ignored columns: ${stage.unknown.slice(0, 20).join(', ')}` : '';
    const cols = storedColumns(contract).filter((c) => !c.name.startsWith('_')).map((c) => ident(c.name));
    const clean = rows(`len(_errors) = 0${dups.duplicate + dups.conflict > 0 ? ' AND rowid + 1 NOT IN (SELECT _k FROM temp.dups)' : ''}`);
    const rawText = stage.readRejects ? 'NULL::VARCHAR' : 'c._raw';
    const bad = `SELECT c.rowid + 1 AS _k, ${rawText} AS _raw, _errors${lines.kept ? ', c._line' : ''} FROM temp.checked c WHERE len(_errors) > 0`;
    await meta.hash;

    const tInsert = performance.now();
    await exec(conn, 'BEGIN TRANSACTION');
    try {
      const id = await insertAudit(conn, meta, { read, loaded, rejected, duplicate: dups.duplicate }, 'loaded', notes, t0);
      await timed(opts, 'insert-rows', () =>
        exec(conn, `INSERT INTO ${contract.table} (${cols.join(', ')}, _ingest_id, _line) SELECT ${cols.join(', ')}, ${id}, _line FROM (${lines.of(clean)})`),
      );
      const tRejects = performance.now();
      await rawTextsReady();
      await insertRejects(conn, id, meta, stage.rejects);
      await exec(
        conn,
        `INSERT INTO rejected_rows
         SELECT ${id}, $file, $source, b._line, b._errors[1].field,
                array_to_string(list_transform(b._errors, e -> e.field || ': ' || e.reason), '; '), coalesce(b._raw, r.raw)
         FROM (${lines.of(bad)}) b LEFT JOIN temp.raw_lines r ON r.line = b._line ORDER BY b._line`,
        { file: meta.file, source: meta.source } as never,
      );
      await exec(
        conn,
        // A CSV stage keeps no raw text (it was read from the file): then the checked rows need not be read.
        `INSERT INTO rejected_rows
         SELECT ${id}, $file, $source, d._line, NULL, d.reason, ${stage.readRejects ? 'r.raw' : 'coalesce(c._raw, r.raw)'}
         FROM temp.dups d ${stage.readRejects ? '' : 'JOIN temp.checked c ON c.rowid + 1 = d._k'}
         LEFT JOIN temp.raw_lines r ON r.line = d._line
         WHERE d.kind = 'conflict' ORDER BY d._line`,
        { file: meta.file, source: meta.source } as never,
      );
      opts.onStep?.('insert-rejects', (performance.now() - tRejects) / 1000);
      await timed(opts, 'commit', () => exec(conn, 'COMMIT'));
      opts.onStep?.('insert', (performance.now() - tInsert) / 1000);
      log(
        `${meta.file}: ${contract.source}: ${fmt(loaded)} loaded, ${fmt(rejected)} rejected, ${fmt(dups.duplicate)} duplicates (${secs(t0)})${notes ? `; ${notes}` : ''}`,
      );
      return { file: meta.file, source: meta.source, format: meta.format, status: 'loaded', ingestId: id, rowsRead: read, rowsLoaded: loaded, rowsRejected: rejected, rowsDuplicate: dups.duplicate, message: notes };
    } catch (err) {
      await exec(conn, 'ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    await dropStage(conn);
    await exec(conn, 'DROP TABLE IF EXISTS temp.checked; DROP TABLE IF EXISTS temp.dups; DROP TABLE IF EXISTS temp.dup_candidates; DROP TABLE IF EXISTS temp.dup_positions; DROP TABLE IF EXISTS temp.raw_lines; DROP TABLE IF EXISTS temp.line_offsets; DROP TABLE IF EXISTS temp.line_buckets; DROP TABLE IF EXISTS temp.reject_lines; DROP TABLE IF EXISTS temp.csv_rejects; DROP TABLE IF EXISTS temp.csv_scans');
  }
}

/** Rejected records whose raw text is read alongside the duplicate check (kept in memory until then). */
const MAX_RAW_IN_MEMORY = 200_000;

/**
 * Line numbers of rows given by position `_k`: `of(sql)` adds `_line` to the rows of a query that has `_k`.
 * When the stage kept each row's line (`kept`), queries select `_line` themselves and `of` adds nothing.
 */
interface LineNumbers {
  kept: boolean;
  of(sql: string): string;
}

/** Positions per bucket of the line-offset table: small, so that few buckets hold a CSV reject inside them. */
const LINE_BUCKET = 64;

/**
 * Line of each staged row. Named formats and JSONL know it; for CSV it follows from the row's position,
 * the header and the records DuckDB rejected before it. The rejects' offsets are kept per bucket of
 * positions, so every row finds its offset by an equi-join with a table of (rows / 64) entries: no sort
 * of the rows, whatever their number.
 */
async function lineNumbers(conn: DuckDBConnection, stage: StageResult, rowCount: number): Promise<LineNumbers> {
  if (!stage.linesFromPositions) return { kept: true, of: (sql) => sql };
  const header = stage.headerLines;
  if (stage.rejects.length === 0) return { kept: false, of: (sql) => `SELECT *, _k + ${header} AS _line FROM (${sql})` };
  await exec(conn, 'CREATE OR REPLACE TEMP TABLE reject_lines (line BIGINT)');
  const appender = await conn.createAppender('reject_lines', 'main', 'temp');
  for (const r of stage.rejects) {
    appender.appendBigInt(BigInt(r.line));
    appender.endRow();
  }
  appender.closeSync();
  // Reject j (1-based, by line) has line − header − j clean rows before it: rows at positions above
  // `before` are j records further down the file.
  await exec(
    conn,
    `CREATE OR REPLACE TEMP TABLE line_offsets AS
     SELECT before, max(j) AS j FROM (
       SELECT line - ${header} - row_number() OVER (ORDER BY line) AS before, row_number() OVER (ORDER BY line) AS j
       FROM (SELECT DISTINCT line FROM temp.reject_lines)) GROUP BY before`,
  );
  // Bucket b holds positions b·B+1 … (b+1)·B: `base` counts the rejects before the bucket, `befores`/`js` the
  // (rare) ones inside it.
  const B = LINE_BUCKET;
  await exec(
    conn,
    `CREATE OR REPLACE TEMP TABLE line_buckets AS
     WITH buckets AS (SELECT range AS bucket FROM range(0, ${Math.floor(rowCount / B) + 1})),
     inside AS (
       SELECT (before - 1) // ${B} AS bucket, list(before ORDER BY before) AS befores, list(j ORDER BY before) AS js
       FROM temp.line_offsets WHERE before >= 1 GROUP BY 1
     )
     SELECT b.bucket, coalesce(o.j, 0) AS base, i.befores, i.js
     FROM buckets b
     ASOF LEFT JOIN temp.line_offsets o ON b.bucket * ${B} >= o.before
     LEFT JOIN inside i ON i.bucket = b.bucket`,
  );
  const offset = `CASE WHEN lb.befores IS NULL THEN lb.base
    ELSE greatest(lb.base, coalesce(list_max(list_transform(list_filter(list_zip(lb.befores, lb.js), p -> p[1] < x._k), p -> p[2])), 0)) END`;
  return {
    kept: false,
    of: (sql) => `SELECT x.*, x._k + ${header} + ${offset} AS _line FROM (${sql}) x JOIN temp.line_buckets lb ON lb.bucket = (x._k - 1) // ${B}`,
  };
}

/**
 * SELECT of checked rows (those matching `where`) with their position `_k` and every stored column of the
 * contract: local times are worked out again from the UTC ones, which is cheaper than keeping both, and codes
 * turned back into text.
 */
function checkedRows(contract: Contract, timezone: string, withLine: boolean): (where: string) => string {
  const cols = storedColumns(contract)
    .filter((c) => !c.name.startsWith('_'))
    .map((c) => {
      const field = contract.fields.find((f) => f.name === c.name);
      if (field?.type === 'timestamp') return `${utcToWallClock(ident(`${c.name}_utc`), timezone)} AS ${ident(c.name)}`;
      if (field?.type === 'code' && field.codes?.length) return `${ident(c.name)}::VARCHAR AS ${ident(c.name)}`;
      return ident(c.name);
    });
  return (where) => `SELECT rowid + 1 AS _k, ${withLine ? '_line, ' : ''}${cols.join(', ')} FROM temp.checked WHERE ${where}`;
}

/**
 * Rows whose key was seen before, in this file or in the table: `duplicate` when every value is the same
 * (removed and counted), `conflict` when not (rejected, naming the first row and the fields that differ).
 * Keys are first grouped by their hash, so only rows whose key hash repeats are compared in full.
 */
/** Hash of a row's key, kept as `_h` in temp.checked; a timestamp key is hashed in UTC (the same instants as the wall clock within one file). */
function keyHash(contract: Contract): string {
  const timeFields = new Set(contract.fields.filter((f) => f.type === 'timestamp').map((f) => f.name));
  return `hash(${contract.key.map((k) => ident(timeFields.has(k) ? `${k}_utc` : k)).join(', ')})`;
}

/** Up to this many candidates are fetched by their positions; more, by a join that reads every row. */
const FETCH_BY_POSITION = 4096;

/**
 * Stores in temp.dup_candidates the clean rows whose key hash occurs more than once; returns how many. Only
 * the key hashes are read to find them; their whole rows are fetched after, when there are any.
 */
async function duplicateCandidates(conn: DuckDBConnection, lines: LineNumbers, rows: (where: string) => string): Promise<number> {
  await exec(
    conn,
    `CREATE OR REPLACE TEMP TABLE dup_positions AS
     WITH repeated_hash AS (SELECT _h FROM temp.checked WHERE len(_errors) = 0 GROUP BY 1 HAVING count(*) > 1)
     SELECT rowid AS r FROM temp.checked WHERE len(_errors) = 0 AND _h IN (SELECT _h FROM repeated_hash)`,
  );
  const n = (await queryOne<{ n: number }>(conn, 'SELECT count(*) AS n FROM temp.dup_positions'))!.n;
  const positions =
    n === 0 ? 'false'
    : n <= FETCH_BY_POSITION ? `rowid = ANY([${(await queryRows<{ r: number }>(conn, 'SELECT r FROM temp.dup_positions')).map((x) => x.r).join(', ')}])`
    : 'rowid IN (SELECT r FROM temp.dup_positions)';
  await exec(conn, `CREATE OR REPLACE TEMP TABLE dup_candidates AS ${lines.of(rows(positions))}`);
  return n;
}

async function findDuplicates(conn: DuckDBConnection, contract: Contract, lines: LineNumbers, rows: (where: string) => string): Promise<{ duplicate: number; conflict: number }> {
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
     WITH candidates AS (SELECT * FROM temp.dup_candidates),
     repeated AS (SELECT ${key.join(', ')}, min(_k) AS first_k FROM candidates GROUP BY ALL HAVING count(*) > 1),
     in_file AS (
       SELECT later._k, later._line,
         CASE WHEN ${hash('later')} = ${hash('first')} THEN 'duplicate' ELSE 'conflict' END AS kind,
         'conflicting duplicate: same ${keyText} as line ' || first._line || ' but different ' || ${differing('later', 'first')} AS reason
       FROM repeated r
       JOIN candidates first ON first._k = r.first_k
       JOIN candidates later ON ${on('later', 'r')} AND later._k > r.first_k
     )${
       tableHasRows
         ? `,
     loaded AS (
       SELECT n.*, t._ingest_id AS t_ingest, t._line AS t_line, CASE WHEN ${hash('n')} = ${hash('t')} THEN 'duplicate' ELSE 'conflict' END AS kind,
         ${differing('n', 't')} AS differs
       FROM (${rows('len(_errors) = 0')}) n JOIN ${contract.table} t ON ${on('n', 't')}
     ),
     in_table AS (
       SELECT _k, _line, kind,
         'conflicting duplicate: same ${keyText} as a row already loaded (ingest #' || t_ingest || ', line ' || t_line || ') but different ' || differs AS reason
       FROM (${lines.of(`SELECT _k, kind, t_ingest, t_line, differs${lines.kept ? ', _line' : ''} FROM loaded`)})
     )
     SELECT * FROM in_table
     UNION ALL SELECT * FROM in_file WHERE _k NOT IN (SELECT _k FROM in_table)`
         : `
     SELECT * FROM in_file`
     }`,
  );
  return (await queryOne<{ duplicate: number; conflict: number }>(
    conn,
    `SELECT count(*) FILTER (WHERE kind = 'duplicate') AS duplicate, count(*) FILTER (WHERE kind = 'conflict') AS conflict FROM temp.dups`,
  ))!;
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
    if (r.raw === null) appender.appendNull();
    else appender.appendVarchar(r.raw);
    appender.endRow();
  }
  appender.closeSync();
}

export { isGzip };
