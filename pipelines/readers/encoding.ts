/**
 * Text encoding of input files: UTF-8 (with or without BOM) or GB18030, detected from the bytes or given.
 * GB18030 files are transcoded to a temporary UTF-8 file, since DuckDB's readers take UTF-8.
 */
import { createReadStream, createWriteStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export type Encoding = 'utf-8' | 'gb18030';
export const encodings: readonly Encoding[] = ['utf-8', 'gb18030'];

export interface Sniff {
  /** First bytes of the (decompressed) content. */
  head: Buffer;
  /** Byte offset of the first NUL byte in the head, or -1. */
  nulAt: number;
  /** Leading bytes are a UTF-16 byte-order mark. */
  utf16: boolean;
}

const SNIFF_BYTES = 1 << 20;

export function isGzip(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/** Reads up to 1 MiB of the file's content (decompressed for .gz). */
export async function sniff(path: string): Promise<Sniff> {
  let head: Buffer;
  if (isGzip(path)) {
    const chunks: Buffer[] = [];
    let total = 0;
    const stream = createReadStream(path).pipe(createGunzip());
    try {
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
        total += (chunk as Buffer).length;
        if (total >= SNIFF_BYTES) break;
      }
    } catch {
      // A corrupt gzip stream: sniff what could be read; the reader reports the error with its position.
    }
    stream.destroy();
    head = Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
  } else {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    closeSync(fd);
    head = buf.subarray(0, n);
  }
  const utf16 = head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
  return { head, nulAt: head.indexOf(0), utf16 };
}

/**
 * UTF-8 unless the bytes are not valid UTF-8 and hold no multi-byte UTF-8 sequence at all (then GB18030).
 * A UTF-8 file with a few broken bytes stays UTF-8, so its broken lines are rejected one by one rather than
 * the whole file being misread.
 */
export function detectEncoding(head: Buffer): Encoding {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  // A cut multi-byte sequence at the end of the sniffed head is not an error.
  const end = head.length;
  while (i < end) {
    const b = head[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len === 0 || b > 0xf4) {
      invalid++;
      i++;
      continue;
    }
    if (i + len > end) break;
    let ok = true;
    for (let j = 1; j < len; j++) if ((head[i + j]! & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  if (invalid === 0) return 'utf-8';
  return valid > invalid * 4 ? 'utf-8' : 'gb18030';
}

/** Streams a GB18030 (optionally gzipped) file into a UTF-8 file. */
export async function transcodeToUtf8(src: string, dest: string, from: Encoding): Promise<void> {
  const decoder = new TextDecoder(from);
  const toUtf8 = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
  const input = isGzip(src) ? createReadStream(src).pipe(createGunzip()) : createReadStream(src);
  await pipeline(input, toUtf8, createWriteStream(dest));
}
