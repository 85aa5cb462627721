/**
 * Incremental builds: after new ingests, each model rebuilds only the partitions its changed inputs touch, as
 * its header declares (marts/project.ts), and hands on to the models downstream only the rows that really
 * changed. A model whose header declares no partitions, or that does not map one of its changed inputs, is
 * rebuilt whole; a model none of whose inputs changed is left as it is.
 *
 * For a model with partitions:
 *   1. affected = the partitions of the inputs' changed rows (the key, range and select lines of its header);
 *   2. its SQL runs over its inputs cut down to the rows those partitions need (temporary views hide the
 *      full tables), and the rows of the affected partitions are kept;
 *   3. the old rows of those partitions give way to the new ones. When the models downstream read every column,
 *      old and new rows are compared by a 64-bit hash of the whole row and only rows that differ are deleted
 *      and inserted; otherwise the partitions are replaced (old rows found by a narrow scan, deleted by row id)
 *      and only the columns read downstream are kept of the old rows;
 *   4. the new rows (`_side` +1) and old rows (−1) that may differ are the model's changed rows.
 * An additive model (a count or sum of one input's rows by group) whose only changed input is a model skips step
 * 2: its SQL runs over that input's new rows and over its old rows, and the two results are added to and
 * subtracted from the affected partitions' rows, so the input is not read again.
 *
 * A model sees an input as changed only in the columns it reads (from DuckDB's plan of its SQL): versions of a
 * row that agree on those cancel out, so a touchpoint whose next contact changed does not make the node flow of
 * its day rebuild.
 *
 * Tables are written in place (`from` = `to`, inside the caller's transaction) or into a new schema that copies
 * the untouched rows (`from` ≠ `to`); the caller publishes either atomically.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec as execSql, ident, queryOne as queryOneSql, queryRows as queryRowsSql } from '../core/db.ts';
import { wordsOf, type Model, type PartitionMap } from './project.ts';

export interface ModelUpdate {
  name: string;
  /** unchanged: no input changed; partitions: only the affected partitions rebuilt; full: rebuilt whole. */
  mode: 'unchanged' | 'partitions' | 'full';
  /** Rows in the table afterwards. */
  rows: number;
  /** Partitions rebuilt (mode partitions). */
  partitions?: number;
  /** Rows written: the rows of the rebuilt partitions that differ from the last build, or the whole table. */
  rowsWritten: number;
  /** Why a model with partitions was rebuilt whole. */
  note?: string;
  /** Mode partitions of an additive model: its input's changes were added to the partitions' rows. */
  added?: boolean;
  /** Mode partitions: inputs read from their rows rebuilt in this update rather than from their tables. */
  readRebuilt?: string[];
  /** Mode partitions: the partition key and a relation of the rebuilt partitions' rows. */
  key?: string[];
  rebuilt?: string;
  /** A temporary table of the rows that differ from the last build, with `_side` (+1 new, −1 old), when compared. */
  changes?: string;
  seconds: number;
}

export interface UpdateOptions {
  /** Catalog (database) name, to name the tables temporary views hide. */
  catalog: string;
  /** Schema of the last build. */
  from: string;
  /** Schema written: the same as `from` (in place) or a new one. */
  to: string;
  models: Model[];
  /** New ingest ids per raw table. */
  newIngests: Record<string, number[]>;
  /** Models to rebuild whole even if they have partitions (their partition_key test failed last time). */
  whole?: Set<string>;
  /** Per model, columns to keep of its changed rows whatever the models downstream read (relationships tests). */
  keepColumns?: Map<string, string[]>;
  log?: (run: ModelUpdate, model: Model) => void;
}

export class ModelUpdateError extends Error {
  constructor(
    readonly model: string,
    readonly duckdbError: string,
  ) {
    super(`model ${model} failed: ${duckdbError}`);
  }
}

/**
 * CCMART_BUILD_TRACE=1 prints each statement of an incremental build with its time (on stderr), numbered;
 * CCMART_BUILD_PROFILE=DIR also writes DuckDB's JSON profile of statement N to DIR/N.json.
 */
const tracing = process.env.CCMART_BUILD_TRACE === '1';
const profileDir = tracing ? process.env.CCMART_BUILD_PROFILE : undefined;
let statementNo = 0;

