/**
 * Bad rows mixed into the logs, each an extra row next to a clean one so the clean data still loads whole:
 * a missing required value, an unparseable time, an end before its start, a negative value, an unknown code,
 * a conflicting duplicate (same key, other content), an exact duplicate and a record with the wrong number of
 * fields (invalid JSON for JSON Lines). The ingest rejects all but the exact duplicates, which it drops.
 */
import type { Rng } from './random.ts';
import { TextSink } from './sink.ts';

export const dirtyKinds = [
  'missing_required',
  'bad_time',
  'end_before_start',
  'negative_value',
  'unknown_code',
  'conflicting_duplicate',
  'exact_duplicate',
  'wrong_field_count',
] as const;
export type DirtyKind = (typeof dirtyKinds)[number];

/** How one feed writes a record and spoils one. */
export interface FeedFormat<R> {
  header: string | null;
  kinds: readonly DirtyKind[];
  line(record: R): string;
  spoil(kind: DirtyKind, record: R, line: string, rng: Rng): string;
}

export interface FeedCounts {
  clean: number;
  dirty: Partial<Record<DirtyKind, number>>;
}

/** Writes clean records and, at the dirty fraction, a spoiled copy a few rows later (never before its original). */
export class FeedWriter<R> {
  readonly counts: FeedCounts = { clean: 0, dirty: {} };
  private readonly sink: TextSink;
  private readonly pending: { due: number; line: string }[] = [];
  private kindCursor: number;

  constructor(
    path: string,
    private readonly format: FeedFormat<R>,
    private readonly fraction: number,
    private readonly rng: Rng,
  ) {
    this.sink = new TextSink(path);
    if (format.header !== null) this.sink.write(`${format.header}\n`);
    // Kinds take turns so even a small file gets every kind.
    this.kindCursor = rng.int(format.kinds.length);
  }

  write(record: R): void {
    const line = this.format.line(record);
    this.sink.write(line);
    this.sink.write('\n');
    const n = ++this.counts.clean;
    if (this.pending.length > 0) this.flushPending(n);
    if (this.fraction > 0 && this.rng.next() < this.fraction) {
      const kind = this.format.kinds[this.kindCursor++ % this.format.kinds.length]!;
      this.counts.dirty[kind] = (this.counts.dirty[kind] ?? 0) + 1;
      const bad = kind === 'exact_duplicate' ? line : this.format.spoil(kind, record, line, this.rng);
      this.pending.push({ due: n + this.rng.int(20), line: bad });
      this.flushPending(n);
    }
  }

  close(): FeedCounts {
    for (const p of this.pending) this.sink.write(`${p.line}\n`);
    this.pending.length = 0;
    this.sink.close();
    return this.counts;
  }

  private flushPending(n: number): void {
    let kept = 0;
    for (const p of this.pending) {
      if (p.due <= n) this.sink.write(`${p.line}\n`);
      else this.pending[kept++] = p;
    }
    this.pending.length = kept;
  }
}

/** Seconds between two `YYYY-MM-DD HH:MM:SS` texts moved, for spoiled rows. */
export function shiftTime(text: string, seconds: number): string {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`) + seconds * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Times no reader can parse, as they turn up in real exports. */
export function garbageTime(text: string, rng: Rng): string {
  const date = text.slice(0, 10);
  return rng.pick([`${date} 25:61:00`, '0000-00-00 00:00:00', '#VALUE!', 'N/A', `${date}T99:99`, '昨天 14:32']);
}

/**
 * A CSV feed: `fields` gives a record's values in header order; `line` may give the same text faster (it is
 * what every clean row goes through, while `fields` only serves the rows being spoiled).
 */
export function csvFormat<R>(
  header: readonly string[],
  kinds: readonly DirtyKind[],
  fields: (record: R) => string[],
  spoilFields: (kind: Exclude<DirtyKind, 'exact_duplicate' | 'wrong_field_count'>, fields: string[], col: (name: string) => number, rng: Rng) => void,
  line: (record: R) => string = (record) => fields(record).join(','),
): FeedFormat<R> {
  const index = new Map(header.map((h, i) => [h, i]));
  const col = (name: string) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`no column ${name}`);
    return i;
  };
  return {
    header: header.join(','),
    kinds,
    line,
    spoil(kind, record, text, rng) {
      if (kind === 'exact_duplicate') return text;
      const values = fields(record);
      if (kind === 'wrong_field_count') return rng.chance(0.5) ? values.slice(0, -1).join(',') : `${text},x`;
      spoilFields(kind, values, col, rng);
      return values.join(',');
    },
  };
}
