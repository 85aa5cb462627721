// Regenerates the README's contract tables (pipelines/contracts.ts) and sections (docs/*.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleReadme } from './readme.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, assembleReadme(readFileSync(path, 'utf8')));
console.log('README.md regenerated from pipelines/contracts.ts and docs/*.md');
