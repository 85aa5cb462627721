/**
 * Staging: reads one input file into the temporary table `stage` (all text: `_line`, `_raw`, one column per
 * contract field found in the input) and collects the records that could not even be read (wrong number of
 * fields, broken quotes, invalid JSON, invalid UTF-8) as rejects with their line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract, Field } from './contracts.ts';
import { mapHeaders, normaliseHeader } from './contracts.ts';
import { exec, ident, literal, queryRows } from '../core/db.ts';
import { isGzip } from './readers/encoding.ts';
import { clip } from './readers/records.ts';
import { NULL_TOKENS } from './validate.ts';
import { type Pseudonymizer, redactQuoted, replaceValues, scrubObject, scrubText } from './pseudonymize.ts';
import type { AdapterOutput, AdapterReject } from './adapters/types.ts';
import type { Source } from './contracts.ts';

export const STAGE = 'temp.stage';
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

export interface StageReject {
  line: number;
  field: string | null;
  reason: string;
  /** The record's text; null when it is withheld (a pseudonymised record that could not be split into fields). */
  raw: string | null;
}

export interface StageResult {
  /** Contract fields present in the input. */
  present: Set<string>;
  /** Input columns that match no field (ignored, reported in the audit message). */
  unknown: string[];
  /** Records rejected while reading. */
  rejects: StageReject[];
  /** Lines before the first data record (1 for a CSV header); a row's line = position + skipped + earlier rejects. */
  headerLines: number;
  /** Line numbers are not yet known for staged rows (CSV): derive them from positions and reject lines. */
  linesFromPositions: boolean;
  /** Quote character of a delimited file, for finding raw records later. */
  quote: string | null;
  /** Field delimiter of a delimited file (a quote opens a quoted field only right after one). */
  delimiter?: string | null;
  /** The reader turned the null tokens (validate.ts NULL_TOKENS) into NULL already. */
  nullTokensRead?: boolean;
  /** Contract field of each input column, for a delimited file (undefined where a column matches no field). */
  columnFields?: (Field | undefined)[];
  /**
   * Set when the stage is a view over the file (CSV), read by the validation query itself: the records the
   * reader rejected are known once it has run, and this returns them (adding them to `rejects` is up to the caller).
   */
  readRejects?: () => Promise<StageReject[]>;
}

