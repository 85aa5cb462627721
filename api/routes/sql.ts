/**
 * POST /api/sql: one read-only SELECT on the marts for analysts, as JSON, CSV or Parquet, with a row limit
 * and a time limit. Runs on the analysts' own DuckDB instances (api/analyst.ts), never on the dashboards'.
 */
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { defineRoute } from '../route.ts';
import { validJson } from '../validate.ts';

export const SQL_DEFAULT_LIMIT = 1_000;
export const SQL_MAX_LIMIT = 100_000;
export const SQL_DEFAULT_TIMEOUT_SECONDS = 30;
export const SQL_MAX_TIMEOUT_SECONDS = 300;

const body = z.strictObject({
  sql: z.string({ error: 'expected the query as a string' }).min(1, { error: 'empty query' }).max(100_000, { error: 'query longer than 100,000 characters' }).describe('One SELECT (or EXPLAIN) statement.'),
  format: z.enum(['json', 'csv', 'parquet'], { error: 'expected json, csv or parquet' }).default('json'),
  limit: z
    .number({ error: 'expected a number' })
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(SQL_MAX_LIMIT, { error: `must be at most ${SQL_MAX_LIMIT}` })
    .default(SQL_DEFAULT_LIMIT)
    .describe('Rows returned at most; more are cut and `truncated` is set.'),
  timeout_seconds: z
    .number({ error: 'expected a number' })
    .gt(0, { error: 'must be greater than 0' })
    .max(SQL_MAX_TIMEOUT_SECONDS, { error: `must be at most ${SQL_MAX_TIMEOUT_SECONDS}` })
    .default(SQL_DEFAULT_TIMEOUT_SECONDS)
    .describe('The query is stopped after this time.'),
});

export const sqlDoc = defineRoute({
  method: 'post',
  path: '/api/sql',
  tag: 'SQL',
  summary: 'Run one read-only SQL query on the marts (JSON, CSV or Parquet)',
  description:
    'The database is opened read-only with file and network access off; only one SELECT or EXPLAIN statement is accepted (400 otherwise, with the reason). ' +
    'CSV and Parquet answers carry the headers X-Ccmart-Rows and X-Ccmart-Truncated.',
  body,
  response: z.strictObject({
    columns: z.array(z.strictObject({ name: z.string(), type: z.string().describe('DuckDB type') })),
    rows: z.array(z.record(z.string(), z.unknown())).describe('DATE as YYYY-MM-DD, TIMESTAMP as YYYY-MM-DD HH:MM:SS, BIGINT as number.'),
    truncated: z.boolean().describe('More rows than `limit` existed.'),
    seconds: z.number(),
  }),
  otherContent: {
    'text/csv': 'format=csv: the rows as CSV with a header line.',
    'application/vnd.apache.parquet': 'format=parquet: the rows as a Parquet file.',
  },
  errors: { '429': 'Too many SQL queries at once (2 run, 8 wait): try again.' },
});

const contentTypes = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' } as const;

/** The analyst's mistakes (refused statement, SQL error, time limit) are 400s about `sql`. */
function asBadSql(err: unknown): never {
  if (err instanceof UserError) throw new ApiError(400, err.message, 'sql');
  throw err;
}

export function sqlRouter(deps: Deps) {
  return new Hono().post('/', validJson(body), async (c) => {
    const b = c.req.valid('json');
    const timeoutMs = b.timeout_seconds * 1000;
    if (b.format === 'json') {
      const result = await deps.analyst.json(b.sql, { limit: b.limit, timeoutMs }).catch(asBadSql);
      return c.json({ columns: result.columns, rows: result.rows, truncated: result.truncated, seconds: result.seconds });
    }
    const file = await deps.analyst.file(b.sql, { format: b.format, limit: b.limit, timeoutMs }).catch(asBadSql);
    const { size } = await stat(file.path);
    const stream = createReadStream(file.path);
    // The open file stays readable after unlinking; nothing is left behind even if the client goes away.
    stream.once('open', () => void unlink(file.path).catch(() => {}));
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, {
      'Content-Type': contentTypes[b.format],
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="query.${b.format}"`,
      'X-Ccmart-Rows': String(file.rows),
      'X-Ccmart-Truncated': String(file.truncated),
    });
  });
}
