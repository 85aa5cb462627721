/** Shared test plumbing: a DuckDB file in a temp folder, the real ingest pipeline, and loaded rows as text. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type Database, openDatabase, queryRows } from '../../core/db.ts';
import { type Source, contracts, storedType } from '../../pipelines/contracts.ts';
import { type FileResult, ingestPath } from '../../pipelines/ingest.ts';

export const realdata = (...parts: string[]) => fileURLToPath(new URL(`../../../shared/realdata/${parts.join('/')}`, import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/adapters/${name}`, import.meta.url));

export interface TestDb {
  db: Database;
  close(): void;
}

export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'ccmart-adapters-'));
  const db = await openDatabase(join(dir, 'test.duckdb'), { threads: 2 });
  return {
    db,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function ingest(db: Database, path: string, format: string, timezone: string, formatOptions: Record<string, string> = {}): Promise<FileResult[]> {
  return ingestPath(db.conn, path, { format, timezone, dayFirst: false, formatOptions });
}

export type TextRow = Record<string, string | null>;

/** Loaded rows of a feed in line order: every contract field as text (times as local wall clock) and `_line`. */
export async function loadedRows(db: Database, source: Source, where = 'true'): Promise<TextRow[]> {
  const c = contracts[source];
  const cols = c.fields.map((f) => {
    const col = `"${f.name}"`;
    if (storedType(f) === 'TIMESTAMP') {
      return `CASE WHEN ${col} IS NULL THEN NULL WHEN microsecond(${col}) % 1000000 = 0 THEN strftime(${col}, '%Y-%m-%d %H:%M:%S') ELSE strftime(${col}, '%Y-%m-%d %H:%M:%S.%g') END AS ${col}`;
    }
    return `${col}::VARCHAR AS ${col}`;
  });
  const keyOrder = c.key.map((k) => `t."${k}"`).join(', ');
  return queryRows<TextRow>(db.conn, `SELECT ${cols.join(', ')}, t._line::VARCHAR AS _line FROM ${c.table} t WHERE ${where} ORDER BY t._line, ${keyOrder}`);
}

export type Rejected = {
  source: string;
  line: number;
  field: string | null;
  reason: string;
  raw: string | null;
};

export async function rejectedRows(db: Database): Promise<Rejected[]> {
  return queryRows<Rejected>(db.conn, 'SELECT source, line, field, reason, raw FROM rejected_rows ORDER BY source, line, reason');
}

/** Every file's audit adds up (read = loaded + rejected + duplicates) and matches the rows actually stored. */
export async function expectReconciled(db: Database, results: readonly FileResult[]): Promise<void> {
  for (const r of results) {
    expect(r.status).toBe('loaded');
    expect(r.rowsRead).toBe(r.rowsLoaded + r.rowsRejected + r.rowsDuplicate);
    const table = contracts[r.source!].table;
    const [stored] = await queryRows<{ n: number }>(db.conn, `SELECT count(*) AS n FROM ${table} WHERE _ingest_id = ${r.ingestId}`);
    const [rejected] = await queryRows<{ n: number }>(db.conn, `SELECT count(*) AS n FROM rejected_rows WHERE ingest_id = ${r.ingestId}`);
    const [audit] = await queryRows<{ rows_read: number; rows_loaded: number; rows_rejected: number; rows_duplicate: number }>(
      db.conn,
      `SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_audit WHERE ingest_id = ${r.ingestId}`,
    );
    expect(stored!.n).toBe(r.rowsLoaded);
    expect(rejected!.n).toBe(r.rowsRejected);
    expect(audit).toEqual({ rows_read: r.rowsRead, rows_loaded: r.rowsLoaded, rows_rejected: r.rowsRejected, rows_duplicate: r.rowsDuplicate });
  }
}

/** A row with every field of the feed null, then the given values. */
export function blank(source: Source, values: TextRow): TextRow {
  const row: TextRow = Object.fromEntries(contracts[source].fields.map((f) => [f.name, null]));
  return { ...row, ...values };
}