/** An input problem that stops the whole file, with the line it was found on. */
export class FileError extends Error {
  constructor(
    readonly line: number,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

async function createStage(conn: DuckDBConnection, fields: readonly string[]): Promise<void> {
  const cols = ['_line BIGINT', '_raw VARCHAR', ...fields.map((f) => `${ident(f)} VARCHAR`)];
  await dropStage(conn);
  await exec(conn, `CREATE TEMP TABLE stage (${cols.join(', ')})`);
}

/** Drops the stage, a table or (for CSV) a view over the file. */
export async function dropStage(conn: DuckDBConnection): Promise<void> {
  const kinds = await queryRows<{ kind: string }>(
    conn,
    `SELECT 'TABLE' AS kind FROM duckdb_tables() WHERE temporary AND table_name = 'stage' UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = 'stage'`,
  );
  for (const { kind } of kinds) await exec(conn, `DROP ${kind} IF EXISTS temp.stage`);
}

function requiredMissing(contract: Contract, present: Set<string>): string[] {
  return contract.fields.filter((f) => f.required && !f.default && !present.has(f.name)).map((f) => f.name);
}

const csvErrorText: Record<string, string> = {
  'MISSING COLUMNS': 'too few fields',
  'TOO MANY COLUMNS': 'too many fields',
  'UNQUOTED VALUE': 'text after the closing quote of a quoted field',
  'UNTERMINATED QUOTES': 'unterminated quoted field (truncated line?)',
  'LINE SIZE OVER MAXIMUM': `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB`,
  'INVALID UNICODE': 'invalid UTF-8 bytes (if the file is GB18030, pass --encoding gb18030)',
  // DuckDB reads UTF-8 here (other encodings are transcoded first), so a bad encoding is bad UTF-8.
  'INVALID ENCODING': 'invalid UTF-8 bytes (if the file is GB18030, pass --encoding gb18030)',
};

const DELIMITERS = [',', '\t', ';', '|'];

/** The delimiter of a header line: the candidate that splits it into the most fields, outside quotes. */
export function detectDelimiter(header: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let inQuote = false;
  for (const ch of header) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** Splits a header line on the delimiter, honouring quotes. */
export function splitHeader(line: string, delim: string, quote: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === quote) {
      if (inQuote && line[i + 1] === quote) {
        cur += quote;
        i++;
      } else inQuote = !inQuote;
    } else if (ch === delim && !inQuote) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.replace(/\r$/, '').trim());
  return out;
}

async function firstLine(path: string): Promise<string> {
  const input = isGzip(path) ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { end: 1 << 20 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    input.destroy();
    return line;
  }
  return '';
}

/** Delimited text: DuckDB's CSV reader with every value as text, bad records kept in a rejects table. */
export async function stageCsv(conn: DuckDBConnection, path: string, contract: Contract, delimiter?: string, p?: Pseudonymizer): Promise<StageResult> {
  const headerLine = (await firstLine(path)).replace(/^\uFEFF/, '');
  if (headerLine.trim() === '') throw new FileError(1, null, 'the first line is empty: a header line naming the columns is required');
  const delim = delimiter ?? detectDelimiter(headerLine);
  const quote = '"';
  const headers = splitHeader(headerLine, delim, quote);
  // Explicit columns: no sniffing, so a file whose later rows are broken still reads its good rows. The read
  // buffer is one maximal line (DuckDB's default is 16 of them: 512 MiB per buffer at this line size).
  const columns = headers.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const args = `${literal(path)}, columns = {${columns}}, auto_detect = false, header = true, delim = ${literal(delim)}, quote = ${literal(quote)}, escape = ${literal(quote)}, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES}, null_padding = false, strict_mode = true, nullstr = [${NULL_TOKENS.map(literal).join(', ')}]`;
  const { mapping, unknown } = mapHeaders(contract, headers);
  const present = new Set(mapping.keys());
  const missing = requiredMissing(contract, present);
  if (missing.length) {
    // A file without a header has a record in its first line: a pseudonymised ingest does not show it.
    const hint = p
      ? ` (the first line has ${headers.length} column${headers.length === 1 ? '' : 's'}; not shown, as the ingest is pseudonymised${headers.length === 1 ? ': is the delimiter right? pass --delimiter' : ''})`
      : headers.length === 1
        ? ` (the header has one column "${clip(headers[0] ?? '').slice(0, 80)}": is the delimiter right? pass --delimiter)`
        : ` (header: ${headers.slice(0, 12).join(delim)})`;
    throw new FileError(1, missing[0]!, `missing required column ${missing.map((m) => `"${m}"`).join(', ')}${hint}`);
  }
  const fields = [...mapping.keys()];
  await dropStage(conn);
  await exec(conn, 'DROP TABLE IF EXISTS temp.csv_rejects; DROP TABLE IF EXISTS temp.csv_scans');
  const select = fields.map((f) => `${ident(`c${headers.indexOf(mapping.get(f)!)}`)} AS ${ident(f)}`).join(', ');
  // A view, not a copy: the validation query reads the file once, in parallel, and types it on the way.
  await exec(
    conn,
    `CREATE TEMP VIEW stage AS
     SELECT NULL::BIGINT AS _line, NULL::VARCHAR AS _raw, ${select} FROM read_csv(${args}, store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans')`,
  );
  const readRejects = () => csvRejects(conn, headers, fields, mapping, quote, !!p);
  const columnFields = headers.map((h, i) => contract.fields.find((f) => mapping.get(f.name) === h && headers.indexOf(h) === i));
  return { present, unknown, rejects: [], headerLines: 1, linesFromPositions: true, quote, delimiter: delim, readRejects, nullTokensRead: true, columnFields };
}

/** The records DuckDB's reader rejected while the stage view was read, with their line and a reason in words. */
async function csvRejects(
  conn: DuckDBConnection,
  headers: readonly string[],
  fields: readonly string[],
  mapping: ReadonlyMap<string, string>,
  quote: string,
  withholdRaw: boolean,
): Promise<StageReject[]> {
  const bad = await queryRows<{ line: number; column_name: string | null; error_type: string; csv_line: string | null; error_message: string }>(
    conn,
    `SELECT line, any_value(column_name) AS column_name, any_value(error_type) AS error_type, any_value(csv_line) AS csv_line, any_value(error_message) AS error_message
     FROM temp.csv_rejects GROUP BY line ORDER BY line`,
  );
  const rejects = bad.map((b) => {
    // DuckDB files both `"ab"cd` and a quote left open at the end of the file under UNQUOTED VALUE: an odd
    // number of quotes in the record tells the second apart.
    const type = b.error_type === 'UNQUOTED VALUE' && (b.csv_line ?? '').split(quote).length % 2 === 0 ? 'UNTERMINATED QUOTES' : b.error_type;
    const what = csvErrorText[type] ?? type.toLowerCase();
    const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(b.error_message);
    const detail = type.endsWith('COLUMNS') && counts ? `: expected ${counts[1]}, found ${counts[2]}` : '';
    return {
      line: b.line,
      field: b.column_name && type !== 'TOO MANY COLUMNS' ? (fields.find((f) => `c${headers.indexOf(mapping.get(f)!)}` === b.column_name) ?? headers[Number(b.column_name.slice(1))] ?? null) : null,
      reason: `${what}${detail}`,
      // Unsplittable, so its personal values cannot be found: a pseudonymised ingest keeps no text of it.
      raw: withholdRaw ? null : clip(b.csv_line ?? ''),
    };
  });
  return rejects;
}

/** Builds a field lookup for record keys (JSON keys, adapter fields): normalised alias → field. */
function keyLookup(contract: Contract): (key: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, mapHeaders(contract, [key]).mapping.keys().next().value);
    return cache.get(key);
  };
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Appends text rows to the stage table in file order. */
class StageWriter {
  private constructor(
    private readonly appender: Awaited<ReturnType<DuckDBConnection['createAppender']>>,
    private readonly fields: readonly string[],
  ) {}
  static async open(conn: DuckDBConnection, fields: readonly string[]): Promise<StageWriter> {
    await createStage(conn, fields);
    return new StageWriter(await conn.createAppender('stage', 'main', 'temp'), fields);
  }
  rows = 0;
  append(line: number, raw: string, values: Record<string, string | null | undefined>): void {
    this.appender.appendBigInt(BigInt(line));
    this.appender.appendVarchar(raw);
    for (const f of this.fields) {
      const v = values[f];
      if (v === null || v === undefined) this.appender.appendNull();
      else this.appender.appendVarchar(v);
    }
    this.appender.endRow();
    this.rows++;
  }
  close(): void {
    this.appender.closeSync();
  }
}

