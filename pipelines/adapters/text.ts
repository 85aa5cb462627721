/** Streaming text input for named formats: plain or gzip files, read as UTF-8 line by line or in chunks. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isGzip } from '../readers/encoding.ts';

/** The file's text as a stream of UTF-8 chunks (decompressed when the name ends in .gz). */
export function openText(path: string): Readable {
  const stream = isGzip(path) ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  stream.setEncoding('utf8');
  return stream;
}

export interface TextLine {
  /** 1 = first line of the file. */
  line: number;
  text: string;
}

/** Lines of a text file without their line ends; a byte-order mark on the first line is dropped. */
export async function* readLines(path: string): AsyncGenerator<TextLine> {
  const lines = createInterface({ input: openText(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
  }
}
