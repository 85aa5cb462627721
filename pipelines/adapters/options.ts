/** Format settings given as `--option key=value`: checked against the keys a format knows. */
import { UserError } from '../../core/errors.ts';

/** Throws for keys the format does not know, so a typo does not pass unnoticed. */
export function checkOptions(format: string, options: Readonly<Record<string, string>>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const list = known.length ? `known: ${known.join(', ')}` : 'it takes no options';
      throw new UserError(`--option ${key}: not a setting of format ${format} (${list})`);
    }
  }
}

export function numberOption(options: Readonly<Record<string, string>>, key: string, fallback: number, min = 0): number {
  const text = options[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new UserError(`--option ${key}: expected a number ≥ ${min}, got "${text}"`);
  return n;
}

/** A case-insensitive regular expression. */
export function patternOption(options: Readonly<Record<string, string>>, key: string, fallback: string): RegExp {
  const text = options[key] ?? fallback;
  try {
    return new RegExp(text, 'i');
  } catch (err) {
    throw new UserError(`--option ${key}: not a valid regular expression: ${(err as Error).message}`);
  }
}

/** A comma-separated list of names, compared in lower case. */
export function listOption(options: Readonly<Record<string, string>>, key: string, fallback: readonly string[]): Set<string> {
  const text = options[key];
  const items = text === undefined ? fallback : text.split(',');
  return new Set(items.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
}
