/** `ccmart ingest` as a user runs it: the real CLI in a child process, then the database it wrote. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../core/db.ts';
import { ACD_HEADER, type Workspace, acdRow, gb18030, workspace } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function ccmart(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ccmart.js', 'ingest', ...args], { cwd: root, env: { ...process.env, CCMART_CONFIG: '' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ccmart ingest (CLI)', () => {
  let ws: Workspace;
  let db: string;
  beforeAll(async () => {
    // The CLI opens its own database file; the workspace's connection is not used for it.
    ws = await workspace('ccmart-cli-');
    db = `${ws.dir}/cli.duckdb`;
  });
  afterAll(() => ws.close());

  async function query<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
    const d = await openDatabase(db, { readOnly: true });
    try {
      return await queryRows<T>(d.conn, sql);
    } finally {
      d.close();
    }
  }

  it('loads several files in one run; a file that cannot be read makes the exit code 1 and names file, line and field', async () => {
    const good = ws.file('good.csv', `${[ACD_HEADER, acdRow('c1'), acdRow('c2', 1), 'c3,sales,a1,2024-03-01 09:02:00,2024-03-01 09:01:00,2024-03-01 09:03:00,'].join('\n')}\n`);
    const semicolon = ws.file('semicolon.csv', `${[ACD_HEADER, acdRow('s1', 5)].join('\n').replaceAll(',', ';')}\n`);
    const r = await ccmart('--db', db, '--source', 'acd', '--delimiter', ',', '--memory-limit', '256MB', good, semicolon);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${good}: acd: 2 loaded, 1 rejected, 0 duplicates`);
    expect(r.stderr).toContain(`${semicolon}: line 1, field contact_id: missing required column "contact_id", "arrival_at", "end_at"`);
    expect(r.stderr).toContain('is the delimiter right? pass --delimiter');
    const fixed = await ccmart('--db', db, '--source', 'acd', '--delimiter', ';', semicolon);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`${semicolon}: acd: 1 loaded, 0 rejected, 0 duplicates`);
    const audit = await query<{ file: string; status: string; rows_read: number; rows_loaded: number; rows_rejected: number; rows_duplicate: number }>(
      'SELECT file, status, rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_audit ORDER BY ingest_id',
    );
    expect(audit).toEqual([
      { file: good, status: 'loaded', rows_read: 3, rows_loaded: 2, rows_rejected: 1, rows_duplicate: 0 },
      { file: semicolon, status: 'failed', rows_read: 0, rows_loaded: 0, rows_rejected: 0, rows_duplicate: 0 },
      { file: semicolon, status: 'loaded', rows_read: 1, rows_loaded: 1, rows_rejected: 0, rows_duplicate: 0 },
    ]);
    expect(await query('SELECT line, field, reason FROM rejected_rows')).toEqual([{ line: 4, field: 'answer_at', reason: 'answer_at: answer_at is before arrival_at' }]);

    const again = await ccmart('--db', db, '--source', 'acd', good);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${good}: already loaded (same content, ingest #1); nothing added`);
    expect(await query('SELECT count(*) AS n FROM raw_acd_contacts')).toEqual([{ n: 3 }]);
  });

  it('--tz America/New_York and --encoding gb18030 reach the pipeline', async () => {
    const path = ws.file(
      'ny.csv',
      gb18030(`${['contact_id,queue,arrival_at,end_at', 'ny1,纽约热线,2024-03-10 02:30:00,2024-03-10 03:40:00', 'ny2,纽约热线,2024-11-03 01:30:00,2024-11-03 01:45:00'].join('\n')}\n`),
    );
    const r = await ccmart('--db', db, '--source', 'acd', '--tz', 'America/New_York', '--encoding', 'gb18030', path);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${path}: acd: 2 loaded, 0 rejected, 0 duplicates`);
    const rows = await query(
      `SELECT contact_id, queue, strftime(arrival_at, '%Y-%m-%d %H:%M:%S') AS local, strftime(arrival_at_utc, '%Y-%m-%d %H:%M:%S') AS utc
       FROM raw_acd_contacts WHERE contact_id LIKE 'ny%' ORDER BY contact_id`,
    );
    expect(rows).toEqual([
      { contact_id: 'ny1', queue: '纽约热线', local: '2024-03-10 03:30:00', utc: '2024-03-10 07:30:00' },
      { contact_id: 'ny2', queue: '纽约热线', local: '2024-11-03 01:30:00', utc: '2024-11-03 06:30:00' },
    ]);
    expect(await query("SELECT encoding, timezone FROM ingest_audit WHERE file LIKE '%ny.csv'")).toEqual([{ encoding: 'gb18030', timezone: 'America/New_York' }]);
  });

  it('rejects bad flags with exit code 2 and a message naming the flag', async () => {
    const bad = await ccmart('--db', db, '--source', 'acd', '--encoding', 'latin1', `${ws.dir}/good.csv`);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toContain('ccmart ingest: --encoding: expected utf-8 or gb18030, got "latin1"');
    const zone = await ccmart('--db', db, '--source', 'acd', '--tz', 'Mars/Olympus', `${ws.dir}/good.csv`);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain('--tz: unknown time zone "Mars/Olympus"');
    const memory = await ccmart('--db', db, '--source', 'acd', '--memory-limit', 'lots', `${ws.dir}/good.csv`);
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain('--memory-limit: expected a size such as 3GB or 500MB, got "lots"');
    const missing = await ccmart('--db', db, '--source', 'acd', `${ws.dir}/nope.csv`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${ws.dir}/nope.csv: no such file`);
  });
});
