/** Shared set-up of the ingest tests: a DuckDB file in a temp folder, ingest calls and reconciliation checks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Database, openDatabase, queryOne, queryRows } from '../../core/db.ts';
import { type FileResult, type IngestOptions, ingestPath } from '../../pipelines/ingest.ts';

export interface Workspace {
  dir: string;
  db: Database;
  /** Writes a file in the workspace and returns its path. */
  file(name: string, content: string | Buffer): string;
  /** Ingests one path as the given feed (default acd, Asia/Shanghai) and returns its only result. */
  ingest(path: string, opts?: Partial<IngestOptions>): Promise<FileResult>;
  close(): void;
}

export async function workspace(prefix = 'ccmart-ingest-'): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = await openDatabase(join(dir, 'mart.duckdb'));
  return {
    dir,
    db,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    async ingest(path, opts = {}) {
      const results = await ingestPath(db.conn, path, { source: 'acd', timezone: 'Asia/Shanghai', dayFirst: false, ...opts });
      expect(results).toHaveLength(1);
      return results[0]!;
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Counts {
  read: number;
  loaded: number;
  rejected: number;
  duplicate: number;
}

/**
 * Checks one ingest against counts the test worked out itself: the audit row, the rows of the raw table and of
 * rejected_rows that carry its id, and rows read = loaded + rejected + duplicates.
 */
export async function reconcile(db: Database, result: FileResult, expected: Counts, table = 'raw_acd_contacts'): Promise<void> {
  const id = result.ingestId;
  expect(id).not.toBeNull();
  const audit = await queryOne<{ rows_read: number; rows_loaded: number; rows_rejected: number; rows_duplicate: number }>(
    db.conn,
    'SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_audit WHERE ingest_id = $id',
    { id } as never,
  );
  expect(audit).toEqual({ rows_read: expected.read, rows_loaded: expected.loaded, rows_rejected: expected.rejected, rows_duplicate: expected.duplicate });
  expect(expected.read).toBe(expected.loaded + expected.rejected + expected.duplicate);
  const loaded = await queryOne<{ n: number }>(db.conn, `SELECT count(*) AS n FROM ${table} WHERE _ingest_id = $id`, { id } as never);
  const rejected = await queryOne<{ n: number }>(db.conn, 'SELECT count(*) AS n FROM rejected_rows WHERE ingest_id = $id', { id } as never);
  expect(loaded!.n).toBe(expected.loaded);
  expect(rejected!.n).toBe(expected.rejected);
  expect({ read: result.rowsRead, loaded: result.rowsLoaded, rejected: result.rowsRejected, duplicate: result.rowsDuplicate }).toEqual(expected);
}

export interface Reject {
  line: number;
  field: string | null;
  reason: string;
  raw: string | null;
}

export async function rejectsOf(db: Database, id: number | null): Promise<Reject[]> {
  return queryRows<Reject & Record<string, unknown>>(db.conn, 'SELECT line, field, reason, raw FROM rejected_rows WHERE ingest_id = $id ORDER BY line', { id } as never);
}

/**
 * A fingerprint of the raw table and rejected_rows (optionally only the rows of one ingest), to prove that a
 * later file changed nothing of what was loaded before.
 */
export async function snapshot(db: Database, ingestId?: number | null, table = 'raw_acd_contacts'): Promise<string> {
  const where = (col: string) => (ingestId === undefined ? '' : `WHERE ${col} = ${Number(ingestId)}`);
  const rows = await queryRows(
    db.conn,
    `SELECT (SELECT count(*) FROM ${table} t ${where('_ingest_id')}) AS raw_n, (SELECT sum(hash(t))::VARCHAR FROM ${table} t ${where('_ingest_id')}) AS raw_h,
            (SELECT count(*) FROM rejected_rows t ${where('ingest_id')}) AS rej_n, (SELECT sum(hash(t))::VARCHAR FROM rejected_rows t ${where('ingest_id')}) AS rej_h`,
  );
  return JSON.stringify(rows[0]);
}

/** The ACD header used by the hand-written fixtures. */
export const ACD_HEADER = 'contact_id,queue,agent,arrival_at,answer_at,end_at,ivr_path';

/** A clean ACD row: arrival at 09:MM:00 on 1 March 2024, answered 10 s later, ended 5 minutes later. */
export function acdRow(id: string, minute = 0, extra: { queue?: string; agent?: string; ivrPath?: string } = {}): string {
  const mm = String(minute % 60).padStart(2, '0');
  const end = String((minute + 5) % 60).padStart(2, '0');
  const hour = minute + 5 >= 60 ? '10' : '09';
  return [id, extra.queue ?? 'sales', extra.agent ?? 'a1', `2024-03-01 09:${mm}:00`, `2024-03-01 09:${mm}:10`, `2024-03-01 ${hour}:${end}:00`, extra.ivrPath ?? ''].join(',');
}

let gbTable: Map<string, Buffer> | null = null;

/**
 * Encodes text as GB18030 (ASCII and the two-byte GBK range, which covers common Chinese). Node has no
 * GB18030 encoder, so the table is built by decoding every two-byte code with the platform's decoder.
 */
export function gb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030', { fatal: true });
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const bytes = Buffer.from([lead, trail]);
        try {
          const ch = decoder.decode(bytes);
          if (!gbTable.has(ch)) gbTable.set(ch, bytes);
        } catch {
          // not a two-byte code
        }
      }
    }
  }
  const parts: Buffer[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) parts.push(Buffer.from(ch, 'latin1'));
    else {
      const b = gbTable.get(ch);
      if (!b) throw new Error(`no two-byte GB18030 code for "${ch}"`);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}
