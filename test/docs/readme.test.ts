import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { contractsMarkdown } from '../../pipelines/contract-docs.ts';
import { contracts } from '../../pipelines/contracts.ts';
import { assembleReadme } from '../../scripts/readme.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('holds the contract tables generated from pipelines/contracts.ts (run `npm run docs` after changing a contract)', () => {
    expect(readme).toContain(contractsMarkdown());
  });

  it('is up to date with docs/*.md and the contracts (run `npm run docs`)', () => {
    expect(readme).toBe(assembleReadme(readme));
  });

  it('documents every field of every contract', () => {
    for (const c of Object.values(contracts)) for (const f of c.fields) expect(readme).toContain(`| \`${f.name}\` |`);
  });

  it('gives the two set-up commands, and .ci/run calls the test one', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toContain('npm ci && npm test');
  });
});