/** With CCMART_BUILD_TRACE=1: the time since `t0` at a step of the build (on stderr). */
export function tracePhase(what: string, t0: number): void {
  if (tracing) console.error(`${((performance.now() - t0) / 1000).toFixed(3).padStart(8)} s  [since start] ${what}`);
}
async function traced<T>(conn: DuckDBConnection, sql: string, run: () => Promise<T>): Promise<T> {
  if (!tracing) return run();
  const n = ++statementNo;
  if (profileDir) await execSql(conn, `PRAGMA enable_profiling = 'json'; SET profiling_output = '${profileDir.replaceAll("'", "''")}/${n}.json'`);
  const t = performance.now();
  const out = await run();
  console.error(`${((performance.now() - t) / 1000).toFixed(3).padStart(8)} s  #${n} ${sql.replace(/\s+/g, ' ').slice(0, 220)}`);
  return out;
}
const exec = (conn: DuckDBConnection, sql: string) => traced(conn, sql, () => execSql(conn, sql));
const queryOne = <T>(conn: DuckDBConnection, sql: string) => traced(conn, sql, () => queryOneSql<T>(conn, sql));
const queryRows = <T>(conn: DuckDBConnection, sql: string) => traced(conn, sql, () => queryRowsSql<T>(conn, sql));

const count = async (conn: DuckDBConnection, sql: string) => (await queryOne<{ n: number }>(conn, `SELECT count(*) AS n FROM ${sql}`))!.n;

/**
 * Updates every model in order; returns what each did. The tables of rebuilt and changed rows
 * (ModelUpdate.rebuilt, .changes) stay until dropScratch, so the data tests can look at them.
 */
