/**
 * Pseudonyms for personal fields (`ccmart ingest --pseudonymize`): a value becomes `p_` and the first 20 hex
 * digits of HMAC-SHA-256(key, normalised value), so one customer gets one pseudonym in every file and feed
 * loaded with the same key, and journeys still join. The same function exists twice, as SQL (computed by
 * DuckDB in the validating query) and in JavaScript (for the raw text of rejected rows); they agree.
 *
 * Normalisation: a value written like a phone number (only digits, spaces, dashes, dots and brackets, an
 * optional leading +, at least 7 digits) is reduced to its digits, keeping a leading +; other values are used
 * as written (after the usual trimming).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.ts';
import type { Field, PersonalKind } from './contracts.ts';
import { NULL_TOKENS } from './validate.ts';
import { splitRecord } from './readers/records.ts';

export const KEY_ENV = 'CCMART_PSEUDONYM_KEY';
export const MIN_KEY_BYTES = 16;
/** Digits a value needs to count as a phone number. */
export const PHONE_MIN_DIGITS = 7;
const PREFIX = 'p_';
const HEX_DIGITS = 20;
const BLOCK = 64;

const PHONE_SHAPE = /^\+?[0-9 ().-]+$/;
const NOT_DIGIT = /[^0-9]/g;

const digitCount = (value: string) => value.replace(NOT_DIGIT, '').length;

/** The text that is hashed: a phone number reduced to its digits (and a leading +), anything else as written. */
export function normalisePersonal(value: string): string {
  if (!PHONE_SHAPE.test(value)) return value;
  const digits = value.replace(NOT_DIGIT, '');
  return digits.length >= PHONE_MIN_DIGITS ? `${value.startsWith('+') ? '+' : ''}${digits}` : value;
}

/** Whether a value of this kind is replaced: identifiers always, `phone` fields only when they hold a phone number. */
export function isPersonalValue(value: string, kind: PersonalKind): boolean {
  return kind === 'identifier' || digitCount(value) >= PHONE_MIN_DIGITS;
}

/** The key's HMAC pads: K (hashed first when longer than a block) zero-padded to 64 bytes, XOR 0x36 and 0x5c. */
function pads(key: Buffer): { inner: Buffer; outer: Buffer } {
  const k = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? createHash('sha256').update(key).digest() : key).copy(k);
  return { inner: Buffer.from(k.map((b) => b ^ 0x36)), outer: Buffer.from(k.map((b) => b ^ 0x5c)) };
}

export class Pseudonymizer {
  /** Identifies the key without revealing it: recorded in ingest_audit so one database keeps one key. */
  readonly fingerprint: string;
  readonly #key: Buffer;
  readonly #inner: string;
  readonly #outer: string;
  readonly #cache = new Map<string, string>();

