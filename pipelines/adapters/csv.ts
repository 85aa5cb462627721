/**
 * Streaming reader of delimited text (RFC 4180 quoting: fields in double quotes may hold delimiters, line
 * breaks and doubled quotes). Yields one record at a time with the line it starts on and its raw text.
 */
import { openText } from './text.ts';

export interface CsvRecord {
  /** Line the record starts on (1 = first line of the file). */
  line: number;
  fields: string[];
  /** The record as it is in the file, without its line end. */
  raw: string;
  /** The file ended inside a quoted field. */
  unterminated: boolean;
}

const QUOTE = 34;
const LF = 10;

export async function* readDelimited(path: string, delimiter = ','): AsyncGenerator<CsvRecord> {
  const delim = delimiter.charCodeAt(0);
  let fields: string[] = [];
  let field = '';
  let fieldStarted = false;
  let inQuotes = false;
  let quoteClosed = false;
  let rawParts: string[] = [];
  let line = 1;
  let recordLine = 1;
  let first = true;

  const finishField = (text: string) => {
    fields.push(text);
    field = '';
    fieldStarted = false;
    quoteClosed = false;
  };

  for await (const piece of openText(path)) {
    let chunk = piece as string;
    if (first) {
      chunk = chunk.replace(/^\uFEFF/, '');
      first = false;
    }
    let segStart = 0;
    let rawStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          field += chunk.slice(segStart, i);
          inQuotes = false;
          quoteClosed = true;
          segStart = i + 1;
        } else if (c === LF) line++;
        continue;
      }
      if (quoteClosed && c === QUOTE) {
        // A doubled quote inside a quoted field.
        field += '"';
        inQuotes = true;
        quoteClosed = false;
        segStart = i + 1;
        continue;
      }
      quoteClosed = false;
      if (c === QUOTE && !fieldStarted && field === '' && segStart === i) {
        inQuotes = true;
        fieldStarted = true;
        segStart = i + 1;
        continue;
      }
      if (c === delim) {
        finishField(field + chunk.slice(segStart, i));
        segStart = i + 1;
        continue;
      }
      if (c === LF) {
        let last = field + chunk.slice(segStart, i);
        if (last.endsWith('\r')) last = last.slice(0, -1);
        finishField(last);
        let raw = rawParts.join('') + chunk.slice(rawStart, i);
        if (raw.endsWith('\r')) raw = raw.slice(0, -1);
        yield { line: recordLine, fields, raw, unterminated: false };
        fields = [];
        rawParts = [];
        line++;
        recordLine = line;
        segStart = i + 1;
        rawStart = i + 1;
        continue;
      }
      fieldStarted = true;
    }
    field += chunk.slice(segStart);
    rawParts.push(chunk.slice(rawStart));
  }
  const rest = rawParts.join('');
  if (rest !== '' || fields.length > 0) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield { line: recordLine, fields, raw: rest.replace(/\r$/, ''), unterminated: inQuotes };
  }
}

/** Finds columns by header name (case, spaces, dashes and underscores do not matter). */
export function columnIndex(headers: readonly string[]): (name: string) => number {
  const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_\-.]+/g, '');
  const byName = new Map<string, number>();
  headers.forEach((h, i) => {
    const n = norm(h);
    if (!byName.has(n)) byName.set(n, i);
  });
  return (name) => byName.get(norm(name)) ?? -1;
}

/** A data row of a headed CSV export, with its fields looked up by header name. */
export interface HeadedRow {
  line: number;
  raw: string;
  /** Trimmed value of a column; null when the column is absent or the cell is empty or a null token. */
  get(name: string): string | null;
}

/** A record that cannot be a row: the header lacks a required column, a quote is left open, or the field count is off. */
export interface HeadedReject {
  line: number;
  raw: string;
  reason: string;
}

/**
 * Rows of a CSV export whose first record is its header. Records that cannot be read as a row come back as
 * rejects (never dropped); a header without the `required` columns ends the file with one reject.
 */
export async function* readHeadedRows(
  path: string,
  opts: { required: readonly string[]; what: string; nullTokens?: readonly string[] },
): AsyncGenerator<HeadedRow | HeadedReject> {
  const nullTokens = new Set(['', ...(opts.nullTokens ?? [])]);
  let col: ((name: string) => number) | null = null;
  let width = 0;
  for await (const rec of readDelimited(path, ',')) {
    if (col === null) {
      col = columnIndex(rec.fields);
      width = rec.fields.length;
      const missing = opts.required.filter((c) => col!(c) < 0);
      if (missing.length) {
        yield { line: rec.line, raw: rec.raw, reason: `not ${opts.what}: the header lacks ${missing.join(', ')}` };
        return;
      }
      continue;
    }
    if (rec.raw.trim() === '') continue;
    if (rec.unterminated) yield { line: rec.line, raw: rec.raw, reason: 'unterminated quoted field (truncated file?)' };
    else if (rec.fields.length !== width) yield { line: rec.line, raw: rec.raw, reason: `expected ${width} fields, found ${rec.fields.length}` };
    else {
      const lookup = col;
      yield {
        line: rec.line,
        raw: rec.raw,
        get(name: string) {
          const i = lookup(name);
          const v = i < 0 ? undefined : rec.fields[i]?.trim();
          return v === undefined || nullTokens.has(v) ? null : v;
        },
      };
    }
  }
}