export async function updateModels(conn: DuckDBConnection, opts: UpdateOptions): Promise<ModelUpdate[]> {
  const { catalog, from, to, models } = opts;
  const inPlace = from === to;
  const table = (schema: string, name: string) => `${ident(catalog)}.${ident(schema)}.${ident(name)}`;
  /** Input → relation of its changed rows: raw tables' new rows; models' rows with `_side` (+1 new, −1 old). */
  const changed = new Map<string, string>();
  /** Model → relation of its changed rows, also when there are none (for the data tests). */
  const compared = new Map<string, string>();
  /** Changed rows that may hold an old and a new version of a row that agree (partitions replaced, not compared). */
  const uncompared = new Set<string>();
  const plans = new Map<string, Map<string, Set<string> | null>>();
  /** Model → its partitions rebuilt in this update and their new rows (with `_h`), for the models downstream. */
  const rebuilt = new Map<string, { affected: string; fresh: string }>();
  const scratch = new Scratch(conn);
  const readBy = new Set(models.flatMap((m) => m.dependsOn));
  const runs: ModelUpdate[] = [];

  // in place, the rows written are a day's worth appended to each table, in no useful order among themselves:
  // unordered inserts and scratch tables use both threads more (measured 3-10 % off the 10M incremental build).
  // A copy keeps the order, as its tables are written whole.
  if (inPlace) await exec(conn, 'SET preserve_insertion_order = false');
  try {
    for (const [raw, ids] of Object.entries(opts.newIngests)) {
      if (ids.length) changed.set(raw, await scratch.make(`changed_${raw}`, `SELECT * FROM ${table('main', raw)} WHERE _ingest_id IN (${ids.join(', ')})`, 'VIEW'));
    }
    for (const model of models) {
      const t0 = performance.now();
      try {
        const run = await updateModel(model);
        const changes = compared.get(model.name);
        if (changes) scratch.keep(changes);
        const done: ModelUpdate = { ...run, name: model.name, changes, rows: await count(conn, table(to, model.name)), seconds: (performance.now() - t0) / 1000 };
        runs.push(done);
        opts.log?.(done, model);
      } catch (err) {
        await dropScratch(conn, runs).catch(() => {});
        throw new ModelUpdateError(model.name, (err as Error).message);
      }
    }
    return runs;
  } finally {
    await scratch.dropAll();
    if (inPlace) await exec(conn, 'RESET preserve_insertion_order').catch(() => {});
  }

  async function updateModel(model: Model): Promise<Omit<ModelUpdate, 'name' | 'rows' | 'seconds'>> {
    const name = model.name;
    const candidates = [...model.dependsOn, ...model.rawInputs].filter((i) => changed.has(i));
    if (candidates.length === 0) return unchanged();
    // the changes of each input in the columns this model reads
    const seen = new Map<string, string>();
    const reads = await columnsRead(model);
    const inc = model.incremental;
    // an additive model takes the changes of its one changed input (a model) with their signs
    const signed = !!inc?.additive && candidates.length === 1 && !model.rawInputs.includes(candidates[0]!);
    for (const input of candidates) {
      const rel = model.rawInputs.includes(input) ? changed.get(input)! : await changesSeenBy(model, input, reads.get(input), signed);
      if (rel) seen.set(input, rel);
    }
    if (seen.size === 0) return unchanged();
    const unmapped = inc ? [...seen.keys()].filter((i) => !inc.maps.some((p) => p.input === i)) : [];
    let note = !inc ? undefined : opts.whole?.has(name) ? 'its partition_key test failed in the last build' : unmapped.length ? `${unmapped.join(', ')} changed and is not mapped to partitions` : undefined;
    if (inc && !note) {
      const rebuilt = await rebuildPartitions(model, seen, signed);
      if (rebuilt === 'unchanged') return unchanged();
      if (rebuilt) return { mode: 'partitions', ...rebuilt };
      note = 'a new row has no partition key';
    }
    // the whole model; its changed rows by comparison with the last build. Its rows keep the order the model
    // gives them, as in a full build (staging tables in time order let later builds skip row groups)
    if (inPlace) await exec(conn, 'SET preserve_insertion_order = true');
    const { rel: fresh, rows } = await scratch.makeCounted(`new_${name}`, `SELECT *, hash(model) AS _h FROM (\n${model.sql}\n) AS model`);
    if (readBy.has(name)) {
      await scratch.make(`old_${name}`, `SELECT rowid AS _rowid, hash(t) AS _h, t.* FROM ${table(from, name)} AS t`);
      await compare(name, fresh, `temp.${ident(`old_${name}`)}`, true);
    }
    await exec(conn, `CREATE OR REPLACE TABLE ${table(to, name)} AS SELECT * EXCLUDE (_h) FROM ${fresh}`);
    if (inPlace) await exec(conn, 'SET preserve_insertion_order = false');
    for (const t of [`new_${name}`, `old_${name}`, `diff_${name}`]) await scratch.drop(t);
    return { mode: 'full', rowsWritten: rows, note };

    async function unchanged(): Promise<Omit<ModelUpdate, 'name' | 'rows' | 'seconds'>> {
      if (!inPlace) await exec(conn, `CREATE TABLE ${table(to, name)} AS SELECT * FROM ${table(from, name)}`);
      return { mode: 'unchanged', rowsWritten: 0 };
    }
  }

  /**
   * Columns of each table the model's SQL reads, from DuckDB's plan (projections and filters of its scans);
   * a table read whole or without a readable plan maps to null.
   */
  async function columnsRead(model: Model): Promise<Map<string, Set<string> | null>> {
    const known = plans.get(model.name);
    if (known) return known;
    const out = new Map<string, Set<string> | null>();
    plans.set(model.name, out);
    const rows = await queryRows<{ explain_value: string }>(conn, `EXPLAIN (FORMAT JSON) ${model.sql}`);
    const walk = (node: { name?: string; extra_info?: Record<string, unknown>; children?: unknown[] }) => {
      const info = node.extra_info;
      if (info && typeof info.Table === 'string') {
        const t = info.Table.split('.').pop()!;
        const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
        const projected = list(info.Projections);
        if (out.get(t) === null || projected.length === 0) out.set(t, null);
        else {
          const cols = out.get(t) ?? new Set<string>();
          for (const c of projected) cols.add(c);
          // filter-only columns are not projected; any word of a filter may be one
          for (const f of list(info.Filters)) for (const w of f.match(/\w+/g) ?? []) cols.add(w);
          out.set(t, cols);
        }
      }
      for (const c of node.children ?? []) walk(c as typeof node);
    };
    try {
      const plan = JSON.parse(rows[0]!.explain_value) as unknown[];
      for (const p of plan) walk(p as Parameters<typeof walk>[0]);
    } catch {
      out.clear();
    }
    return out;
  }

  /** Words of a model's header lines about one input: the columns they may use. */
  function headerWords(model: Model, input: string): Set<string> {
    const inc = model.incremental;
    return new Set([...(inc?.maps.filter((p) => p.input === input) ?? []).flatMap(wordsOf), ...wordsOf(inc?.reads[input] ?? '')]);
  }

  /** Columns of a model the models downstream read (and the data tests need); null when one reads them all. */
  async function neededColumns(name: string): Promise<Set<string> | null> {
    const needed = new Set(opts.keepColumns?.get(name) ?? []);
    for (const consumer of models.filter((m) => m.dependsOn.includes(name))) {
      const read = (await columnsRead(consumer)).get(name);
      if (!read) return null;
      for (const c of [...read, ...headerWords(consumer, name)]) needed.add(c);
    }
    return needed;
  }

  /**
   * The input's changed rows as the model sees them: only the columns it reads (and its header names), where
   * an old and a new version that agree on those cancel out; a set (duplicates may collapse). Null when nothing
   * it reads changed. `signed`: each differing row once with `_n`, how many more of it there are (negative:
   * fewer).
   */
  async function changesSeenBy(model: Model, input: string, read: Set<string> | null | undefined, signed = false): Promise<string | null> {
    const all = changed.get(input)!;
    const columns = (await queryRows<{ c: string }>(conn, `SELECT column_name AS c FROM (DESCRIBE ${all})`)).map((r) => r.c).filter((c) => c !== '_side');
    const words = headerWords(model, input);
    const cols = read ? columns.filter((c) => read.has(c) || words.has(c)) : columns;
    if (signed) {
      const { rel, rows } = await scratch.makeCounted(`changed_${input}_for_${model.name}`, netChanges(all, cols.length ? cols : columns, true));
      return rows > 0 ? rel : null;
    }
    if (cols.length === columns.length && !uncompared.has(input)) return `(SELECT * EXCLUDE (_side) FROM ${all})`;
    if (cols.length === 0) return (await count(conn, `(SELECT sum(_side) AS s FROM ${all}) WHERE s <> 0`)) > 0 ? `(SELECT * EXCLUDE (_side) FROM ${all})` : null;
    const { rel, rows } = await scratch.makeCounted(`changed_${input}_for_${model.name}`, netChanges(all, cols));
    return rows > 0 ? rel : null;
  }

  /**
   * Hashes of the rows that differ between `fresh` and `old` (both with `_h`), as temp table diff_<name>; with
   * `keep`, also the model's changed rows (new +1, old −1) for the models downstream and the data tests.
   */
  async function compare(name: string, fresh: string, old: string, keep: boolean): Promise<string> {
    const diff = await scratch.make(`diff_${name}`, `SELECT _h FROM (SELECT _h, 1 AS s FROM ${fresh} UNION ALL SELECT _h, -1 FROM ${old}) GROUP BY _h HAVING sum(s) <> 0`);
    if (keep) {
      const { rel, rows } = await scratch.makeCounted(
        `changed_${name}`,
        `SELECT * EXCLUDE (_h), 1 AS _side FROM ${fresh} WHERE _h IN (SELECT _h FROM ${diff})
         UNION ALL SELECT * EXCLUDE (_rowid, _h), -1 FROM ${old} WHERE _h IN (SELECT _h FROM ${diff})`,
      );
      compared.set(name, rel);
      if (rows > 0) changed.set(name, rel);
    }
    return diff;
  }

  /**
   * Rebuilds the partitions the changed inputs touch. 'unchanged' when they touch none; null when a new row has
   * no partition key (the caller rebuilds the model whole). `signed`: the one changed input's rows carry `_n`
   * (changesSeenBy), to be added to an additive model.
   */
  async function rebuildPartitions(
    model: Model,
    seen: Map<string, string>,
    signed: boolean,
  ): Promise<{ partitions: number; rowsWritten: number; key: string[]; rebuilt: string; added?: boolean; readRebuilt?: string[] } | 'unchanged' | null> {
    const columns = signed ? await queryRows<ColumnType>(conn, `SELECT column_name AS c, column_type AS t FROM (DESCRIBE ${table(from, model.name)})`) : [];
    const add = signed && exactMeasures(model, columns);
    const found = add ? await addedRows(model, [...seen][0]!, columns) : await rebuiltRows(model, seen);
    if (found === 'unchanged' || found === null) return found;
    return { ...(await replacePartitions(model, found)), ...(add ? { added: true } : {}), ...(found.readRebuilt ? { readRebuilt: found.readRebuilt } : {}) };
  }

  /** An additive model's measures are whole numbers (a sum of floats would not add up to what a rebuild gives). */
  function exactMeasures(model: Model, types: ColumnType[]): boolean {
    return model.incremental!.additive!.every((m) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(types.find((x) => x.c === m)?.t ?? ''));
  }

  /** The new rows of the partitions the changed inputs touch: the model's SQL over the rows they need. */
  async function rebuiltRows(model: Model, seen: Map<string, string>): Promise<NewRows | 'unchanged' | null> {
    const inc = model.incremental!;
    const name = model.name;
    const key = inc.key;
    // typed like the key, so every line's partitions are cast to it
    const touched = await scratch.make(`touched_${name}`, `SELECT ${key.map((k, i) => `(${k}) AS ${keyColumns(key)[i]}`).join(', ')} FROM ${table(from, name)} LIMIT 0`);
    for (const map of inc.maps) {
      const rows = seen.get(map.input);
      if (!rows) continue;
      if (map.kind === 'select') await scratch.make('changed', `SELECT * FROM ${rows}`, 'VIEW');
      await exec(conn, `INSERT INTO ${touched} ${partitionsOf(map, rows, key.length)}`);
    }
    const columns = keyColumns(key).join(', ');
    const { rel: affected, rows: partitions } = await scratch.makeCounted(`affected_${name}`, `SELECT DISTINCT ${columns} FROM ${touched} WHERE ${keyColumns(key).map((c) => `${c} IS NOT NULL`).join(' AND ')}`);
    await scratch.drop('changed', 'VIEW');
    await scratch.drop(`touched_${name}`);
    if (partitions === 0) return 'unchanged';

    // hide each input the header maps behind a view of the rows the affected partitions need
    await scratch.make('affected', `SELECT ${columns} FROM ${affected}`, 'VIEW');
    const hidden: string[] = [];
    const readRebuilt: string[] = [];
    for (const input of new Set([...inc.maps.map((p) => p.input), ...Object.keys(inc.reads)])) {
      const maps = inc.maps.filter((p) => p.input === input && p.kind !== 'select');
      const condition = inc.reads[input] ?? (maps.length ? maps.map((p) => neededRows(p, affected)).join(' OR ') : null);
      if (!condition) continue; // mapped by queries only: read whole
      const source = model.rawInputs.includes(input) ? table('main', input) : table(to, input);
      const own = inc.reads[input] ? undefined : await rebuiltRowsCover(input, maps, affected);
      if (own) readRebuilt.push(input);
      await scratch.make(input, own ? `SELECT * EXCLUDE (_h) FROM ${own} WHERE ${condition}` : `SELECT * FROM ${source} WHERE ${condition}`, 'VIEW');
      hidden.push(input);
    }
    const nullKey = key.map((k) => `(${k}) IS NULL`).join(' OR ');
    const { rel: fresh, rows } = await scratch.makeCounted(`new_${name}`, `SELECT *, hash(model) AS _h FROM (\n${model.sql}\n) AS model WHERE ${isIn(key, affected)} OR ${nullKey}`);
    for (const h of hidden) await scratch.drop(h, 'VIEW');
    await scratch.drop('affected', 'VIEW');
    if ((await count(conn, `${fresh} WHERE ${nullKey}`)) > 0) {
      await scratch.drop(`new_${name}`);
      await scratch.drop(`affected_${name}`);
      return null;
    }
    return { partitions, affected, fresh, rows, ...(readRebuilt.length ? { readRebuilt } : {}) };
  }

  /**
   * The input's new rows of this update when they hold every row the affected partitions need: the model is
   * partitioned like the input (each line about it names the input's own partition key, or a prefix and the
   * key's one column: 'acd:' || contact_id), and the input rebuilt all of the affected partitions. Reading them
   * spares a scan of the input's table.
   */
  async function rebuiltRowsCover(input: string, maps: PartitionMap[], affected: string): Promise<string | undefined> {
    const theirs = rebuilt.get(input);
    const inputKey = models.find((m) => m.name === input)?.incremental?.key.map(normalized);
    if (!theirs || !inputKey || !maps.length) return undefined;
    // per line, the affected partitions whose rows of the input it names, as the input's partitions
    const partitions: string[] = [];
    for (const map of maps) {
      const exprs = map.kind === 'key' ? map.exprs.map(normalized) : [];
      const prefixed = map.kind === 'key' ? prefixedKey(map.exprs) : null;
      if (exprs.length === inputKey.length && exprs.every((e, i) => e === inputKey[i])) partitions.push(`SELECT * FROM ${affected}`);
      else if (prefixed && inputKey.length === 1 && prefixed.column === inputKey[0]) partitions.push(unprefixed(prefixed.prefix, affected));
      else return undefined;
    }
    const columns = keyColumns(inputKey).join(', ');
    const outside = await count(conn, `(${partitions.join(' UNION ALL ')}) WHERE (${columns}) NOT IN (SELECT ${columns} FROM ${theirs.affected})`);
    return outside === 0 ? theirs.fresh : undefined;
  }

  /**
   * An additive model's new rows of the partitions its input's changes touch: its SQL over the input's new rows,
   * added to the partitions' rows, and over the input's old rows, subtracted; a group whose measures all come to
   * 0 is gone. Null when a row has no partition key.
   */
  async function addedRows(model: Model, [input, changes]: [string, string], columns: ColumnType[]): Promise<NewRows | 'unchanged' | null> {
    const name = model.name;
    const { key, additive: measures } = model.incremental!;
    const sides: string[] = [];
    for (const [side, rows] of [['added', '_n > 0'], ['removed', '_n < 0']] as const) {
      await scratch.make(input, `SELECT * EXCLUDE (_n, _copy) FROM (SELECT *, unnest(range(abs(_n))) AS _copy FROM ${changes} WHERE ${rows})`, 'VIEW');
      sides.push(await scratch.make(`${side}_${name}`, model.sql));
    }
    await scratch.drop(input, 'VIEW');
    const [added, removed] = sides as [string, string];
    const keyOf = (rel: string) => `SELECT ${key.map((k, i) => `(${k}) AS ${keyColumns(key)[i]}`).join(', ')} FROM ${rel}`;
    const { rel: affected, rows: partitions } = await scratch.makeCounted(`affected_${name}`, `SELECT DISTINCT * FROM (${keyOf(added)} UNION ALL ${keyOf(removed)})`);
    const dropAll = async () => {
      for (const t of [`added_${name}`, `removed_${name}`, `affected_${name}`]) await scratch.drop(t);
    };
    if ((await count(conn, `${affected} WHERE ${keyColumns(key).map((c) => `${c} IS NULL`).join(' OR ')}`)) > 0) {
      await dropAll();
      return null;
    }
    if (partitions === 0) {
      await dropAll();
      return 'unchanged';
    }
    const isMeasure = (c: string) => measures!.includes(c);
    const negated = columns.map(({ c }) => (isMeasure(c) ? `-${ident(c)}` : ident(c))).join(', ');
    const summed = columns.map(({ c, t }) => (isMeasure(c) ? `sum(${ident(c)})::${t} AS ${ident(c)}` : ident(c))).join(', ');
    const groups = columns.filter(({ c }) => !isMeasure(c)).map(({ c }) => ident(c)).join(', ');
    const { rel: fresh, rows } = await scratch.makeCounted(
      `new_${name}`,
      `SELECT *, hash(model) AS _h FROM (
         SELECT ${summed} FROM (
           SELECT * FROM ${table(from, name)} WHERE ${isIn(key, affected)}
           UNION ALL SELECT * FROM ${added}
           UNION ALL SELECT ${negated} FROM ${removed})
         GROUP BY ${groups} HAVING ${measures!.map((m) => `sum(${ident(m)}) <> 0`).join(' OR ')}) AS model`,
    );
    await scratch.drop(`added_${name}`);
    await scratch.drop(`removed_${name}`);
    return { partitions, affected, fresh, rows };
  }

  /** The old rows of the affected partitions give way to the new ones; the changed rows are kept for downstream. */
  async function replacePartitions(model: Model, { partitions, affected, fresh, rows: freshRows }: NewRows): Promise<{ partitions: number; rowsWritten: number; key: string[]; rebuilt: string }> {
    const name = model.name;
    const key = model.incremental!.key;
    // the old rows, picked as an input's would be (a day key first bounds its time column, so row groups are skipped)
    const inAffected = neededRows({ input: name, kind: 'key', exprs: key }, affected);
    const keep = readBy.has(name);
    const needed = await neededColumns(name);
    const all = (await queryRows<{ c: string }>(conn, `SELECT column_name AS c FROM (DESCRIBE ${table(from, name)})`)).map((r) => r.c);
    const kept = needed ? all.filter((c) => needed.has(c)) : all;
    let rowsWritten: number;
    if (kept.length < all.length && (kept.length > 0 || !keep)) {
      // replace the partitions: the old rows by a narrow scan, and only the columns read downstream
      const list = kept.map(ident).join(', ');
      const old = await scratch.make(`old_${name}`, `SELECT rowid AS _rowid${kept.length ? `, ${list}` : ''} FROM ${table(from, name)} WHERE ${inAffected}`);
      if (inPlace) await exec(conn, `DELETE FROM ${table(to, name)} WHERE rowid IN (SELECT _rowid FROM ${old})`);
      else await exec(conn, `CREATE TABLE ${table(to, name)} AS SELECT * FROM ${table(from, name)} WHERE rowid NOT IN (SELECT _rowid FROM ${old})`);
      await exec(conn, `INSERT INTO ${table(to, name)} SELECT * EXCLUDE (_h) FROM ${fresh}`);
      if (keep) {
        const { rel, rows } = await scratch.makeCounted(`changed_${name}`, `SELECT ${list}, 1 AS _side FROM ${fresh} UNION ALL SELECT ${list}, -1 FROM ${old}`);
        compared.set(name, rel);
        uncompared.add(name);
        if (rows > 0) changed.set(name, rel);
      }
      rowsWritten = freshRows;
    } else {
      // compare: the old rows hashed, and whole when the models downstream read every column
      const old = await scratch.make(`old_${name}`, `SELECT rowid AS _rowid, hash(t) AS _h${keep ? ', t.*' : ''} FROM ${table(from, name)} AS t WHERE ${inAffected}`);
      const diff = await compare(name, fresh, old, keep);
      const gone = `SELECT _rowid FROM ${old} WHERE _h IN (SELECT _h FROM ${diff})`;
      if (inPlace) await exec(conn, `DELETE FROM ${table(to, name)} WHERE rowid IN (${gone})`);
      else await exec(conn, `CREATE TABLE ${table(to, name)} AS SELECT * FROM ${table(from, name)} WHERE rowid NOT IN (${gone})`);
      await exec(conn, `INSERT INTO ${table(to, name)} SELECT * EXCLUDE (_h) FROM ${fresh} WHERE _h IN (SELECT _h FROM ${diff})`);
      rowsWritten = await count(conn, `${fresh} WHERE _h IN (SELECT _h FROM ${diff})`);
    }
    // the affected partitions stay (dropped with the update's scratch tables) for the models downstream
    for (const t of [`old_${name}`, `diff_${name}`]) await scratch.drop(t);
    rebuilt.set(name, { affected, fresh });
    scratch.keep(fresh);
    return { partitions, rowsWritten, key, rebuilt: `(SELECT * EXCLUDE (_h) FROM ${fresh})` };
  }
}