/** JSON Lines: one object per line; a line that is not a JSON object is rejected. */
export async function stageJsonl(conn: DuckDBConnection, path: string, contract: Contract, p?: Pseudonymizer): Promise<StageResult> {
  const fields = contract.fields.map((f) => f.name);
  const lookup = keyLookup(contract);
  const fieldOf = (key: string) => {
    const name = lookup(key);
    return name === undefined ? undefined : contract.fields.find((f) => f.name === name);
  };
  // A line that is not a JSON object cannot be searched for personal values: a pseudonymised ingest keeps no text of it.
  const unreadable = (text: string) => (p ? null : clip(text));
  const writer = await StageWriter.open(conn, fields);
  const rejects: StageReject[] = [];
  const present = new Set<string>();
  const unknown = new Set<string>();
  const input = isGzip(path) ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (let text of lines) {
      line++;
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.trim() === '') continue;
      if (text.includes('\uFFFD')) {
        rejects.push({ line, field: null, reason: 'invalid UTF-8 bytes (if the file is GB18030, pass --encoding gb18030)', raw: unreadable(text) });
        continue;
      }
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (err) {
        const why = (err as Error).message;
        rejects.push({ line, field: null, reason: `invalid JSON: ${p ? redactQuoted(why) : why}`, raw: unreadable(text) });
        continue;
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
        rejects.push({ line, field: null, reason: 'not a JSON object', raw: unreadable(text) });
        continue;
      }
      const values: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(obj)) {
        const f = lookup(k);
        if (!f) {
          unknown.add(k);
          continue;
        }
        present.add(f);
        values[f] = asText(v);
      }
      writer.append(line, clip(p ? JSON.stringify(scrubObject(obj as Record<string, unknown>, fieldOf, p)) : text), values);
    }
  } finally {
    writer.close();
  }
  return { present: new Set(fields), unknown: [...unknown], rejects, headerLines: 0, linesFromPositions: false, quote: null };
}

