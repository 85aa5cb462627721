// Regenerates the README's contract tables from pipelines/contracts.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withContracts } from '../pipelines/contract-docs.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withContracts(readFileSync(path, 'utf8')));
console.log('README.md: contract tables regenerated');
