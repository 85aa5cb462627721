/**
 * Finds the text of given records (by record number, 1 = first line) in a delimited or line-based file,
 * for the `raw` column of rejected rows (not yet cut to MAX_RAW_CHARS: callers `clip` it). A record ends at a newline outside a quoted field, the way DuckDB's
 * CSV reader counts them, so record numbers agree with DuckDB's reject lines. A quote opens a quoted field
 * only at the start of a field (elsewhere it is a plain character); inside one, a doubled quote is a quote
 * and a single quote closes the field.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isGzip } from './encoding.ts';

export const MAX_RAW_CHARS = 4096;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: a second quote makes it a literal quote, anything else closes the field. */
  QuoteInQuoted,
}

export async function readRecords(
  path: string,
  wanted: ReadonlySet<number>,
  quote: string | null,
  onRecord: (line: number, text: string) => void,
  delimiter: string | null = ',',
  chunkBytes = 1 << 20,
): Promise<void> {
  if (wanted.size === 0) return;
  // Wanted records in order: the next one is compared with each record instead of a set lookup per record.
  const order = [...wanted].sort((a, b) => a - b);
  let nextIndex = 0;
  let next = order[0]!;
  const maxWanted = order[order.length - 1]!;
  const q = quote ? quote.charCodeAt(0) : -1;
  const d = delimiter ? delimiter.charCodeAt(0) : -1;
  let record = 1;
  let state = State.FieldStart;
  let current: Buffer[] = [];
  let currentLen = 0;
  const keep = (part: Buffer) => {
    if (currentLen < MAX_RAW_CHARS * 4) {
      current.push(part);
      currentLen += part.length;
    }
  };
  const finish = () => {
    if (record === next) {
      onRecord(record, Buffer.concat(current).toString('utf8'));
      next = order[++nextIndex] ?? Infinity;
    }
    record++;
    current = [];
    currentLen = 0;
  };
  const stream = isGzip(path) ? createReadStream(path, { highWaterMark: chunkBytes }).pipe(createGunzip()) : createReadStream(path, { highWaterMark: chunkBytes });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    let i = 0;
    const n = chunk.length;
    // Next quote at or after i, searched again only once passed (quotes may be rare and far apart).
    let nextQuote = -2;
    const quoteFrom = (from: number) => {
      if (q < 0) return -1;
      if (nextQuote !== -1 && nextQuote < from) nextQuote = chunk.indexOf(q, from);
      return nextQuote;
    };
    while (i < n) {
      if (state === State.Quoted) {
        // Inside quotes only the next quote matters.
        const qi = quoteFrom(i);
        if (qi < 0) break;
        state = State.QuoteInQuoted;
        i = qi + 1;
        continue;
      }
      if (state === State.QuoteInQuoted) {
        if (chunk[i] === q) {
          state = State.Quoted;
          i++;
          continue;
        }
        state = State.Unquoted; // closed; what follows up to the delimiter stays in the field
      }
      // Outside quotes: jump to the next newline unless a quote comes first.
      const nl = chunk.indexOf(0x0a, i);
      const qi = quoteFrom(i);
      if (qi >= 0 && (nl < 0 || qi < nl)) {
        // A quote opens a quoted field only at the start of a field.
        const atFieldStart: boolean = qi === i ? state === State.FieldStart : chunk[qi - 1] === d;
        state = atFieldStart ? State.Quoted : State.Unquoted;
        i = qi + 1;
        continue;
      }
      if (nl < 0) {
        if (n > i) state = chunk[n - 1] === d ? State.FieldStart : State.Unquoted;
        break;
      }
      if (record === next) keep(chunk.subarray(start, nl));
      finish();
      start = nl + 1;
      i = nl + 1;
      state = State.FieldStart;
      if (record > maxWanted) {
        stream.destroy();
        return;
      }
    }
    if (record === next) keep(chunk.subarray(start));
  }
  if (current.length) finish();
}

/** One field of a delimited record: its text as written (quotes included) and its value as DuckDB reads it. */
export interface RawField {
  text: string;
  value: string;
}

/**
 * Splits one record (as readRecords returns it) into its fields, the way DuckDB's reader does for a record it
 * accepted: a quote opens a quoted field only at the start of a field, a doubled quote inside one is a quote.
 * A final carriage return belongs to the line ending, not to the last field.
 */
export function splitRecord(record: string, delimiter: string, quote: string | null): RawField[] {
  const text = record.endsWith('\r') ? record.slice(0, -1) : record;
  const fields: RawField[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    let value = '';
    if (quote && text.startsWith(quote, i)) {
      i += quote.length;
      for (;;) {
        const q = text.indexOf(quote, i);
        if (q < 0) {
          value += text.slice(i);
          i = text.length;
          break;
        }
        value += text.slice(i, q);
        if (text.startsWith(quote, q + quote.length)) {
          value += quote;
          i = q + 2 * quote.length;
        } else {
          i = q + quote.length;
          break;
        }
      }
      const end = text.indexOf(delimiter, i);
      const stop = end < 0 ? text.length : end;
      value += text.slice(i, stop);
      i = stop;
    } else {
      const end = text.indexOf(delimiter, i);
      i = end < 0 ? text.length : end;
      value = text.slice(start, i);
    }
    fields.push({ text: text.slice(start, i), value });
    if (i >= text.length) break;
    i += delimiter.length;
    if (i === text.length) {
      fields.push({ text: '', value: '' });
      break;
    }
  }
  return fields;
}

/** Cuts a raw record to MAX_RAW_CHARS, saying so. */
export function clip(s: string): string {
  const t = s.endsWith('\r') ? s.slice(0, -1) : s;
  return t.length > MAX_RAW_CHARS ? `${t.slice(0, MAX_RAW_CHARS)}… (cut)` : t;
}