/** A column of a table and its DuckDB type (DESCRIBE). */
interface ColumnType {
  c: string;
  t: string;
}

/** The new rows of a model's affected partitions: their count, the table of their keys and of the rows (with `_h`). */
interface NewRows {
  partitions: number;
  affected: string;
  fresh: string;
  rows: number;
  readRebuilt?: string[];
}

/** Drops what updateModels kept for the data tests. */
export async function dropScratch(conn: DuckDBConnection, runs: ModelUpdate[]): Promise<void> {
  for (const r of runs) {
    if (r.rebuilt) await exec(conn, `DROP TABLE IF EXISTS temp.${ident(`new_${r.name}`)}`);
    if (r.changes) await exec(conn, `DROP TABLE IF EXISTS ${r.changes}`);
  }
}

/** Temporary tables and views of one update, dropped when done. */
class Scratch {
  private readonly made = new Map<string, 'TABLE' | 'VIEW'>();
  constructor(private readonly conn: DuckDBConnection) {}

  async make(name: string, sql: string, kind: 'TABLE' | 'VIEW' = 'TABLE'): Promise<string> {
    await exec(this.conn, `CREATE OR REPLACE TEMP ${kind} ${ident(name)} AS ${sql}`);
    this.made.set(name, kind);
    return `temp.${ident(name)}`;
  }

