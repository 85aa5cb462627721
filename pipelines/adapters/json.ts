/**
 * Streaming reader of JSON records: a JSON array of values, JSON Lines, or values written back to back
 * (as Kinesis Firehose writes them). Each top-level value (or array element) is yielded with the line it
 * starts on, without holding the whole file in memory.
 */
import { openText } from './text.ts';

export type JsonRecord =
  | { line: number; raw: string; ok: true; value: unknown }
  | { line: number; raw: string; ok: false; reason: string };

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const LF = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

export async function* readJsonRecords(path: string): AsyncGenerator<JsonRecord> {
  let mode: 'start' | 'array' | 'values' | 'done' = 'start';
  let collecting = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let startLine = 1;
  let line = 1;

  const parse = (raw: string, at: number): JsonRecord => {
    try {
      return { line: at, raw, ok: true, value: JSON.parse(raw) };
    } catch (err) {
      return { line: at, raw, ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
  };

  for await (const piece of openText(path)) {
    const chunk = piece as string;
    let segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (!collecting) {
        if (c === LF) line++;
        if (isSpace(c)) continue;
        if (mode === 'start') {
          if (c === OPEN_BRACKET) {
            mode = 'array';
            continue;
          }
          mode = 'values';
        }
        if (mode === 'array' && c === COMMA) continue;
        if (mode === 'array' && c === CLOSE_BRACKET) {
          mode = 'done';
          continue;
        }
        if (mode === 'done') {
          // Text after the closing bracket: report it once, as one record.
          collecting = true;
          startLine = line;
          segStart = i;
          depth = 1;
          continue;
        }
        collecting = true;
        startLine = line;
        segStart = i;
        depth = 0;
        inString = false;
        escaped = false;
      }
      if (mode === 'done') {
        if (c === LF) line++;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        else if (c === LF) {
          // JSON strings cannot hold a raw line break: the record was cut; resume on the next line.
          const raw = parts.join('') + chunk.slice(segStart, i);
          parts = [];
          collecting = false;
          inString = false;
          line++;
          yield { line: startLine, raw: raw.replace(/\r$/, ''), ok: false, reason: 'unterminated string (the record is cut or broken)' };
        }
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACKET && depth === 0 && mode === 'array') {
        // A bare scalar that is the array's last element.
        const raw = parts.join('') + chunk.slice(segStart, i);
        parts = [];
        collecting = false;
        mode = 'done';
        yield parse(raw, startLine);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth <= 0) {
          const raw = parts.join('') + chunk.slice(segStart, i + 1);
          parts = [];
          collecting = false;
          yield depth === 0 ? parse(raw, startLine) : { line: startLine, raw, ok: false, reason: 'unbalanced closing bracket' };
          depth = 0;
        }
      } else if (depth === 0 && (c === COMMA || isSpace(c))) {
        // End of a bare scalar (a number, true, null …).
        const raw = parts.join('') + chunk.slice(segStart, i);
        parts = [];
        collecting = false;
        if (c === LF) line++;
        yield parse(raw, startLine);
      } else if (c === LF) line++;
    }
    if (collecting) parts.push(chunk.slice(segStart));
  }
  if (collecting) {
    const raw = parts.join('').trim();
    if (mode === 'done') yield { line: startLine, raw, ok: false, reason: 'text after the end of the JSON array' };
    else if (depth === 0 && !inString) yield parse(raw, startLine);
    else yield { line: startLine, raw, ok: false, reason: 'the file ends inside this record (truncated JSON)' };
  } else if (mode === 'array') {
    yield { line, raw: '', ok: false, reason: 'the JSON array is not closed (truncated file?)' };
  }
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
