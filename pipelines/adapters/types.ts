/**
 * A named input format (`ccmart ingest --format NAME`): reads a vendor's export and yields canonical rows
 * of one or more feeds. Values are text in the contract's field names; they go through the same validation,
 * duplicate handling, rejection and audit as the generic CSV/JSONL/Parquet input.
 */
import type { Source } from '../contracts.ts';
import type { Config } from '../../core/config.ts';

/** A canonical row produced from the input. */
export interface AdapterRow {
  kind: 'row';
  source: Source;
  /** Line (or record) of the input the row comes from; for a row built from several lines, its first line. */
  line: number;
  /** The input text the row was built from (its line or lines), for rejected_rows. */
  raw: string;
  /**
   * Field values as text, named as in the contract. Times as `YYYY-MM-DD HH:MM:SS[.fff]` wall clock of the
   * center, or ISO 8601 with `Z`/offset when the source gives instants. Absent fields are null.
   */
  fields: Record<string, string | null | undefined>;
  /**
   * Personal values in `raw` that no personal field carries (e.g. the caller's number beside a customer id):
   * a pseudonymised ingest replaces them in the raw text too.
   */
  personal?: readonly string[];
}

/** An input record the adapter could not turn into a row: it is written to rejected_rows, never dropped. */
export interface AdapterReject {
  kind: 'reject';
  source: Source;
  line: number;
  raw: string;
  field: string | null;
  reason: string;
  /**
   * Every personal value in `raw`, when the format could find them: a pseudonymised ingest then keeps the raw
   * text with them replaced; without this list it keeps no raw text of the reject.
   */
  personal?: readonly string[];
}

export type AdapterOutput = AdapterRow | AdapterReject;

export interface AdapterContext {
  /** Zone of the center (for formats that carry UTC instants or need local dates). */
  timezone: string;
  /** `--option key=value` pairs given on the command line, for format-specific settings. */
  options: Readonly<Record<string, string>>;
  /** The configuration in force, where a format takes defaults from it (absent: the built-in defaults). */
  config?: Config;
}

export interface Adapter {
  /** Name given to `--format`. */
  name: string;
  /** One line for `ccmart ingest --help`. */
  summary: string;
  /** Feeds this format produces. */
  sources: readonly Source[];
  /** Reads one input path (a file, or a folder for formats stored as folders). */
  read(path: string, ctx: AdapterContext): AsyncIterable<AdapterOutput>;
}