/** Parquet: typed columns are cast to text (instants written with Z so they keep their meaning). */
export async function stageParquet(conn: DuckDBConnection, path: string, contract: Contract): Promise<StageResult> {
  const described = await queryRows<{ column_name: string; column_type: string }>(conn, `DESCRIBE SELECT * FROM read_parquet(${literal(path)})`).catch(
    (err: Error) => {
      throw new FileError(1, null, `not a readable Parquet file: ${err.message.split('\n')[0]}`);
    },
  );
  const { mapping, unknown } = mapHeaders(contract, described.map((d) => d.column_name));
  const present = new Set(mapping.keys());
  const missing = requiredMissing(contract, present);
  if (missing.length) throw new FileError(1, missing[0]!, `missing required column ${missing.map((m) => `"${m}"`).join(', ')}`);
  const fields = [...mapping.keys()];
  await createStage(conn, fields);
  const typeOf = new Map(described.map((d) => [d.column_name, d.column_type]));
  const casts = fields.map((f) => {
    const col = ident(mapping.get(f)!);
    return typeOf.get(mapping.get(f)!) === 'TIMESTAMP WITH TIME ZONE' ? `strftime(timezone('UTC', ${col}), '%Y-%m-%dT%H:%M:%S.%f') || 'Z'` : `${col}::VARCHAR`;
  });
  await exec(
    conn,
    `INSERT INTO stage SELECT file_row_number + 1, NULL, ${casts.join(', ')} FROM read_parquet(${literal(path)}, file_row_number = true) ORDER BY file_row_number`,
  );
  return { present, unknown, rejects: [], headerLines: 0, linesFromPositions: false, quote: null };
}

/** Rows of one feed from a named-format adapter. */
export interface AdapterStage {
  writer: StageWriter;
  rejects: StageReject[];
}

/** Stages an adapter's output: one stage table per feed it produced, filled in turn by `consume`. */
export async function collectAdapterOutput(outputs: AsyncIterable<AdapterOutput>): Promise<Map<Source, { rows: AdapterOutput[] }>> {
  const bySource = new Map<Source, { rows: AdapterOutput[] }>();
  for await (const out of outputs) {
    let entry = bySource.get(out.source);
    if (!entry) bySource.set(out.source, (entry = { rows: [] }));
    entry.rows.push(out);
  }
  return bySource;
}

/** Stages the rows an adapter produced for one feed. */
export async function stageAdapterRows(conn: DuckDBConnection, contract: Contract, rows: readonly AdapterOutput[], p?: Pseudonymizer): Promise<StageResult> {
  const fields = contract.fields.map((f) => f.name);
  const writer = await StageWriter.open(conn, fields);
  const rejects: StageReject[] = [];
  const personal = contract.fields.filter((f) => f.personal);
  try {
    for (const r of rows) {
      if (r.kind === 'reject') rejects.push(p ? pseudonymisedReject(r, contract, p) : { line: r.line, field: r.field, reason: r.reason, raw: clip(r.raw) });
      else writer.append(r.line, clip(p ? scrubText(r.raw, personal, r.fields, r.personal ?? [], p) : r.raw), r.fields);
    }
  } finally {
    writer.close();
  }
  return { present: new Set(fields), unknown: [], rejects, headerLines: 0, linesFromPositions: false, quote: null };
}

/**
 * A named format's reject on a pseudonymised ingest: its text only when the format listed the record's personal
 * values (they are replaced), and a reason about a personal field with its quoted value hidden.
 */
function pseudonymisedReject(r: AdapterReject, contract: Contract, p: Pseudonymizer): StageReject {
  const personalField = contract.fields.some((f) => f.name === r.field && f.personal);
  const reason = r.personal ? replaceValues(r.reason, r.personal, p) : r.reason;
  return {
    line: r.line,
    field: r.field,
    reason: personalField ? redactQuoted(reason) : reason,
    raw: r.personal ? clip(replaceValues(r.raw, r.personal, p)) : null,
  };
}

export { normaliseHeader };