  /** A table like make's, and its number of rows: CREATE TABLE AS reports it, sparing a count(*) query. */
  async makeCounted(name: string, sql: string): Promise<{ rel: string; rows: number }> {
    const created = await queryOne<{ Count: number }>(this.conn, `CREATE OR REPLACE TEMP TABLE ${ident(name)} AS ${sql}`);
    this.made.set(name, 'TABLE');
    return { rel: `temp.${ident(name)}`, rows: Number(created!.Count) };
  }

  async drop(name: string, kind: 'TABLE' | 'VIEW' = 'TABLE'): Promise<void> {
    await exec(this.conn, `DROP ${kind} IF EXISTS temp.${ident(name)}`);
    this.made.delete(name);
  }

  /** Leaves a table (by its relation `temp."name"`) to the caller: dropAll passes it over. */
  keep(relation: string): void {
    this.made.delete(relation.replace(/^temp\."(.*)"$/, '$1').replaceAll('""', '"'));
  }

  async dropAll(): Promise<void> {
    for (const [name, kind] of [...this.made].reverse()) await this.drop(name, kind).catch(() => {});
  }
}

/**
 * A model's changed rows (`_side` +1 new, −1 old) in some of its columns, where versions that agree on those
 * cancel out; each projection that differs is kept once (header lines and queries use changed rows as a set).
 */
