/** The marts' reference data: build, queues, channels, targets, date range, configuration, catalog. */
import { sql } from 'kysely';
import type { MartDb } from '../db/marts.ts';
import type { OptionalTable } from '../db/tables.ts';
import { col } from './filters.ts';

/** Whether a table of a later feature (forecast, staffing, coverage) is in the database. */
export async function tableExists(db: MartDb, table: OptionalTable | 'build_history'): Promise<boolean> {
  const row = await db
    .selectFrom('information_schema.tables')
    .select(sql<number>`count(*)`.as('n'))
    .where('table_catalog', '=', sql<string>`current_database()`)
    .where('table_schema', '=', 'main')
    .where('table_name', '=', table)
    .executeTakeFirst();
  return (row?.n ?? 0) > 0;
}

export async function latestBuild(db: MartDb): Promise<{ schema_name: string; finished_at: string; status: string } | null> {
  if (!(await tableExists(db, 'build_history'))) return null;
  const row = await db.selectFrom('build_history').select(['schema_name', 'finished_at', 'status']).orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  return row ?? null;
}

export function queues(db: MartDb) {
  return db
    .selectFrom('dim_queue')
    .select(['queue_id', 'queue_name', 'queue_name_en', 'channel', 'in_catalog', 'sl_threshold_seconds', 'sl_target', 'abandon_target', 'asa_target_seconds'])
    .orderBy('queue_id')
    .execute();
}

export function channels(db: MartDb) {
  return db.selectFrom('dim_channel').select(['channel', 'channel_name', 'channel_name_zh', 'is_realtime']).orderBy('channel').execute();
}

export function targets(db: MartDb) {
  return db.selectFrom('seed_kpi_targets').select(['metric', 'target', 'direction', 'unit', 'description']).orderBy('metric').execute();
}

export async function dateRange(db: MartDb): Promise<{ from: string; to: string } | null> {
  const date = col('kpi_daily', 'date');
  const row = await db
    .selectFrom('kpi_daily')
    .select([sql<string | null>`min(${date})`.as('from'), sql<string | null>`max(${date})`.as('to')])
    .executeTakeFirst();
  return row?.from && row.to ? { from: row.from, to: row.to } : null;
}

export function config(db: MartDb) {
  return db.selectFrom('ccmart_config').select(['sl_threshold_seconds', 'interval_minutes', 'timezone']).executeTakeFirst();
}

export function catalogRows(db: MartDb) {
  return db
    .selectFrom('mart_catalog')
    .select(['table_name', 'layer', 'table_description', 'column_name', 'column_type', 'column_description', 'ordinal'])
    .orderBy('table_name')
    .orderBy('ordinal')
    .execute();
}
