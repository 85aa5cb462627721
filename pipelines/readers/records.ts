/**
 * Finds the text of given records (by record number, 1 = first line) in a delimited or line-based file,
 * for the `raw` column of rejected rows. A record ends at a newline outside quotes, the way DuckDB's CSV
 * reader counts them, so record numbers agree with DuckDB's reject lines.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isGzip } from './encoding.ts';

export const MAX_RAW_CHARS = 4096;

export async function readRecords(
  path: string,
  wanted: ReadonlySet<number>,
  quote: string | null,
  onRecord: (line: number, text: string) => void,
): Promise<void> {
  if (wanted.size === 0) return;
  let maxWanted = 0;
  for (const w of wanted) if (w > maxWanted) maxWanted = w;
  const q = quote ? quote.charCodeAt(0) : -1;
  let record = 1;
  let inQuote = false;
  let current: Buffer[] = [];
  let currentLen = 0;
  const keep = (part: Buffer) => {
    if (currentLen < MAX_RAW_CHARS * 4) {
      current.push(part);
      currentLen += part.length;
    }
  };
  const finish = () => {
    if (wanted.has(record)) onRecord(record, clip(Buffer.concat(current).toString('utf8')));
    record++;
    current = [];
    currentLen = 0;
  };
  const stream = isGzip(path) ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === q) inQuote = !inQuote;
      else if (b === 0x0a && !inQuote) {
        if (wanted.has(record)) keep(chunk.subarray(start, i));
        finish();
        start = i + 1;
        if (record > maxWanted) {
          stream.destroy();
          return;
        }
      }
    }
    if (wanted.has(record)) keep(chunk.subarray(start));
  }
  if (current.length) finish();
}

/** Cuts a raw record to MAX_RAW_CHARS, saying so. */
export function clip(s: string): string {
  const t = s.endsWith('\r') ? s.slice(0, -1) : s;
  return t.length > MAX_RAW_CHARS ? `${t.slice(0, MAX_RAW_CHARS)}… (cut)` : t;
}
