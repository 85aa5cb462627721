import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses command flags strictly; unknown or malformed flags become a UserError naming the flag. */
export function parseFlags<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${usage}`);
  }
}

/** Reads a numeric flag; a value that is not a finite number is a UserError naming the flag. */
export function numberFlag(value: string | undefined, flag: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UserError(`--${flag}: expected a number, got "${value}"`);
  return n;
}

/** Like numberFlag but the flag must be given. */
export function requiredNumberFlag(value: string | undefined, flag: string): number {
  const n = numberFlag(value, flag);
  if (n === undefined) throw new UserError(`--${flag} is required`);
  return n;
}

/** A DuckDB memory size flag (3GB, 500MB, 1.5GiB…), or a UserError naming the flag. */
export function memorySizeFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value)) throw new UserError(`--${flag}: expected a size such as 3GB or 500MB, got "${value}"`);
  return value;
}