export function netChanges(changes: string, columns: string[], counted = false): string {
  // counted: with `_n`, how many more rows of each projection there are (negative: fewer)
  return `SELECT ${columns.map(ident).join(', ')}${counted ? ', sum(_side)::BIGINT AS _n' : ''} FROM ${changes} GROUP BY ALL HAVING sum(_side) <> 0`;
}

/** A one-part key written as a prefix and a column ('acd:' || contact_id). */
function prefixedKey(exprs: string[]): { prefix: string; column: string } | null {
  const m = exprs.length === 1 ? /^'([^']*)'\s*\|\|\s*(\w+)$/.exec(exprs[0]!.trim()) : null;
  return m ? { prefix: m[1]!, column: m[2]! } : null;
}

/** The keys in `affected` that carry the prefix, without it, as column key. */
const unprefixed = (prefix: string, affected: string) => `SELECT substr(key, ${prefix.length + 1}) AS key FROM ${affected} WHERE starts_with(key, '${prefix}')`;

/** An expression as written, without its spaces: two lines naming the same expression compare equal. */
const normalized = (expr: string) => expr.replace(/\s+/g, '');

/** Columns of the table of affected partitions: key, or key1, key2, … */
export const keyColumns = (key: string[]) => (key.length === 1 ? ['key'] : key.map((_, i) => `key${i + 1}`));

