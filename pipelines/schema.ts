/** DDL of the tables the pipelines write: one raw table per contract, rejected rows and the ingest audit. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { contracts, storedColumns } from './contracts.ts';
import { exec, ident, queryRows } from '../core/db.ts';

export const auditColumns = [
  ['ingest_id', 'BIGINT', 'Identifier of one ingest of one file for one feed.'],
  ['file', 'VARCHAR', 'Path of the file as given to `ccmart ingest`.'],
  ['source', 'VARCHAR', 'Feed: acd, agent-states, tickets or bot.'],
  ['format', 'VARCHAR', 'Input format: csv, jsonl, parquet or a named vendor format.'],
  ['content_hash', 'VARCHAR', 'SHA-256 of the file bytes; a file with the same hash is not loaded twice.'],
  ['bytes', 'BIGINT', 'File size in bytes.'],
  ['encoding', 'VARCHAR', 'Text encoding read (utf-8 or gb18030).'],
  ['timezone', 'VARCHAR', 'Zone of wall-clock times in the file.'],
  ['rows_read', 'BIGINT', 'Rows read from the file (after the header).'],
  ['rows_loaded', 'BIGINT', 'Rows loaded into the raw table.'],
  ['rows_rejected', 'BIGINT', 'Rows written to rejected_rows.'],
  ['rows_duplicate', 'BIGINT', 'Exact duplicates (same key and content as a loaded row) removed.'],
  ['started_at', 'TIMESTAMP', 'Start of the ingest (UTC).'],
  ['seconds', 'DOUBLE', 'Duration of the ingest.'],
  ['status', 'VARCHAR', 'loaded, empty or failed.'],
  ['message', 'VARCHAR', 'Why a file failed, or notes such as ignored columns.'],
  ['pseudonymized', 'BOOLEAN', 'Personal fields were stored as keyed pseudonyms (`ccmart ingest --pseudonymize`).'],
  ['key_fingerprint', 'VARCHAR', 'Fingerprint of the pseudonym key (never the key itself), when pseudonymized: one database keeps one key.'],
] as const;

/** Audit columns added after the first release: added to older databases when they are opened for an ingest. */
const laterAuditColumns: readonly (readonly [string, string])[] = [
  ['pseudonymized', 'BOOLEAN DEFAULT false'],
  ['key_fingerprint', 'VARCHAR'],
];

export const rejectedColumns = [
  ['ingest_id', 'BIGINT', 'Ingest that rejected the row.'],
  ['file', 'VARCHAR', 'Source file.'],
  ['source', 'VARCHAR', 'Feed.'],
  ['line', 'BIGINT', 'Record number in the file (1 = a CSV header; for JSONL the line; for Parquet the row).'],
  ['field', 'VARCHAR', 'Field at fault, when one is.'],
  ['reason', 'VARCHAR', 'Why the row was rejected, in words.'],
  ['raw', 'VARCHAR', 'The row as it was in the file (cut after 4,096 characters); pseudonymised ingests replace its personal values, and keep no text of a record they could not split into fields.'],
] as const;

export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  await exec(conn, 'CREATE SEQUENCE IF NOT EXISTS ingest_id_seq START 1');
  await exec(conn, `CREATE TABLE IF NOT EXISTS ingest_audit (${auditColumns.map(([n, t]) => `${n} ${t}`).join(', ')})`);
  const have = new Set(
    (await queryRows<{ c: string }>(conn, `SELECT column_name AS c FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'ingest_audit'`)).map((r) => r.c),
  );
  for (const [name, type] of laterAuditColumns) if (!have.has(name)) await exec(conn, `ALTER TABLE ingest_audit ADD COLUMN ${name} ${type}`);
  await exec(conn, `CREATE TABLE IF NOT EXISTS rejected_rows (${rejectedColumns.map(([n, t]) => `${n} ${t}`).join(', ')})`);
  for (const c of Object.values(contracts)) {
    const cols = storedColumns(c).map((col) => `${ident(col.name)} ${col.type}${col.compression ? ` USING COMPRESSION ${col.compression}` : ''}`);
    await exec(conn, `CREATE TABLE IF NOT EXISTS ${c.table} (${cols.join(', ')})`);
  }
}
