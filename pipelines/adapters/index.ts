/** Registry of named input formats. */
import type { Adapter } from './types.ts';

export const adapters: readonly Adapter[] = [];

export function adapterFor(name: string): Adapter | undefined {
  return adapters.find((a) => a.name === name);
}