/** Condition: the partition named by `exprs` is in the table `affected`. */
export function isIn(exprs: string[], affected: string): string {
  return `(${exprs.map((e) => `(${e})`).join(', ')}) IN (SELECT ${keyColumns(exprs).join(', ')} FROM ${affected})`;
}

/** SELECT of the partitions an input's changed rows (`rows`) put in play. */
export function partitionsOf(map: PartitionMap, rows: string, parts: number): string {
  switch (map.kind) {
    case 'key':
      return `SELECT ${map.exprs.map((e) => `(${e})`).join(', ')} FROM ${rows}`;
    case 'range': {
      const lo = `coalesce((${map.lo})::DATE, (${map.hi})::DATE)`;
      const hi = `coalesce((${map.hi})::DATE, (${map.lo})::DATE)`;
      return `SELECT unnest(generate_series(least(${lo}, ${hi}), greatest(${lo}, ${hi}), INTERVAL 1 DAY))::DATE${map.rest.map((e) => `, (${e})`).join('')} FROM ${rows}`;
    }
    case 'select':
      return `SELECT ${Array.from({ length: parts }, (_, i) => `#${i + 1}`).join(', ')} FROM (${map.sql}) AS touched`;
  }
}

/**
 * Condition on an input's rows: those a partition in `affected` needs (a superset is fine). A key written as a
 * prefix and a column ('acd:' || contact_id) is compared on the column itself, and a key whose first part is a
 * time column's day (started_at::date) first bounds the column by the affected days: both let DuckDB skip the
 * row groups outside (new contacts, sessions, tickets and states sit together at the end of a table).
 */
