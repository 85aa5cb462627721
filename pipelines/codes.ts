/** Code mappings (seeds/code_mappings.csv): source-system codes → canonical codes, per feed and field. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Source } from './contracts.ts';

export const codeMappingsPath = fileURLToPath(new URL('../seeds/code_mappings.csv', import.meta.url));

/** field → (lower-case code → canonical code), for one feed; rows with source `*` apply to every feed. */
export async function loadCodeMappings(source: Source, path = codeMappingsPath): Promise<Map<string, Map<string, string>>> {
  const text = await readFile(path, 'utf8');
  const out = new Map<string, Map<string, string>>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (i === 0 || line.trim() === '') continue;
    const [src, field, code, canonical] = line.split(',');
    if (!src || !field || !code || !canonical) throw new Error(`${path}: line ${i + 1}: expected source,field,code,canonical`);
    if (src !== '*' && src !== source) continue;
    if (!out.has(field)) out.set(field, new Map());
    out.get(field)!.set(code.trim().toLowerCase(), canonical.trim());
  }
  return out;
}