  constructor(key: Buffer) {
    if (key.length < MIN_KEY_BYTES) throw new UserError(`the pseudonym key has ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`);
    this.#key = Buffer.from(key);
    const { inner, outer } = pads(this.#key);
    this.#inner = inner.toString('hex');
    this.#outer = outer.toString('hex');
    this.fingerprint = createHmac('sha256', this.#key).update('ccmart pseudonym key fingerprint').digest('hex').slice(0, 16);
  }

  /** Pseudonym of a (trimmed, non-empty) value, whatever its kind. */
  pseudonym(value: string): string {
    let p = this.#cache.get(value);
    if (p === undefined) {
      p = PREFIX + createHmac('sha256', this.#key).update(normalisePersonal(value), 'utf8').digest('hex').slice(0, HEX_DIGITS);
      if (this.#cache.size < 100_000) this.#cache.set(value, p);
    }
    return p;
  }

  /** The value as stored: its pseudonym when it is personal, else the value itself. */
  value(value: string, kind: PersonalKind): string {
    return isPersonalValue(value, kind) ? this.pseudonym(value) : value;
  }

  /** SQL of `value(expr, kind)` over a VARCHAR expression (NULL stays NULL). */
  sql(expr: string, kind: PersonalKind): string {
    const digits = `regexp_replace(${expr}, '[^0-9]', '', 'g')`;
    const normalised = `CASE WHEN regexp_full_match(${expr}, '${PHONE_SHAPE.source.slice(1, -1)}') AND length(${digits}) >= ${PHONE_MIN_DIGITS}
      THEN CASE WHEN starts_with(${expr}, '+') THEN '+' ELSE '' END || ${digits} ELSE ${expr} END`;
    const inner = `unhex(sha256(unhex('${this.#inner}') || encode(${normalised})))`;
    const hashed = `'${PREFIX}' || left(sha256(unhex('${this.#outer}') || ${inner}), ${HEX_DIGITS})`;
    return kind === 'identifier' ? hashed : `CASE WHEN length(${digits}) >= ${PHONE_MIN_DIGITS} THEN ${hashed} ELSE ${expr} END`;
  }
}

/**
 * The pseudonym key: the bytes of `--key-file FILE` (one final newline dropped) or of $CCMART_PSEUDONYM_KEY.
 * Errors say what is missing and never show the key.
 */
export function loadPseudonymKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer {
  let key: Buffer;
  let from: string;
  if (keyFile) {
    from = `--key-file ${keyFile}`;
    try {
      key = readFileSync(keyFile);
    } catch (err) {
      throw new UserError(`${from}: cannot read the key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const end = key.at(-1) === 0x0a ? (key.at(-2) === 0x0d ? 2 : 1) : 0;
    key = key.subarray(0, key.length - end);
  } else {
    const text = env[KEY_ENV];
    if (!text) {
      throw new UserError(
        `--pseudonymize needs a key: set ${KEY_ENV} to a secret of at least ${MIN_KEY_BYTES} bytes (e.g. export ${KEY_ENV}=$(openssl rand -hex 32)) or pass --key-file FILE`,
      );
    }
    from = KEY_ENV;
    key = Buffer.from(text, 'utf8');
  }
  if (key.length < MIN_KEY_BYTES) throw new UserError(`${from}: the pseudonym key has ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`);
  return key;
}

/** Text with every quoted part ("…" or '…') replaced by "…": for messages that might quote a personal value. */
export function redactQuoted(text: string): string {
  return text.replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'");
}

/** Replaces every occurrence of the given values (longest first) in free text by their pseudonyms. */
export function replaceValues(text: string, values: Iterable<string>, p: Pseudonymizer): string {
  const forms = new Map<string, string>();
  for (const v of values) {
    if (!v) continue;
    const pseudonym = p.pseudonym(v);
    forms.set(v, pseudonym);
    // The same value as it appears inside a JSON string.
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) forms.set(escaped, pseudonym);
  }
  let out = text;
  for (const [form, pseudonym] of [...forms].sort((a, b) => b[0].length - a[0].length)) out = out.split(form).join(pseudonym);
  return out;
}

/** A raw value as validation reads it: spaces trimmed, empty and null tokens meaning no value. */
export function cleanedValue(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const v = text.replace(/^ +| +$/g, '');
  return NULL_TOKENS.includes(v) ? null : v;
}

/** The stored form of a raw personal value: its pseudonym, or null when the raw value is not personal (kept as is). */
function replacement(text: string | null | undefined, field: Field | undefined, p: Pseudonymizer): string | null {
  if (!field?.personal) return null;
  const v = cleanedValue(text);
  return v !== null && isPersonalValue(v, field.personal) ? p.pseudonym(v) : null;
}

/** What replaces the value of a column or key that matches no field: it is not loaded, and may be personal. */
export const ELIDED = '…';

/**
 * A delimited record with the values of its personal columns replaced (`fieldAt`: the field of each column)
 * and those of columns matching no field elided.
 */
export function scrubRecord(record: string, delimiter: string, quote: string | null, fieldAt: readonly (Field | undefined)[], p: Pseudonymizer): string {
  return splitRecord(record, delimiter, quote)
    .map((f, i) => {
      const field = fieldAt[i];
      if (!field) return f.text === '' ? '' : ELIDED;
      return replacement(f.value, field, p) ?? f.text;
    })
    .join(delimiter);
}

/** A JSON object with the values of its personal keys replaced (`fieldOf`: the field a key maps to) and the others' values elided. */
export function scrubObject(obj: Record<string, unknown>, fieldOf: (key: string) => Field | undefined, p: Pseudonymizer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!fieldOf(k)) {
      out[k] = ELIDED;
      continue;
    }
    // The value as staged: text as it is, numbers and booleans written out, anything else as JSON.
    const text = v === null || v === undefined ? null : typeof v === 'string' ? v : ['number', 'boolean', 'bigint'].includes(typeof v) ? String(v) : JSON.stringify(v);
    out[k] = replacement(text, fieldOf(k), p) ?? v;
  }
  return out;
}

/**
 * The raw text of a named format's row with its personal values replaced wherever they occur: the values of
 * its personal fields, and `extra` personal values the format found in the record outside any field.
 */
export function scrubText(raw: string, fields: readonly Field[], values: Readonly<Record<string, string | null | undefined>>, extra: readonly string[], p: Pseudonymizer): string {
  const personal: string[] = [];
  for (const f of fields) {
    const v = cleanedValue(values[f.name]);
    if (f.personal && v !== null && isPersonalValue(v, f.personal)) personal.push(v);
  }
  for (const x of extra) {
    const v = cleanedValue(x);
    if (v !== null) personal.push(v);
  }
  return replaceValues(raw, personal, p);
}