export function neededRows(map: PartitionMap, affected: string): string {
  switch (map.kind) {
    case 'key': {
      const prefixed = prefixedKey(map.exprs);
      if (prefixed) return `${prefixed.column} IN (${unprefixed(prefixed.prefix, affected)})`;
      const day = /^(\w+)::date$/i.exec(map.exprs[0]!.trim());
      if (day) {
        const [, column] = day as unknown as [string, string];
        const first = keyColumns(map.exprs)[0]!;
        return `(${column} >= (SELECT min(${first}) FROM ${affected}) AND ${column} < (SELECT max(${first}) FROM ${affected}) + 1 AND ${isIn(map.exprs, affected)})`;
      }
      return isIn(map.exprs, affected);
    }
    case 'range': {
      // rows whose days overlap the affected days (and, with more key parts, whose other parts are affected)
      const day = map.rest.length ? 'key1' : 'key';
      const days = `greatest((${map.lo})::DATE, (${map.hi})::DATE) >= (SELECT min(${day}) FROM ${affected}) AND least((${map.lo})::DATE, (${map.hi})::DATE) <= (SELECT max(${day}) FROM ${affected})`;
      const others = map.rest.length ? ` AND (${map.rest.map((e) => `(${e})`).join(', ')}) IN (SELECT ${map.rest.map((_, i) => `key${i + 2}`).join(', ')} FROM ${affected})` : '';
      return `(${days}${others})`;
    }
    case 'select':
      return 'true';
  }
}
